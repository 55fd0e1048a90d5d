"""The read path of the thread on the review page: Russian-doll caching of one template.

Every comment is rendered by `templates/comments/_comment.html` (a removed one with shown replies
by `_tombstone.html`), and nothing else writes a comment's HTML. A page of the thread is cached
in the "html" cache alias at two levels:

1. the *page*, keyed by the review's `thread_version` (bumped by comments/moderation.py with every
   change to the visible thread) and whether comments are open: a warm page costs no query;
2. each *comment*, keyed by its id and `updated_at` (and the names it shows, which live on other
   rows): after an approval the page is built again from cached comments, fetched with one
   `get_many`, and only the new comment is rendered.

Comment numbers shift when a reply is approved above them, so a cached comment holds a slot for its
number, filled in as the page is put together; everything else in it is keyed. Building a page
costs two queries: the *layout* (the approved comments' paths, from which the top-level threads,
numbering and removed ancestors are known; cached by thread version) and the page's rows, read
without their bodies (a third reads the comments not cached yet in full). When an editor
approves a comment on a busy page, one request builds it while the others wait (`_build_once`).
"""

import hashlib
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate

from django.conf import settings
from django.core.cache import caches
from django.db.models import Q
from django.db.models.functions import Substr
from django.template.loader import get_template, render_to_string
from django.utils.safestring import mark_safe

from reviews.models import Review

from .models import PATH_STEP, Comment

APPROVED = Comment.Status.APPROVED
# Filled in with the comment's number as a page is put together (forms reject NUL in names, and
# the markup drops control characters from bodies, so it cannot come from a reader).
NUMBER_SLOT = "\x00number\x00"
# How long readers wait for another request building the same page before building it themselves.
BUILD_WAIT_SECONDS = 3.0


def html_cache():
    """Rendered HTML: the "html" alias, versioned by the templates' digest (settings)."""
    return caches["html"]


