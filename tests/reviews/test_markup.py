import pytest

from reviews.markup import DEFAULT_SUMMARY, render, snippet, split_spoilers


def test_paragraphs_emphasis_links_and_quotes():
    rendered = render('A *b* **c** [d](https://example.com "t").\n\n> quoted\n\nEnd.')
    assert "<p>A <em>b</em> <strong>c</strong>" in rendered.html
    assert '<a href="https://example.com" title="t">d</a>' in rendered.html
    assert "<blockquote>" in rendered.html
    assert not rendered.has_spoilers


def test_spoiler_block_becomes_closed_details_with_clear_summary():
    rendered = render("Before.\n\n:::spoiler\nThe *twist*.\n:::\n\nAfter.")
    assert (
        f'<details class="spoiler"><summary class="spoiler-summary">{DEFAULT_SUMMARY}</summary>'
        in rendered.html
    )
    assert "<em>twist</em>" in rendered.html
    assert "<details open" not in rendered.html and " open>" not in rendered.html
    assert "aria-label" not in rendered.html
    assert rendered.has_spoilers
    assert "twist" not in rendered.public_text
    assert rendered.public_text == "Before.\n\nAfter."


def test_spoiler_label_is_escaped_into_the_summary():
    rendered = render(":::spoiler the <b>ending</b>\nShe lives.\n:::")
    assert (
        '<summary class="spoiler-summary">Spoiler: the &lt;b&gt;ending&lt;/b&gt;</summary>' in rendered.html
    )


def test_unclosed_spoiler_hides_the_rest():
    rendered = render("Intro.\n\n:::spoiler\nEverything after.\n\nStill hidden.")
    assert rendered.public_text == "Intro."
    assert rendered.html.count("<details") == 1


def test_spoiler_blocks_do_not_nest():
    segments = split_spoilers(":::spoiler\nA\n:::spoiler\nB\n:::\nC")
    assert segments == [(True, "", "A\n:::spoiler\nB"), (False, "", "C")]


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[x](javascript:alert(1))",
        '<a href="#" onclick="alert(1)">x</a>',
        '<details open ontoggle="alert(1)">x</details>',
        "<iframe src=https://evil.example></iframe>",
    ],
)
def test_dangerous_markup_is_removed(source):
    html = render(source).html
    for needle in ("<script", "onerror", "javascript:", "onclick", "ontoggle", "<iframe", "<img"):
        assert needle not in html


def test_deep_quotes_are_capped():
    rendered = render(">" * 5000 + " deep")
    assert rendered.html.count("<blockquote>") <= 8


def test_snippet_cuts_at_a_word():
    assert snippet("one two three four", 9) == "one two…"
    assert snippet("short", 10) == "short"
