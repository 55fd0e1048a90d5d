"""The comment markup language (comments/markup.py)."""

import time

import pytest

from comments.markup import quote_source, quoted_ids, render, strip_quotes
from comments.models import Comment

REL = 'rel="nofollow ugc noopener noreferrer"'
LIMIT = Comment._meta.get_field("body").max_length


def test_bold_and_italic():
    assert render("[b]bold[/b] and [i]italic[/i]") == "<p><strong>bold</strong> and <em>italic</em></p>"


def test_tags_are_case_insensitive():
    assert render("[B]x[/b]") == "<p><strong>x</strong></p>"


def test_paragraphs_from_blank_lines_and_line_breaks():
    assert render("one\ntwo\n\n\n  \nthree") == "<p>one<br>two</p><p>three</p>"


def test_windows_newlines_and_surrounding_blank_lines():
    assert render("\r\n\r\none\r\ntwo\r\n\r\n") == "<p>one<br>two</p>"


def test_raw_html_is_shown_as_text():
    html = render('<script>alert("x")</script><img src=x onerror=alert(1)> & <b>')
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html and "&amp;" in html


def test_bare_urls_are_linked_with_rel():
    html = render("See https://example.com/a?b=1&c=2. Or http://x.org/wiki/Film_(1999)")
    assert f'<a href="https://example.com/a?b=1&amp;c=2" {REL}>https://example.com/a?b=1&amp;c=2</a>.' in html
    assert f'<a href="http://x.org/wiki/Film_(1999)" {REL}>' in html


def test_only_http_urls_are_linked():
    for text in ("javascript:alert(1)", "ftp://example.com/x", "data:text/html,hi"):
        assert "<a" not in render(text)


def test_url_cannot_break_out_of_the_attribute():
    html = render('https://example.com/"onmouseover="alert(1)')
    assert 'href="https://example.com/"' in html
    assert "onmouseover=" not in html.split(">")[0]


def test_a_spoiler_on_lines_of_its_own_is_a_block_that_says_show_or_hide():
    html = render("It ends badly.\n\n[spoiler]A twist.\n\nAnd another.[/spoiler]\n\nGo anyway.")
    assert html == (
        "<p>It ends badly.</p>"
        '<details class="spoiler"><summary><span class="spoiler-word-show">Spoiler: show</span>'
        '<span class="spoiler-word-hide">Spoiler: hide</span></summary>'
        "<p>A twist.</p><p>And another.</p></details><p>Go anyway.</p>"
    )
    assert "click to show" not in html and "open" not in html


def test_a_spoiler_inside_a_sentence_stays_inline():
    """No orphaned "." on its own line: the sentence stays one paragraph."""
    html = render("It ends with [spoiler]a twist[/spoiler].")
    assert html.startswith('<p>It ends with <span class="spoiler-inline">') and html.endswith(
        "</span></span>.</p>"
    )
    assert '<input type="checkbox" class="spoiler-check">' in html
    assert '<span class="spoiler-text">a twist</span>' in html
    assert "<details" not in html


@pytest.mark.parametrize(
    ("body", "inline"),
    [
        ("[spoiler]the end[/spoiler]", False),
        ("Line one\n[spoiler]the end[/spoiler]\nLine three", False),
        ("[spoiler]the end[/spoiler] was great", True),
        ("so [spoiler]the end[/spoiler]", True),
        ("so [b]bold[/b] [spoiler]x[/spoiler] and", True),
        ("so [spoiler]one\n\ntwo[/spoiler] and", False),  # paragraphs need a block
        ('so [spoiler][quote="A"]x[/quote][/spoiler] and', False),  # so do quotes
    ],
)
def test_inline_or_block(body, inline):
    html = render(body)
    assert ("spoiler-inline" in html) is inline
    assert ("<details" in html) is not inline


def test_inline_spoiler_markup_survives_the_sanitiser_but_typed_inputs_do_not():
    from reviewsite.html import clean_comment_html

    assert clean_comment_html('<input type="text" name="x" value="y">') == "<input>"
    assert "onclick" not in clean_comment_html('<input type="checkbox" onclick="alert(1)">')
    typed = render('<label><input type="checkbox" class="spoiler-check"></label>')
    assert "<input" not in typed and "&lt;input" in typed


def test_quote_plain_named_and_linked():
    assert render("[quote]said[/quote]") == '<blockquote class="comment-quote"><p>said</p></blockquote>'
    named = render('[quote="Ann"]said[/quote]')
    assert "<cite>Ann</cite> wrote:" in named and "<p>said</p>" in named
    linked = render('[quote="Ann" id=42]said[/quote]', quoted_lookup={42: True})
    assert 'data-quote-id="42"' in linked and 'href="/comments/42/"' in linked and "<p>said</p>" in linked