@dataclass
class Layout:
    """Where everything is, from the approved comments' paths alone."""

    roots: list[str] = field(default_factory=list)  # top-level path segments, in order
    offsets: list[int] = field(default_factory=list)  # visible comments before each root
    tombstones: dict[str, list[int]] = field(default_factory=dict)  # root -> hidden ancestors' ids
    visible_count: int = 0

    def num_pages(self, per_page):
        return max(1, -(-len(self.roots) // per_page))


def build_layout(review):
    paths = sorted(
        Comment.objects.filter(review_id=review.pk, status=APPROVED).values_list("path", flat=True)
    )
    # A root is the first path segment; paths of one root are adjacent.
    counts = Counter(path[:PATH_STEP] for path in paths)
    layout = Layout(roots=list(counts), offsets=[0, *accumulate(counts.values())][:-1])
    layout.visible_count = len(paths)
    # Ancestors sort before their replies, so a parent missing from the approved paths is a
    # removed comment with shown replies: a tombstone, recorded once.
    seen = set(paths)
    for path in paths:
        ancestor = path[:-PATH_STEP]
        while ancestor and ancestor not in seen:
            seen.add(ancestor)
            layout.tombstones.setdefault(path[:PATH_STEP], []).append(int(ancestor[-PATH_STEP:]))
            ancestor = ancestor[:-PATH_STEP]
    return layout


def get_layout(review):
    key = f"thread-layout:{review.pk}:{review.thread_version}"
    return html_cache().get_or_set(key, lambda: build_layout(review), settings.MARQUEE_COMMENTS_CACHE_SECONDS)


# What a comment's cached HTML is keyed by, read for every comment of a page (comments/_comment.html
# shows the author's names and avatar): tuples, without the bodies. Full rows only for misses.
KEY_FIELDS = (
    "pk",
    "parent_id",
    "depth",
    "status",
    "updated_at",
    "guest_name",
    "author_id",
    "author__username",
    "author__display_name",
    "author__avatar_small",
)


def page_rows(review, layout, number, per_page):
    """The comments of one page's threads (approved, and removed ancestors of approved replies),
    in thread order, as `KEY_FIELDS` tuples: one query."""
    first = (number - 1) * per_page
    roots = layout.roots[first : first + per_page]
    if not roots:
        return []
    in_range = Q(path__gte=roots[0])
    if first + per_page < len(layout.roots):
        in_range &= Q(path__lt=layout.roots[first + per_page])
    wanted = Q(status=APPROVED) & in_range
    tombstones = [pk for root in roots for pk in layout.tombstones.get(root, ())]
    if tombstones:
        wanted |= Q(pk__in=tombstones)
    return list(
        Comment.objects.filter(review_id=review.pk)
        .filter(wanted)
        .order_by("path")
        .values_list(*KEY_FIELDS, named=True)
    )


# --- Rendering -----------------------------------------------------------------------------


def shown_depth(comment):
    return min(comment.depth, settings.MARQUEE_COMMENTS_MAX_DEPTH)


def comment_context(comment, *, in_reply_to="", comments_open=False, pending=False, number=None):
    """What `comments/_comment.html` needs to render `comment`: the one place that says."""
    return {
        "comment": comment,
        "number": number,
        "depth": shown_depth(comment),
        "in_reply_to": in_reply_to,
        "comments_open": comments_open,
        "pending": pending,
        "actions": True,
        "user": None,  # shared HTML: spoilers stay folded (readers who asked get them opened later)
    }


def _shown_name(row):
    if row.author_id:
        return row.author__display_name or row.author__username  # User.public_name
    return row.guest_name


def _fragment_key(row, in_reply_to, comments_open):
    """A comment's cached HTML depends on its row and on what it shows from other rows: its
    author's names and avatar, and the name it replies to."""
    shown = [_shown_name(row), row.author__username, row.author__avatar_small or ""] if row.author_id else []
    names = "\x1f".join([*shown, in_reply_to])
    digest = hashlib.blake2b(names.encode(), digest_size=8).hexdigest()
    stamp = row.updated_at.timestamp() if row.updated_at else 0
    return f"comment:{row.pk}:{stamp}:{row.status}:{int(comments_open)}:{digest}"


def render_thread_comments(rows, *, comments_open, first_number=1):
    """The HTML of a page's comments (`page_rows`) in order: cached ones from one `get_many`, the
    rest read in full with one query, rendered (each template once) and stored with one
    `set_many`."""
    store = html_cache()
    names = {}  # pk -> name, for "in reply to" (a removed comment has none)
    wanted = []  # (row, key, in_reply_to)
    for row in rows:
        visible = row.status == APPROVED
        names[row.pk] = _shown_name(row) if visible else ""
        in_reply_to = ""
        if visible and row.parent_id and row.depth > settings.MARQUEE_COMMENTS_MAX_DEPTH:
            in_reply_to = names.get(row.parent_id) or "a removed comment"
        wanted.append((row, _fragment_key(row, in_reply_to, comments_open), in_reply_to))
    cached = store.get_many([key for _, key, _ in wanted])
    misses = [(row, key, in_reply_to) for row, key, in_reply_to in wanted if key not in cached]
    if misses:
        comments = Comment.objects.select_related("author").in_bulk([row.pk for row, _, _ in misses])
        missing = {}
        comment_template = tombstone_template = None
        for row, key, in_reply_to in misses:
            comment = comments[row.pk]
            if row.status == APPROVED:
                comment_template = comment_template or get_template("comments/_comment.html")
                context = comment_context(
                    comment, in_reply_to=in_reply_to, comments_open=comments_open, number=NUMBER_SLOT
                )
                missing[key] = comment_template.render(context)
            else:
                tombstone_template = tombstone_template or get_template("comments/_tombstone.html")
                missing[key] = tombstone_template.render({"comment": comment, "depth": shown_depth(comment)})
        store.set_many(missing, settings.MARQUEE_COMMENTS_CACHE_SECONDS)
        cached.update(missing)
    parts, number = [], first_number
    for row, key, _ in wanted:
        html = cached[key]
        if row.status == APPROVED:
            html = html.replace(NUMBER_SLOT, str(number), 1)
            number += 1
        parts.append(html)
    return parts


def render_page(review, layout, number, per_page, comments_open):
    """One page of the thread, with its pagination: `comments/_thread_page.html`."""
    first = (number - 1) * per_page
    rows = page_rows(review, layout, number, per_page)
    first_number = (layout.offsets[first] if first < len(layout.offsets) else 0) + 1
    return render_to_string(
        "comments/_thread_page.html",
        {
            # Already HTML, each comment from _comment.html: joined here rather than looped over
            # in the template (a page has hundreds).
            "comments_html": mark_safe(  # noqa: S308 - rendered by our templates
                "".join(render_thread_comments(rows, comments_open=comments_open, first_number=first_number))
            ),
            "number": number,
            "num_pages": layout.num_pages(per_page),
        },
    )


def _build_once(key, build, timeout):
    """The cached value under `key`, or `build()` stored there: while one request builds it, the
    others wait for it (up to BUILD_WAIT_SECONDS) instead of all building it at once."""
    store = html_cache()
    value = store.get(key)
    if value is not None:
        return value
    lock = f"{key}:building"
    if not store.add(lock, 1, timeout=int(BUILD_WAIT_SECONDS) + 2):
        deadline = time.monotonic() + BUILD_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.02)
            value = store.get(key)
            if value is not None:
                return value
        # The builder is slow or gone: build it ourselves rather than keep a reader waiting.
    try:
        value = build()
        store.set(key, value, timeout)
    finally:
        store.delete(lock)
    return value


def page_number(raw, num_pages):
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), num_pages)


