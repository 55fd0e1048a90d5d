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

The render is bounded. Python-Markdown is quadratic (or worse) in unmatched ``[`` and ``<``: a
body of 10,000 ``[`` took 19.5 s. A body whose cost estimate (those characters times the length)
is small renders here; a larger one renders in a child process killed after
``RENDER_SECONDS``. A body that does not finish in time is shown as escaped plain text
(``Rendered.complete`` is False) and ``problem(source)`` says why, for the admin form.
"""

import functools
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import markdown

from reviewsite.html import clean_review_html

DEFAULT_SUMMARY = "Spoiler: this section reveals the plot"
_OPEN = re.compile(r"^ {0,3}:::\s*spoiler\b[ \t]*(?P<label>.*?)\s*$", re.IGNORECASE)
_CLOSE = re.compile(r"^ {0,3}:::\s*$")
# Markdown's own nesting has no cap; a critic's quote 5,000 levels deep is not a review.
_DEEP_QUOTE = re.compile(r"^((?:\s*>){8})(?:\s*>)+", re.MULTILINE)
_BLOCK_TAGS = {"p", "blockquote", "li", "h2", "h3", "h4", "div", "details", "summary", "br", "hr"}

MAX_LENGTH = 40_000  # characters of Markdown: a long feature is about 25,000
RENDER_SECONDS = 2.0
# Below both of these a body renders in this process in well under 0.3 s, whatever it holds
# (measured worst cases at 5,000 characters: nested <div> 0.2 s through bleach, 1,000 "[" 0.1 s).
# Anything bigger renders in a child process that is killed at the deadline.
IN_PROCESS_LENGTH = 5_000
IN_PROCESS_WORK = 1_000_000  # ("[" + "<") x length: Markdown's quadratic cases
_BASE_DIR = Path(__file__).resolve().parent.parent
_CHILD = (
    "import dataclasses, json, sys\n"
    f"sys.path.insert(0, {str(_BASE_DIR)!r})\n"
    "from reviews.markup import _render\n"
    "json.dump(dataclasses.asdict(_render(sys.stdin.read())), sys.stdout)\n"
)


@dataclass(frozen=True)
class Rendered:
    html: str
    public_text: str
    has_spoilers: bool
    complete: bool = True  # False: Markdown did not finish in time; the text is shown as typed


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


def problem(source):
    """Why `source` cannot be saved as a review body, or None."""
    if len(source or "") > MAX_LENGTH:
        return f"A review can be at most {MAX_LENGTH:,} characters long (this one has {len(source):,})."
    if not render(source).complete:
        return (
            "This text takes too long to format: it has a great many [ or < characters that never "
            "close, or tags nested thousands deep. Remove them, or split the text into shorter paragraphs."
        )
    return None


@functools.lru_cache(maxsize=8)  # the admin form checks the body, then the save renders it
def render(source):
    """The body rendered within about `RENDER_SECONDS`; as escaped text if it cannot be."""
    source = source or ""
    work = (source.count("[") + source.count("<")) * len(source)
    if len(source) <= IN_PROCESS_LENGTH and work <= IN_PROCESS_WORK:
        return _render(source)
    if len(source) <= MAX_LENGTH:
        # A thread cannot be stopped, and signals reach only the main thread (gunicorn's gthread
        # workers serve requests on others), but a child process can be killed at the deadline.
        try:
            child = subprocess.run(
                [sys.executable, "-I", "-c", _CHILD],
                input=source,
                capture_output=True,
                text=True,
                encoding="utf-8",
                timeout=RENDER_SECONDS,
                check=True,
            )
            return Rendered(**json.loads(child.stdout))
        except (subprocess.TimeoutExpired, subprocess.CalledProcessError, ValueError, TypeError):
            pass
    return _render_plain(source)


def _render_plain(source):
    """Escaped text in paragraphs, spoilers still folded: linear, and safe without bleach."""
    parts, public_parts, has_spoilers = [], [], False
    for is_spoiler, label, text in split_spoilers(source[:MAX_LENGTH]):
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
        html = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs if p)
        if is_spoiler:
            has_spoilers = True
            parts.append(_spoiler(label, html))
        else:
            parts.append(html)
            public_parts.append("\n\n".join(p for p in paragraphs if p))
    return Rendered("\n".join(parts), "\n\n".join(public_parts), has_spoilers, complete=False)


def _spoiler(label, html):
    summary = f"Spoiler: {escape(label)}" if label else DEFAULT_SUMMARY
    return (
        f'<details class="spoiler"><summary class="spoiler-summary">{summary}</summary>'
        f'<div class="spoiler-body">\n{html}\n</div></details>'
    )


def _render(source):
    parts, public_parts, has_spoilers = [], [], False
    for is_spoiler, label, text in split_spoilers(source):
        html = _markdown(text)
        if is_spoiler:
            has_spoilers = True
            parts.append(_spoiler(label, html))
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
