"""The one HTML sanitiser policy, shared by review bodies and comments.

Markup is rendered on save and passed through here as the last step, so what is
stored in ``*_html`` columns is always safe to mark safe in templates.
"""

import re

import bleach

# Review bodies (Markdown written by critics).
REVIEW_TAGS = frozenset(
    {
        "p",
        "br",
        "em",
        "strong",
        "i",
        "b",
        "a",
        "blockquote",
        "ul",
        "ol",
        "li",
        "h2",
        "h3",
        "h4",
        "hr",
        "details",
        "summary",
        "div",
        "span",
        "cite",
        "q",
    }
)
REVIEW_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "div": ["class"],
    "span": ["class"],
    "details": ["class", "open"],
    "summary": ["class"],
    "blockquote": ["class"],
}

# Reader comments: stricter; no headings, no arbitrary classes beyond ours.
COMMENT_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "a",
        "blockquote",
        "cite",
        "footer",
        "details",
        "summary",
        "span",
        "label",
        "input",
    }
)


def _comment_input_attribute(tag, name, value):
    """The inline spoiler's toggle is the only input a comment has: a checkbox, nothing else."""
    return (name == "type" and value == "checkbox") or (name == "class" and value == "spoiler-check")


COMMENT_ATTRIBUTES = {
    "a": ["href", "rel", "class"],
    "blockquote": ["class", "data-quote-id"],
    "cite": ["class"],
    "footer": ["class"],
    "details": ["class", "open"],
    "summary": ["class"],
    "span": ["class"],
    "label": ["class"],
    "input": _comment_input_attribute,
}

PROTOCOLS = frozenset({"http", "https", "mailto"})


def clean_review_html(html: str) -> str:
    return bleach.clean(html, tags=REVIEW_TAGS, attributes=REVIEW_ATTRIBUTES, protocols=PROTOCOLS, strip=True)


def clean_comment_html(html: str) -> str:
    return bleach.clean(
        html,
        tags=COMMENT_TAGS,
        attributes=COMMENT_ATTRIBUTES,
        protocols=frozenset({"http", "https"}),
        strip=True,
    )


_DETAILS_TAG = re.compile(r"<(/?)details\b[^>]*>", re.IGNORECASE)


def without_details(html: str, replacement: str = "") -> str:
    """Sanitised HTML less its <details> elements (spoilers), each outermost one replaced.

    Spoilers nest (a comment's spoiler inside another, or inside a quote), so this counts depth
    rather than matching the first `</details>`, which would let the rest of an outer spoiler
    through. Only for our sanitised output, where every `<details` is a tag: text has `&lt;`.
    """
    out, depth, position = [], 0, 0
    for match in _DETAILS_TAG.finditer(html):
        closing = bool(match.group(1))
        if not closing:
            if depth == 0:
                out.append(html[position : match.start()])
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                out.append(replacement)
                position = match.end()
    if depth == 0:
        out.append(html[position:])
    else:  # unbalanced: hide the rest rather than show a spoiler
        out.append(replacement)
    return "".join(out)
