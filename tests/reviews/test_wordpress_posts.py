"""reviews/wordpress.py: a WordPress post's HTML into review Markdown and the film box's facts."""

import pytest

from reviews import markup
from reviews.wordpress import convert, film_title_and_year, link_path, split_names
from reviewsite.htmlscan import TagScanner


def md(html):
    return convert(html).markdown


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("One.\n\nTwo.", "One.\n\nTwo.\n"),
        ("Line one\nline two", "Line one  \nline two\n"),  # WordPress's newline is a <br>
        ("<p>One</p><p>Two</p>", "One\n\nTwo\n"),
        ("<em>a</em> <i>b</i> <strong>c</strong> <b>d</b>", "*a* *b* **c** **d**\n"),
        ("<em> spaced </em>out", "*spaced* out\n"),
        ('<a href="https://e.example/a b">link</a>', "[link](https://e.example/a%20b)\n"),
        ('<a href="javascript:alert(1)">text</a>', "text\n"),
        ('<a href="/relative/">text</a>', "text\n"),
        ("<blockquote>Quoted</blockquote>", "> Quoted\n"),
        ("<ul><li>a</li><li>b</li></ul>", "- a\n- b\n"),
        ("<ol><li>a</li><li>b</li></ol>", "1. a\n2. b\n"),
        ("<h2>Heading</h2>Text", "Heading\n\nText\n"),
        ("<script>alert(1)</script><style>p{}</style>Kept", "Kept\n"),
        ('[caption id="x"]<img src="a.jpg"> A still[/caption]', "A still\n"),
        ("a * b _c_ [d] `e`", "a \\* b \\_c\\_ \\[d\\] \\`e\\`\n"),
        ("&lt;script&gt;", "&lt;script>\n"),
        ("# not a heading", "\\# not a heading\n"),
        ("1. not a list", "1\\. not a list\n"),
        ("> not a quote", "\\> not a quote\n"),
        (":::spoiler not a fence", "&#58;::spoiler not a fence\n"),
    ],
)
def test_html_to_markdown(html, markdown):
    assert md(html) == markdown


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        '<iframe src="http://evil.example/"></iframe>',
        '<p style="x" onclick="alert(1)">x</p>',
        "<svg><script>alert(1)</script></svg>",
    ],
)
def test_no_html_passes_through(html):
    rendered = markup.render(md(html)).html
    for bad in ("<script", "onerror", "onclick", "javascript:", "<iframe", "<svg", "style="):
        assert bad not in rendered


def test_facts_block_read_and_removed():
    converted = convert(
        "The Story: A heist goes wrong.  The Lowdown: Tight and mean.\n"
        "Genre: Crime/Thriller\n"
        "Director: Ann Hui (Boat People), Joel Coen and Ethan Coen\n"
        "Starring: A. Actor, B. Actor (cameo) and C. Actor\n"
        "Rated: PG-13 for violence\n"
        "Year: 1999\n"
        "Runtime: 104 minutes\n\nThe review starts here."
    )
    facts = converted.facts
    assert facts.synopsis == "A heist goes wrong."
    assert facts.lowdown == "Tight and mean."
    assert facts.genres == ["Crime", "Thriller"]
    assert facts.directors == [("Ann Hui", "Boat People"), ("Joel Coen", ""), ("Ethan Coen", "")]
    assert facts.cast == ["A. Actor", "B. Actor", "C. Actor"]
    assert (facts.rating, facts.rating_reason) == ("PG-13", "for violence")
    assert (facts.year, facts.runtime) == (1999, 104)
    assert converted.markdown == "The review starts here.\n"


def test_no_facts_block_leaves_the_body_alone():
    converted = convert("Plain review.\n\nRated highly by everyone I know.")
    assert converted.facts is None
    assert "Rated highly" in converted.markdown


def test_closing_rating_sentence_gives_the_reason():
    converted = convert("The Lowdown: Fine.\n\nBody.\n\nRated R for some sexuality and nudity.")
    assert (converted.facts.rating, converted.facts.rating_reason) == ("R", "for some sexuality and nudity")
    assert converted.markdown == "Body.\n"


def test_not_rated():
    assert convert("Rated: Not Rated\n\nBody").facts.rating == "NR"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Never Let Me Go", ("Never Let Me Go", None)),
        ("Review: The Third Man (1949)", ("The Third Man", 1949)),
        ("Movie review: Moon", ("Moon", None)),
        ("2001: A Space Odyssey (1968)", ("2001: A Space Odyssey", 1968)),
    ],
)
def test_film_title_and_year(title, expected):
    assert film_title_and_year(title) == expected


def test_split_names_keeps_parentheses_together():
    assert split_names("A (X, Y), B & C and D") == ["A (X, Y)", "B", "C", "D"]


def test_link_path_is_decoded_like_request_path():
    assert link_path("http://w.example/2010/09/28/caf%C3%A9/") == "/2010/09/28/café/"
    assert link_path("http://w.example/?p=12") == ""
    assert link_path("") == ""


def test_tag_scanner_reads_tags_attributes_and_entities():
    seen = []

    class Recorder(TagScanner):
        def handle_starttag(self, tag, attrs):
            seen.append(("start", tag, attrs))

        def handle_endtag(self, tag):
            seen.append(("end", tag))

        def handle_data(self, data):
            seen.append(("data", data))

    Recorder().feed("<A HREF='x&amp;y' title=t>a &lt; b</a><!-- gone --><br/>1 < 2<!doctype html>")
    assert seen == [
        ("start", "a", [("href", "x&y"), ("title", "t")]),
        ("data", "a < b"),
        ("end", "a"),
        ("start", "br", []),
        ("end", "br"),
        ("data", "1 "),
        ("data", "<"),
        ("data", " 2"),
    ]
