"""The comment markup language, rendered once on save into `Comment.body_html`.

    [quote]...[/quote]   [quote="Name"]...[/quote]   [quote="Name" id=123]...[/quote]
    [b]bold[/b]   [i]italic[/i]   [spoiler]hidden until clicked[/spoiler]
    blank lines make paragraphs, single newlines line breaks, bare http(s) URLs become links.

A spoiler inside a line stays inline: a checkbox labelled "Spoiler: show" / "Spoiler: hide"
(CSS swaps the words and reveals the text beside it, so it works without JavaScript and from
the keyboard). A spoiler on lines of its own, or one holding paragraphs or quotes, is a block:
`<details class="spoiler">` whose summary says "show" or "hide" as it stands.

Everything the commenter typed is escaped first, so raw HTML shows as text. Unknown or
unbalanced tags come out literally. Quotes nested deeper than `MAX_QUOTE_DEPTH` collapse to
"[…]". The parser is a hand-written scanner plus one stack: every step consumes input or pops
the stack, so it runs in linear time whatever the input (no regular expression ever sees more
than one bounded tag). The output passes through the shared bleach policy as the last step.

`render(body, quoted_lookup=...)` takes a mapping from quoted comment ids to "is it visible";
a `[quote id=N]` whose comment is missing or not visible shows "quoted comment removed".
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.html import escape

from reviewsite.html import clean_comment_html

MAX_QUOTE_DEPTH = 3
# Any tag opened deeper than this is taken literally: it caps the HTML nesting bleach sees.
MAX_NESTING = 8
# Quotes and spoilers after this many in one comment are taken literally (bleach's cost is per element).
MAX_BLOCKS = 100
MAX_TAG_LENGTH = 120
QUOTE_NAME_MAX = 80
REL = "nofollow ugc noopener noreferrer"
REMOVED_QUOTE = "quoted comment removed"
COLLAPSED_QUOTE = "[…]"
# The summary holds both words; CSS shows the one that fits (details[open] or not).
SPOILER_SUMMARY = (
    '<span class="spoiler-word-show">Spoiler: show</span><span class="spoiler-word-hide">Spoiler: hide</span>'
)
INLINE_SPOILER_OPEN = (
    '<span class="spoiler-inline"><label class="spoiler-toggle">'
    '<input type="checkbox" class="spoiler-check">'
    f"{SPOILER_SUMMARY}</label> "
    '<span class="spoiler-text">'
)
INLINE_SPOILER_CLOSE = "</span></span>"

INLINE = {"b": "strong", "i": "em"}
BLOCK = {"quote", "spoiler"}
SIMPLE_TAGS = {"b", "i", "spoiler", "quote"}

# Only ever matched against one bounded tag (at most MAX_TAG_LENGTH characters).
QUOTE_ATTRS = re.compile(
    r'quote="([^"\]\n]{1,' + str(QUOTE_NAME_MAX) + r'})"(?:[ ]+id=(\d{1,18}))?', re.IGNORECASE
)
# Control characters other than tab and newline are dropped; the paragraph marker is one of them.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
PARAGRAPH = "\x00"
URL_STOP = frozenset(' \t\n<>"[]' + PARAGRAPH)
URL_TRAILING = ".,;:!?'*"


@dataclass
class Token:
    kind: str  # "text", "para", "open", "close"
    raw: str = ""
    name: str = ""
    quote_name: str = ""
    quote_id: int | None = None
    matched: bool = False
    partner: int = -1
    extra: dict = field(default_factory=dict)


def _normalise(body: str) -> str:
    """Unify newlines, drop control characters, turn runs of blank lines into one marker."""
    text = CONTROL.sub("", body.replace("\r\n", "\n").replace("\r", "\n"))
    out = []
    blank_run = False
    for line in text.split("\n"):
        if line.strip():
            if blank_run and out:
                out.append(PARAGRAPH)
            elif out:
                out.append("\n")
            out.append(line.rstrip())
            blank_run = False
        else:
            blank_run = True
    return "".join(out)


def _parse_tag(inner: str) -> Token | None:
    """`inner` is the text between `[` and `]` (bounded length). None if not one of ours."""
    lower = inner.lower()
    if lower.startswith("/"):
        name = lower[1:]
        if name in SIMPLE_TAGS:
            return Token("close", raw=f"[{inner}]", name=name)
        return None
    if lower in SIMPLE_TAGS:
        return Token("open", raw=f"[{inner}]", name=lower)
    if lower.startswith("quote="):
        match = QUOTE_ATTRS.fullmatch(inner)
        if match:
            name = match.group(1).strip()
            if name:
                quote_id = int(match.group(2)) if match.group(2) else None
                return Token("open", raw=f"[{inner}]", name="quote", quote_name=name, quote_id=quote_id)
    return None


def tokenize(body: str) -> list[Token]:
    text = _normalise(body)
    tokens: list[Token] = []
    length = len(text)
    start = 0  # start of the pending text run
    pos = 0
    # Next positions of "[" and of a paragraph marker, searched again only once passed, so
    # the scan stays linear.
    bracket = para = -2
    while pos < length:
        if bracket != -1 and bracket < pos:
            bracket = text.find("[", pos)
        if para != -1 and para < pos:
            para = text.find(PARAGRAPH, pos)
        candidates = [i for i in (bracket, para) if i != -1]
        if not candidates:
            break
        pos = min(candidates)
        if text[pos] == PARAGRAPH:
            if pos > start:
                tokens.append(Token("text", raw=text[start:pos]))
            tokens.append(Token("para"))
            pos += 1
            start = pos
            continue
        end = text.find("]", pos + 1, pos + MAX_TAG_LENGTH)
        token = None
        if end != -1:
            inner = text[pos + 1 : end]
            if "[" not in inner and PARAGRAPH not in inner:
                token = _parse_tag(inner)
        if token is None:
            pos += 1
            continue
        if pos > start:
            tokens.append(Token("text", raw=text[start:pos]))
        tokens.append(token)
        pos = end + 1
        start = pos
    if start < length:
        tokens.append(Token("text", raw=text[start:]))
    return tokens


def _match(tokens: list[Token]) -> None:
    """Pair open and close tags with one stack; anything unpaired stays literal.

    A close tag pops everything opened after its partner (those become literal). A paragraph
    break or a block tag ends any open inline tag. Each token is pushed and popped at most
    once, so this is linear.
    """
    stack: list[int] = []
    open_counts: dict[str, int] = dict.fromkeys(SIMPLE_TAGS, 0)
    blocks = 0

    def pop():
        index = stack.pop()
        open_counts[tokens[index].name] -= 1
        return index

    def drop_inline():
        while stack and tokens[stack[-1]].name in INLINE:
            pop()

    for index, token in enumerate(tokens):
        if token.kind == "para":
            drop_inline()
        elif token.kind == "open":
            if token.name in BLOCK:
                drop_inline()
                blocks += 1
            if len(stack) >= MAX_NESTING or (token.name in BLOCK and blocks > MAX_BLOCKS):
                continue
            stack.append(index)
            open_counts[token.name] += 1
        elif token.kind == "close":
            if token.name in BLOCK:
                drop_inline()
            if not open_counts[token.name]:
                continue
            while True:
                opener = pop()
                if tokens[opener].name == token.name:
                    tokens[opener].matched = token.matched = True
                    tokens[opener].partner, token.partner = index, opener
                    break


def _text(text: str) -> str:
    """Escape text content: `&` and `<` are all HTML needs there (fewer entities for bleach)."""
    return text.replace("&", "&amp;").replace("<", "&lt;")


def _autolink(text: str) -> str:
    """Escape `text`, turning bare http(s) URLs into links. Linear: one pass with str.find."""
    out = []
    pos = 0
    lower = text.lower()
    plain = secure = -2
    while True:
        if plain != -1 and plain < pos:
            plain = lower.find("http://", pos)
        if secure != -1 and secure < pos:
            secure = lower.find("https://", pos)
        candidates = [i for i in (plain, secure) if i != -1]
        if not candidates:
            break
        begin = min(candidates)
        # Only at a word boundary, so "xhttp://" is not a link.
        if begin > 0 and (text[begin - 1].isalnum() or text[begin - 1] in "/@"):
            out.append(_text(text[pos : begin + 4]))
            pos = begin + 4
            continue
        end = begin
        while end < len(text) and text[end] not in URL_STOP:
            end += 1
        url = text[begin:end]
        while url and url[-1] in URL_TRAILING:
            url = url[:-1]
        if url.endswith(")") and url.count("(") < url.count(")"):
            url = url[:-1]
        scheme_length = 8 if lower.startswith("https://", begin) else 7
        if len(url) <= scheme_length:
            out.append(_text(text[pos : begin + scheme_length]))
            pos = begin + scheme_length
            continue
        out.append(_text(text[pos:begin]))
        out.append(f'<a href="{escape(url)}" rel="{REL}">{_text(url)}</a>')
        pos = begin + len(url)
    out.append(_text(text[pos:]))
    return "".join(out)


def _quote_url(quote_id: int) -> str:
    try:
        return reverse("comments:comment-permalink", args=[quote_id])
    except NoReverseMatch:  # pragma: no cover - the URL is always installed
        return f"/comments/{quote_id}/"


class _Renderer:
    def __init__(self, quoted_lookup: Mapping[int, bool] | None):
        self.quoted_lookup = quoted_lookup
        self.out: list[str] = []
        self.in_paragraph = False
        self.pending_breaks = 0

    def open_paragraph(self):
        if not self.in_paragraph:
            self.out.append("<p>")
            self.in_paragraph = True
            self.pending_breaks = 0

    def close_paragraph(self):
        if self.in_paragraph:
            self.out.append("</p>")
            self.in_paragraph = False
            self.pending_breaks = 0

    def flush_breaks(self):
        if self.pending_breaks:
            self.out.append("<br>" * self.pending_breaks)
            self.pending_breaks = 0

    def text(self, raw: str):
        lines = raw.split("\n")
        for number, line in enumerate(lines):
            if number and self.in_paragraph:
                self.pending_breaks += 1
            if not line:
                continue
            if not self.in_paragraph:
                line = line.lstrip()
                if not line:
                    continue
                self.open_paragraph()
            self.flush_breaks()
            self.out.append(_autolink(line))

    def inline(self, html: str):
        self.open_paragraph()
        self.flush_breaks()
        self.out.append(html)

    def quote_visible(self, quote_id: int | None) -> bool:
        if quote_id is None or self.quoted_lookup is None:
            return True
        return bool(self.quoted_lookup.get(quote_id, False))

    def render(self, tokens: list[Token]) -> str:
        _mark_inline_spoilers(tokens)
        quote_depth = 0
        # While > -1, the index of the close tag that ends a hidden (collapsed or removed) region.
        skip_until = -1
        for index, token in enumerate(tokens):
            if skip_until != -1:
                if index == skip_until:
                    skip_until = -1
                    quote_depth -= 1
                continue
            if token.kind == "para":
                self.close_paragraph()
            elif token.kind == "text" or not token.matched:
                self.text(token.raw)
            elif token.kind == "open" and token.name in INLINE:
                self.inline(f"<{INLINE[token.name]}>")
            elif token.kind == "close" and token.name in INLINE:
                self.out.append(f"</{INLINE[token.name]}>")
            elif token.name == "spoiler" and tokens[token.partner if token.kind == "close" else index].extra:
                if token.kind == "open":
                    self.inline(INLINE_SPOILER_OPEN)
                else:
                    self.out.append(INLINE_SPOILER_CLOSE)
            elif token.name == "spoiler":
                self.close_paragraph()
                if token.kind == "open":
                    self.out.append(f'<details class="spoiler"><summary>{SPOILER_SUMMARY}</summary>')
                else:
                    self.out.append("</details>")
            elif token.kind == "open":  # quote
                self.close_paragraph()
                quote_depth += 1
                if quote_depth > MAX_QUOTE_DEPTH:
                    self.out.append(f"<p>{COLLAPSED_QUOTE}</p>")
                    skip_until = token.partner
                elif not self.quote_visible(token.quote_id):
                    self.out.append(
                        f'<blockquote class="comment-quote quote-removed" data-quote-id="{token.quote_id}">'
                        f"<p>{REMOVED_QUOTE}</p></blockquote>"
                    )
                    skip_until = token.partner
                else:
                    self.out.append(self._quote_open(token))
            else:  # quote close
                self.close_paragraph()
                quote_depth -= 1
                self.out.append("</blockquote>")
        self.close_paragraph()
        return "".join(self.out)

    def _quote_open(self, token: Token) -> str:
        if token.quote_id is not None:
            source = (
                f'<footer class="quote-source"><cite>{escape(token.quote_name)}</cite> '
                f'<a class="quote-link" href="{_quote_url(token.quote_id)}">wrote</a>:</footer>'
            )
            return f'<blockquote class="comment-quote" data-quote-id="{token.quote_id}">{source}'
        if token.quote_name:
            source = f'<footer class="quote-source"><cite>{escape(token.quote_name)}</cite> wrote:</footer>'
            return f'<blockquote class="comment-quote">{source}'
        return '<blockquote class="comment-quote">'


def _starts_line(tokens: list[Token], index: int) -> bool:
    if index == 0:
        return True
    before = tokens[index - 1]
    if before.kind == "para":
        return True
    if before.kind == "text" or not before.matched:
        return before.raw.endswith("\n") or (index == 1 and not before.raw.strip())
    return before.name in BLOCK


def _ends_line(tokens: list[Token], index: int) -> bool:
    if index == len(tokens) - 1:
        return True
    after = tokens[index + 1]
    if after.kind == "para":
        return True
    if after.kind == "text" or not after.matched:
        return after.raw.startswith("\n") or (index + 2 == len(tokens) and not after.raw.strip())
    return after.name in BLOCK


def _mark_inline_spoilers(tokens: list[Token]) -> None:
    """`extra["inline"]` on a matched spoiler's open token when it sits inside a line of text
    and holds no paragraph break or quote. Each spoiler's span is scanned once; spans overlap
    only by nesting, which `MAX_NESTING` bounds, so this stays linear."""
    for index, token in enumerate(tokens):
        if not (token.kind == "open" and token.name == "spoiler" and token.matched):
            continue
        if _starts_line(tokens, index) and _ends_line(tokens, token.partner):
            continue
        inner = tokens[index + 1 : token.partner]
        if any(t.kind == "para" or (t.matched and t.name in BLOCK) for t in inner):
            continue
        token.extra["inline"] = True


def render(body: str, *, quoted_lookup: Mapping[int, bool] | None = None) -> str:
    """Render comment markup to safe HTML.

    `quoted_lookup` maps the ids in `[quote ... id=N]` to whether that comment is visible; ids
    missing from it count as not visible. With no lookup at all every quote is shown.
    """
    tokens = tokenize(body or "")
    _match(tokens)
    return clean_comment_html(_Renderer(quoted_lookup).render(tokens))


def quoted_ids(body: str) -> set[int]:
    """The comment ids this body quotes (well-formed `[quote="Name" id=N]...[/quote]` only)."""
    tokens = tokenize(body or "")
    _match(tokens)
    return {t.quote_id for t in tokens if t.kind == "open" and t.matched and t.quote_id is not None}


def strip_quotes(body: str) -> str:
    """The source text without its (well-formed) quotes: what a reply pre-fills when quoting it."""
    tokens = tokenize(body or "")
    _match(tokens)
    out = []
    skip_until = -1
    for index, token in enumerate(tokens):
        if skip_until != -1:
            if index == skip_until:
                skip_until = -1
            continue
        if token.kind == "open" and token.matched and token.name == "quote":
            skip_until = token.partner
        elif token.kind == "para":
            out.append("\n\n")
        else:
            out.append(token.raw)
    return re.sub(r"\n{3,}", "\n\n", "".join(out)).strip()


def quote_source(*, name: str, comment_id: int, text: str) -> str:
    """The markup a Quote button pre-fills."""
    safe_name = name.replace('"', "'").replace("]", ")").replace("\n", " ")[:QUOTE_NAME_MAX].strip()
    return f'[quote="{safe_name or "Someone"}" id={comment_id}]{text.strip()}[/quote]\n\n'
