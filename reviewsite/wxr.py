"""A streaming reader for WordPress export files (WXR 1.0, 1.1 and 1.2, from Tools > Export).

`read(file)` yields the export's authors (`Author`) and then its items (`Post`, each with its
`Comment`s) one at a time, as the file is read: an item's elements are dropped as soon as it is
yielded, so memory grows with the largest single item (a post and its thread), not the file.

The parser is defusedxml's: entity declarations (the "billion laughs"), external entities and
external DTDs raise instead of being expanded or fetched. Any problem, malformed XML included,
is a `WXRError` that names the line.

Only the parts Marquee imports are read; the rest (terms, post meta, attachments' files) is
skipped. Namespaces are matched by what they are, not by prefix or version, so 1.1 and 1.2
read alike.
"""

import datetime
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, iterparse

NO_DATE = "0000-00-00 00:00:00"
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_DC_NS = "http://purl.org/dc/elements/1.1/"
_WP_NS_PREFIX = "http://wordpress.org/export/"


class WXRError(Exception):
    """The file is not a WordPress export we can read; `line` says where (when known)."""

    def __init__(self, message, *, line=None):
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line
        self.reason = message


@dataclass(slots=True)
class Author:
    id: int
    login: str
    email: str
    display_name: str


@dataclass(slots=True)
class Comment:
    id: int
    parent_id: int
    type: str  # "comment" (WordPress writes "" or "comment"), "pingback", "trackback", ...
    approved: str  # "1", "0", "spam", "trash", "post-trashed"
    author: str
    email: str
    url: str
    ip: str
    date: datetime.datetime | None  # UTC when the export has it, else naive local time
    content: str
    user_id: int


@dataclass(slots=True)
class Post:
    id: int
    title: str
    link: str
    slug: str
    creator: str  # the author's login
    date: datetime.datetime | None  # as Comment.date
    status: str  # publish, future, draft, pending, private, trash, ...
    post_type: str
    content: str
    excerpt: str
    comment_status: str
    categories: list[tuple[str, str, str]] = field(default_factory=list)  # (domain, nicename, name)
    comments: list[Comment] = field(default_factory=list)


@functools.lru_cache(maxsize=512)
def _local_name(tag):
    """'{http://wordpress.org/export/1.2/}post_id' -> 'wp:post_id' whatever the WXR version."""
    if tag[:1] != "{":
        return tag
    namespace, _, name = tag[1:].partition("}")
    if namespace.startswith(_WP_NS_PREFIX):
        return f"excerpt:{name}" if namespace.rstrip("/").endswith("excerpt") else f"wp:{name}"
    if namespace == _CONTENT_NS:
        return f"content:{name}"
    if namespace == _DC_NS:
        return f"dc:{name}"
    return name


def _children(element):
    """{local name: text} of an element's children (the first of each name)."""
    values = {}
    for child in element:
        name = _local_name(child.tag)
        if name not in values:
            values[name] = child.text or ""
    return values


def _int(value):
    try:
        return int((value or "0").strip())
    except ValueError:
        return 0


def parse_date(gmt, local):
    """The UTC time when the export gives one; otherwise the naive local time (or None)."""
    for value, utc in ((gmt, True), (local, False)):
        value = (value or "").strip()
        if not value or value == NO_DATE:
            continue
        try:
            moment = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            continue
        return moment.replace(tzinfo=datetime.UTC) if utc else moment
    return None


def _author(element):
    values = _children(element)
    return Author(
        id=_int(values.get("wp:author_id")),
        login=values.get("wp:author_login", "").strip(),
        email=values.get("wp:author_email", "").strip(),
        display_name=values.get("wp:author_display_name", "").strip(),
    )


def _comment(element):
    values = _children(element)
    return Comment(
        id=_int(values.get("wp:comment_id")),
        parent_id=_int(values.get("wp:comment_parent")),
        type=values.get("wp:comment_type", "").strip() or "comment",
        approved=values.get("wp:comment_approved", "").strip(),
        author=values.get("wp:comment_author", "").strip(),
        email=values.get("wp:comment_author_email", "").strip(),
        url=values.get("wp:comment_author_url", "").strip(),
        ip=values.get("wp:comment_author_IP", "").strip(),
        date=parse_date(values.get("wp:comment_date_gmt"), values.get("wp:comment_date")),
        content=values.get("wp:comment_content", ""),
        user_id=_int(values.get("wp:comment_user_id")),
    )


def _post(element, comments):
    values = _children(element)
    categories = [
        (child.get("domain", ""), child.get("nicename", ""), (child.text or "").strip())
        for child in element
        if _local_name(child.tag) == "category"
    ]
    return Post(
        id=_int(values.get("wp:post_id")),
        title=values.get("title", "").strip(),
        link=values.get("link", "").strip(),
        slug=values.get("wp:post_name", "").strip(),
        creator=values.get("dc:creator", "").strip(),
        date=parse_date(values.get("wp:post_date_gmt"), values.get("wp:post_date")),
        status=values.get("wp:status", "").strip(),
        post_type=values.get("wp:post_type", "").strip() or "post",
        content=values.get("content:encoded", ""),
        excerpt=values.get("excerpt:encoded", ""),
        comment_status=values.get("wp:comment_status", "").strip(),
        categories=categories,
        comments=comments,
    )


def read(file) -> Iterator[Author | Post]:
    """Authors and posts (items of every type) from an open binary file, in file order."""
    parser = DefusedXMLParser(forbid_dtd=False, forbid_entities=True, forbid_external=True)
    stack = []  # the open elements, root first
    comments = []  # the current item's comments, read so far
    seen_root = seen_wxr = False
    try:
        for event, element in iterparse(file, events=("start", "end"), parser=parser):
            if event == "start":
                if not seen_root:
                    seen_root = True
                    if element.tag != "rss":
                        raise WXRError("this is not a WordPress export (its root element is not <rss>).")
                stack.append(element)
                continue
            stack.pop()
            name = _local_name(element.tag)
            parent = stack[-1] if stack else None
            parent_name = _local_name(parent.tag) if parent is not None else ""
            if name == "wp:wxr_version":
                seen_wxr = True
            elif name == "wp:comment" and parent_name == "item":
                comments.append(_comment(element))
                parent.remove(element)
            elif name == "wp:author" and parent_name == "channel":
                yield _author(element)
            elif name == "item" and parent_name == "channel":
                if not seen_wxr:
                    raise WXRError(
                        "this is not a WordPress export (no wp:wxr_version before the first item)."
                    )
                post, comments = _post(element, comments), []
                yield post
            if parent_name == "channel":
                parent.remove(element)  # done with it: keep memory flat
    except ParseError as error:
        line = error.position[0] if getattr(error, "position", None) else None
        raise WXRError(f"the XML is malformed ({_expat_message(error)}).", line=line) from None
    except DefusedXmlException as error:
        raise WXRError(
            f"the file declares entities or a DTD ({type(error).__name__}); exports never do, and they "
            "are refused for safety.",
            line=_line(parser),
        ) from None
    except WXRError as error:
        if error.line is None:
            error = WXRError(error.reason, line=_line(parser))
        raise error from None
    if not seen_root:
        raise WXRError("the file is empty.")
    if not seen_wxr:
        raise WXRError("this is not a WordPress export (no wp:wxr_version).")


def _line(parser):
    expat = getattr(parser, "parser", None)
    return getattr(expat, "CurrentLineNumber", None)


def _expat_message(error):
    """expat's own words, less its "line 3, column 4" (we say the line ourselves)."""
    return str(error).split(": line ")[0]