def thread_page(review, raw_page=None):
    """(page number, HTML of that page of the thread): no queries warm, two after a change."""
    per_page = settings.MARQUEE_COMMENTS_PER_PAGE
    comments_open = review.comments_are_open()
    layout = get_layout(review)
    number = page_number(raw_page, layout.num_pages(per_page))
    key = f"thread-page:{review.pk}:{review.thread_version}:{int(comments_open)}:{per_page}:{number}"
    html = _build_once(
        key,
        lambda: render_page(review, layout, number, per_page, comments_open),
        settings.MARQUEE_COMMENTS_CACHE_SECONDS,
    )
    return number, html


def refresh_threads_of(user, **kwargs):
    """An account's name or avatar changed: the pages that show its comments are put together
    again (each comment's cached HTML is keyed by what it shows of its author)."""
    review_ids = Comment.objects.filter(author=user, status=APPROVED).values("review_id")
    Review.objects.filter(pk__in=review_ids).bump_threads()


def count_title(review):
    """ "12 thoughts": the start of the comments section's heading."""
    count = review.approved_comment_count
    return f"{count} thought{'' if count == 1 else 's'}"


def page_of(comment, per_page):
    """The page of the thread that holds `comment`: its top-level thread's place among those
    with approved comments. One count over the thread index, not the whole layout: after a post
    the thread's version is new, so the cached layout would be built again for one number."""
    root = comment.path[:PATH_STEP]
    before = (
        Comment.objects.filter(review_id=comment.review_id, status=APPROVED, path__lt=root)
        .annotate(root=Substr("path", 1, PATH_STEP))
        .values("root")
        .distinct()
        .count()
    )
    return before // per_page + 1


def comment_url(comment):
    """The review page, on the page of the thread that holds `comment`, at its anchor."""
    number = page_of(comment, settings.MARQUEE_COMMENTS_PER_PAGE)
    query = f"?page={number}" if number > 1 else ""
    return f"{comment.review.get_absolute_url()}{query}#comment-{comment.pk}"


# --- The visitor's part: never cached ----------------------------------------------------

SESSION_PENDING = "marquee_pending_comments"
SESSION_GUEST = "marquee_guest"
PENDING_REMEMBERED = 20
OWN_UNDECIDED = (Comment.Status.PENDING, Comment.Status.SPAM)  # spam looks "awaiting" to its author


def can_comment(user):
    """Accounts comment only with a verified e-mail address (cached once verified)."""
    store = caches["default"]
    key = f"comments:verified:{user.pk}"
    if store.get(key):
        return True
    verified = user.has_verified_email()
    if verified:
        store.set(key, True, 60 * 60)
    return verified


def remember_pending(request, comment):
    ids = [pk for pk in request.session.get(SESSION_PENDING, []) if pk != comment.pk]
    request.session[SESSION_PENDING] = (ids + [comment.pk])[-PENDING_REMEMBERED:]


def own_pending(request, review):
    """The visitor's own comments on `review` still awaiting moderation.

    One query, and only when this browser's session remembers posting a comment still pending
    (guests and accounts alike), so other readers' pages cost nothing. A signed-in author also
    sees the held comments they posted from another browser once this one has posted too.
    """
    ids = request.session.get(SESSION_PENDING) if hasattr(request, "session") else None
    if not ids:
        return []
    mine = Q(pk__in=ids)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        mine |= Q(author_id=user.pk)
    return list(
        Comment.objects.filter(review_id=review.pk, status__in=OWN_UNDECIDED)
        .filter(mine)
        .select_related("author", "parent__author")
        .order_by("created_at")
    )


def is_own(request, comment):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and comment.author_id == user.pk:
        return True
    return comment.pk in (request.session.get(SESSION_PENDING) or [])


def remembered_guest(request):
    if not hasattr(request, "session"):
        return {}
    return dict(request.session.get(SESSION_GUEST) or {})