def test_quote_name_is_escaped():
    html = render('[quote="<b>Ann</b>"]x[/quote]')
    assert "<cite>&lt;b&gt;Ann&lt;/b&gt;</cite>" in html


def test_removed_quote_is_redacted():
    html = render('[quote="Ann" id=42]something nasty[/quote]\nMy reply', quoted_lookup={42: False})
    assert "something nasty" not in html
    assert "quoted comment removed" in html
    assert "My reply" in html


def test_quote_of_unknown_comment_is_redacted():
    assert "quoted comment removed" in render('[quote="Ann" id=7]x[/quote]', quoted_lookup={})


def test_quote_nesting_deeper_than_three_collapses():
    body = "[quote]1[quote]2[quote]3[quote]4[quote]5[/quote][/quote][/quote][/quote][/quote] after"
    html = render(body)
    assert html.count("<blockquote") == 3
    assert "[…]" in html
    assert "4" not in html and "5" not in html
    assert html.endswith("<p>after</p>")


@pytest.mark.parametrize(
    ("body", "html"),
    [
        ("[b]unclosed", "<p>[b]unclosed</p>"),
        ("closed[/b]", "<p>closed[/b]</p>"),
        ("[quote]never closed", "<p>[quote]never closed</p>"),
        ("[spoiler]x", "<p>[spoiler]x</p>"),
        ("[/quote] first", "<p>[/quote] first</p>"),
        ("[b]one[/b][/b]", "<p><strong>one</strong>[/b]</p>"),
        (
            "[quote]a[quote]b[/quote]",
            '<p>[quote]a</p><blockquote class="comment-quote"><p>b</p></blockquote>',
        ),
    ],
)
def test_unbalanced_tags_come_out_literally(body, html):
    assert render(body) == html


def test_improper_nesting_keeps_the_inner_tag_literal():
    assert render("[b]x[i]y[/b]z[/i]") == "<p><strong>x[i]y</strong>z[/i]</p>"


def test_unknown_tags_are_literal():
    assert render("[u]x[/u] [url]b[/url] [quote id=3]q[/quote]") == (
        "<p>[u]x[/u] [url]b[/url] [quote id=3]q[/quote]</p>"
    )


def test_inline_tags_do_not_span_paragraphs():
    assert render("[b]one\n\ntwo[/b]") == "<p>[b]one</p><p>two[/b]</p>"


def test_inline_tags_inside_quotes():
    assert render("[quote][b]x[/b][/quote]") == (
        '<blockquote class="comment-quote"><p><strong>x</strong></p></blockquote>'
    )


# What a long run of each pathological unit must come out as (checked on 64 repeats).
PATHOLOGICAL = {
    "[quote]": ("[quote]", 64),  # unbalanced: literal text
    "</b>": ("&lt;/b&gt;", 64),  # raw HTML: shown as text
    "[b]": ("[b]", 64),
    "[/quote]": ("[/quote]", 64),
    "[quote]x[/quote]": ("<blockquote", 64),  # balanced: real quotes
    "https://": ("<a ", 1),  # one long "URL", linked once
}


def _render_seconds(body):
    # CPU time, not wall time: a busy machine delays a run without making it cost more.
    started = time.process_time()
    render(body)
    return time.process_time() - started


@pytest.mark.parametrize("unit", list(PATHOLOGICAL))
def test_pathological_patterns_render_right_and_in_linear_time(unit):
    marker, count = PATHOLOGICAL[unit]
    assert render(unit * 64).count(marker) == count
    # Up to the length limit, four times the input takes about four times as long, not sixteen
    # (quadratic): the best of five runs of each size.
    body = unit * (LIMIT // len(unit) + 1)
    small = min(_render_seconds(body[: LIMIT // 4]) for _ in range(5))
    large = min(_render_seconds(body[:LIMIT]) for _ in range(5))
    assert large < 8 * small + 0.005, (small, large)


def test_deep_matched_nesting_is_capped():
    body = "[quote]" * 5000 + "x" + "[/quote]" * 5000
    html = render(body)
    assert html.count("<blockquote") == 3


def test_quoted_ids_and_strip_quotes():
    body = '[quote="A" id=3]old[/quote]\n\nmine [b]b[/b] [quote="B" id=4]unclosed'
    assert quoted_ids(body) == {3}
    assert strip_quotes(body) == 'mine [b]b[/b] [quote="B" id=4]unclosed'


def test_quote_source_cleans_the_name():
    assert (
        quote_source(name='A "b"] c', comment_id=9, text=" hi ") == "[quote=\"A 'b') c\" id=9]hi[/quote]\n\n"
    )
    assert quoted_ids(quote_source(name='A "b"] c', comment_id=9, text="hi")) == {9}


def test_quotes_after_the_hundredth_are_literal():
    html = render("[quote]x[/quote]" * 150)
    assert html.count("<blockquote") == 100
    assert "[quote]x[/quote]" in html
