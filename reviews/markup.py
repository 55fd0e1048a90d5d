"""Review bodies: Markdown with spoiler blocks, rendered once on save.

A spoiler block is a fenced block of its own lines::

    :::spoiler
    The twist is that ...
    :::

``:::spoiler the ending`` gives the summary "Spoiler: the ending". A block left open runs to
the end of the review (hiding too much beats revealing too much). Blocks do not nest.

Each spoiler renders as ``<details class="spoiler">`` with a ``<summary>``: collapsed, usable
without JavaScript and from the keyboard, and the hidden text is only in the closed element's
content (no ``aria-label`` copies), so assistive technology reaches it only once opened.

``render(source)`` returns a ``Rendered`` with the sanitised HTML (bleach is the last step), the
plain text *without* the spoiler sections (for search, snippets, feeds and meta tags) and
whether there were spoilers.
"""

import re
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

import markdown

from reviewsite.html import clean_review_html

DEFAULT_SUMMARY = "Spoiler: this section reveals the plot"
_OPEN = re.compile(r"^ {0,3}:::\s*spoiler\b[ \t]*(?P<label>.*?)\s*$", re.IGNORECASE)
_CLOSE = re.compile(r"^ {0,3}:::\s*$")
# Markdown's own nesting has no cap; a critic's quote 5,000 levels deep is not a review.
_DEEP_QUOTE = re.compile(r"^((?:\s*>){8})(?:\s*>)+", re.MULTILINE)
_BLOCK_TAGS = {"p", "blockquote", "li", "h2", "h3", "h4", "div", "details", "summary", "br", "hr"}


@dataclass(frozen=True)
class Rendered:
    html: str
    public_text: str
    has_spoilers: bool


def split_spoilers(source):
    """[(is_spoiler, label, text)] in order."""
    segments = []
    current, label, in_spoiler = [], "", False
    for line in source.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not in_spoiler and (match := _OPEN.match(line)):
            segments.append((False, "", "\n".join(current)))
            current, label, in_spoiler = [], match.group("label"), True
        elif in_spoiler and _CLOSE.match(line):
            segments.append((True, label, "\n".join(current)))
            current, label, in_spoiler = [], "", False
        else:
            current.append(line)
    segments.append((in_spoiler, label, "\n".join(current)))
    return [segment for segment in segments if segment[2].strip()]


def _markdown(text):
    text = _DEEP_QUOTE.sub(r"\1", text)
    return markdown.markdown(text, extensions=["smarty"], output_format="html")


def render(source):
    parts, public_parts, has_spoilers = [], [], False
    for is_spoiler, label, text in split_spoilers(source or ""):
        html = _markdown(text)
        if is_spoiler:
            has_spoilers = True
            summary = f"Spoiler: {escape(label)}" if label else DEFAULT_SUMMARY
            parts.append(
                f'<details class="spoiler"><summary class="spoiler-summary">{summary}</summary>'
                f'<div class="spoiler-body">\n{html}\n</div></details>'
            )
        else:
            parts.append(html)
            public_parts.append(html)
    safe_html = clean_review_html("\n".join(parts))
    public_text = html_to_text(clean_review_html("\n".join(public_parts)))
    return Rendered(html=safe_html, public_text=public_text, has_spoilers=has_spoilers)


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.chunks.append("\n\n")

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS:
            self.chunks.append("\n\n")

    def handle_data(self, data):
        self.chunks.append(data)


def html_to_text(html):
    """Plain text of already-sanitised HTML, paragraphs separated by blank lines."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.chunks)
    paragraphs = [" ".join(chunk.split()) for chunk in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def snippet(text, length=220):
    """The first `length` characters of plain text, cut at a word, with an ellipsis."""
    text = " ".join((text or "").split())
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0].rstrip(",;:.-—")
    return f"{cut}…"
