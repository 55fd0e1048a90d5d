"""The read path of the thread on the review page.

A page of the thread costs at most two queries, and none once cached:

1. the *layout*: the paths of the review's approved comments (one narrow, index-only scan),
   from which we know the top-level threads in order, how many visible comments precede each
   (for numbering), and which removed ancestors must stay as tombstones;
2. the *page*: the rows of the page's threads, in thread order, with their authors
   (and, only if some comment's stored card is missing, a third for what it is made of).

Each comment's own part of its HTML, its card, is rendered once when its row changes
(comments/cards.py); the page fills in the rest of each approved comment in a flat loop (no
include, no recursion), and its HTML is cached under the review id and its `thread_version`, which
every change to the visible thread bumps, so a newly approved comment shows on the next request.
"""

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from html import escape  # Django's, less its lazy-string wrapper: the same output, 5x cheaper
from itertools import accumulate
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from reviews.models import Review
from reviewsite.prepared import prepared

from . import cards
from .cards import absolute_time
from .models import PATH_STEP, Comment

APPROVED = Comment.Status.APPROVED
# The page's rows: the card stands in for the columns it was made of (cards.FIELDS). The author's
# names are joined in, not carded, so a renamed account shows at the next rebuild of the page.
ROW_FIELDS = (
    "id",
    "parent_id",
    "path",
    "depth",
    "status",
    "held_for",
    "author_id",
    "author__username",
    "author__display_name",
    "card_html",
)


@dataclass(slots=True)
class Row:
    """What the thread shows of a comment: a plain row, far cheaper than a model instance.

    A page's rows (`ROW_FIELDS`) carry the card; the card's own columns are filled only for a
    comment rendered whole by `Renderer.render` (pending comments, the reply page's parent).
    """

    pk: int
    parent_id: int | None
    path: str
    depth: int
    status: str
    held_for: str
    author_id: int | None
    author_username: str | None
    author_display_name: str | None
    card_html: str = ""
    guest_name: str = ""
    guest_website: str = ""
    body_html: str = ""
    is_critic: bool = False
    is_staff: bool = False
    created_at: object = None
    edited_at: object = None
    parent_name: str | None = None  # for a pending comment shown apart from the thread

    @classmethod
    def from_comment(cls, comment, *, with_parent=False):
        author = comment.author if comment.author_id else None
        row = cls(
            comment.pk,
            comment.parent_id,
            comment.path,
            comment.depth,
            comment.status,
            comment.held_for,
            comment.author_id,
            author.username if author else None,
            author.display_name if author else None,
            comment.card_html,
            comment.guest_name,
            comment.guest_website,
            comment.body_html,
            comment.is_critic,
            comment.is_staff,
            comment.created_at,
            comment.edited_at,
        )
        if with_parent and comment.parent_id and comment.parent.is_visible:
            row.parent_name = comment.parent.author_name
        return row

    @property
    def is_visible(self):
        return self.status == Comment.Status.APPROVED

    @property
    def author_name(self):
        if self.author_id:
            return self.author_display_name or self.author_username
        return self.guest_name

    tombstone_text = Comment.tombstone_text


@dataclass
class Layout:
    """Where everything is, from the approved comments' paths alone."""

    roots: list[str] = field(default_factory=list)  # top-level path segments, in order
    offsets: list[int] = field(default_factory=list)  # visible comments before each root
    tombstones: dict[str, list[int]] = field(default_factory=dict)  # root -> hidden ancestors' ids
    visible_count: int = 0

    def num_pages(self, per_page):
        return max(1, -(-len(self.roots) // per_page))

    def page_of(self, path, per_page):
        index = bisect_right(self.roots, path[:PATH_STEP]) - 1
        return max(0, index) // per_page + 1


# Bump when the thread's HTML changes shape, so caches filled by older code are not served.
HTML_VERSION = 2


def _key(*parts):
    return f"comments:v{HTML_VERSION}:" + ":".join(str(part) for part in parts)


def _approved_paths(review_id, alias):
    """The paths of the review's approved comments, sorted: one index-only scan, returned as one
    string (joining them in the database halves the cost of fetching a row per comment)."""
    connection = connections[alias]
    table = connection.ops.quote_name(Comment._meta.db_table)
    joined = "string_agg(path, ',')" if connection.vendor == "postgresql" else "group_concat(path, ',')"
    sql = f"SELECT {joined} FROM {table} WHERE review_id = %s AND status = %s"  # noqa: S608 - no input
    with connection.cursor() as cursor:
        cursor.execute(sql, [review_id, APPROVED.value])
        row = cursor.fetchone()
    paths = row[0].split(",") if row and row[0] else []
    paths.sort()  # digits only: any collation's order; the sort of sorted input is one pass
    return paths


def build_layout(review):
    paths = _approved_paths(review.pk, router.db_for_read(Comment))
    step = PATH_STEP
    # A root is the first path segment; paths of one root are adjacent.
    counts = Counter([path[:step] for path in paths])
    layout = Layout(roots=list(counts), offsets=[0, *accumulate(counts.values())][:-1])
    layout.visible_count = len(paths)
    # Ancestors sort before their replies, so a parent missing from the approved paths is a
    # removed comment with shown replies: a tombstone, recorded once.
    seen = set(paths)
    tombstones = layout.tombstones
    for path in [path for path in paths if len(path) > step and path[:-step] not in seen]:
        ancestor = path[:-step]
        while ancestor and ancestor not in seen:
            seen.add(ancestor)
            tombstones.setdefault(path[:step], []).append(int(ancestor[-step:]))
            ancestor = ancestor[:-step]
    return layout


def get_layout(review):
    key = _key("layout", review.pk, review.thread_version)
    layout = cache.get(key)
    if layout is None:
        layout = build_layout(review)
        cache.set(key, layout, settings.MARQUEE_COMMENTS_CACHE_SECONDS)
    return layout


# Pages with more tombstones than this are fetched through the ORM, not a compiled query.
PREPARED_TOMBSTONES_MAX = 16


def page_comments(review, layout, number, per_page):
    """The rows of one page's threads, in thread order (one query), as `Row`s."""
    return [Row(*row) for row in _page_rows(review, layout, number, per_page)]


def _page_rows(review, layout, number, per_page):
    """The rows of one page's threads, in thread order (one query), as `ROW_FIELDS` tuples."""
    first = (number - 1) * per_page
    roots = layout.roots[first : first + per_page]
    if not roots:
        return []
    tombstones = [pk for root in roots for pk in layout.tombstones.get(root, ())]
    values = {"review_id": review.pk, "first_root": roots[0]}
    if first + per_page < len(layout.roots):
        values["next_root"] = layout.roots[first + per_page]
    values.update((f"tombstone_{index}", pk) for index, pk in enumerate(tombstones))
    alias = router.db_for_read(Comment)
    if len(tombstones) > PREPARED_TOMBSTONES_MAX:
        # Rare: keep the number of compiled shapes (one per tombstone count) bounded.
        return list(_page_query(**values).using(alias))
    # Compiled once per shape: with or without an upper bound, and per number of tombstones.
    key = ("thread-page", "next_root" in values, len(tombstones))
    return prepared(key, _page_query, using=alias, **values)


def _page_query(review_id, first_root, next_root=None, **tombstones):
    in_range = Q(path__gte=first_root)
    if next_root is not None:
        in_range &= Q(path__lt=next_root)
    wanted = Q(status=Comment.Status.APPROVED) & in_range
    if tombstones:
        wanted |= Q(pk__in=list(tombstones.values()))
    return (
        Comment.objects.filter(review_id=review_id).filter(wanted).order_by("path").values_list(*ROW_FIELDS)
    )


def _live_cards(rows):
    """Cards for the approved rows whose stored card is missing or unreadable (written by a
    path that skipped it), rendered from their columns: {pk: pieces}. One query, only then."""
    missing = [
        row[0] for row in rows if row[4] == APPROVED and row[9].count(cards.SEPARATOR) != cards.PIECES - 1
    ]
    columns = Comment.objects.using(router.db_for_read(Comment)).filter(pk__in=missing)
    report_url = cards.url_template("comments:comment-report")
    tz = timezone.get_default_timezone()
    return {
        values["pk"]: cards.card_pieces(SimpleNamespace(**values), report_url=report_url, tz=tz)
        for values in columns.values("pk", *cards.FIELDS)
    }


# --- Rendering, once per comment ----------------------------------------------------------


class Renderer:
    """Renders comments to HTML strings; remembers names for "in reply to" and profile URLs.

    `render` renders a whole comment (pending, a tombstone, the reply page's parent); a page of
    the thread assembles approved comments from their cards instead (`render_page`).
    """

    def __init__(self, *, comments_open, max_depth=None):
        self.comments_open = comments_open
        self.max_depth = max_depth if max_depth is not None else settings.MARQUEE_COMMENTS_MAX_DEPTH
        self.names = {}
        self.profile_urls = {}
        self.tz = timezone.get_current_timezone()
        self.reply_url = cards.url_template("comments:comment-reply")
        self.report_url = cards.url_template("comments:comment-report")
        self.edit_url = cards.url_template("comments:comment-edit")
        self.delete_url = cards.url_template("comments:comment-delete")

    def author_html(self, comment):
        if comment.author_id:
            name = escape(comment.author_name)
            url = self.profile_url(comment.author_username)
            if url:
                return f'<a class="comment-author-name" href="{escape(url)}">{name}</a>'
            return f'<span class="comment-author-name">{name}</span>'
        return cards.guest_author_html(comment.guest_name, comment.guest_website)

    def profile_url(self, username):
        if username not in self.profile_urls:
            try:
                self.profile_urls[username] = reverse("accounts:profile", args=[username])
            except NoReverseMatch:
                self.profile_urls[username] = ""
        return self.profile_urls[username]

    def render(self, comment, *, number=None, pending=False):
        """One comment (a `Row`, or a `Comment`) or its tombstone as an <article>."""
        if not isinstance(comment, Row):
            comment = Row.from_comment(comment, with_parent=pending)
        pk = comment.pk
        shown_depth = min(comment.depth, self.max_depth)
        if not comment.is_visible and not pending:
            self.names[pk] = None
            return (
                f'<article id="comment-{pk}" class="comment comment-tombstone depth-{shown_depth}">'
                f'<p class="comment-tombstone-text">{escape(comment.tombstone_text)}</p></article>\n'
            )
        name = comment.author_name
        self.names[pk] = name
        absolute = absolute_time(comment.created_at, self.tz)
        meta = [self.author_html(comment)]
        if comment.is_critic:
            meta.append('<span class="badge comment-badge comment-badge-critic">Critic</span>')
        if comment.is_staff:
            meta.append('<span class="badge comment-badge comment-badge-staff">Staff</span>')
        if pending:
            meta.append('<span class="badge comment-badge comment-badge-pending">Awaiting moderation</span>')
        meta.append(
            f'<a class="comment-permalink" href="#comment-{pk}">'
            f'<time datetime="{comment.created_at.isoformat()}" title="{absolute}">{absolute}</time></a>'
        )
        if comment.edited_at:
            meta.append('<span class="comment-edited">edited</span>')
        if comment.parent_id and (comment.depth > self.max_depth or pending):
            parent_name = comment.parent_name if pending else self.names.get(comment.parent_id)
            meta.append(
                f'<span class="comment-in-reply-to">in reply to <a href="#comment-{comment.parent_id}">'
                f"{escape(parent_name or 'a removed comment')}</a></span>"
            )
        classes = f"comment depth-{shown_depth}"
        if comment.is_critic:
            classes += " comment-by-critic"
        if pending:
            classes += " comment-pending"
        links = []
        if self.comments_open and not pending:
            reply_url = self.reply_url.format(pk)
            links.append(
                f'<a class="comment-reply-link" href="{reply_url}" data-reply-to="{pk}" rel="nofollow">'
                "Reply</a> "
                f'<a class="comment-quote-link" href="{reply_url}?quote=1" data-quote-of="{pk}" '
                'rel="nofollow">Quote</a>'
            )
        if not pending:
            links.append(
                f'<a class="comment-report-link" href="{self.report_url.format(pk)}" '
                'rel="nofollow">Report</a>'
            )
        account = ""
        if comment.author_id:
            # The page is shared by every reader, so the author's own links are always there and
            # shown by a per-visitor style rule (see thread.html); the views check ownership.
            account = f' data-account="{escape(comment.author_username)}"'
            links.append(
                f'<span class="comment-own-actions{" comment-own-actions-shown" if pending else ""}">'
                f'<a class="comment-edit-link" href="{self.edit_url.format(pk)}" rel="nofollow">Edit</a> '
                f'<a class="comment-delete-link" href="{self.delete_url.format(pk)}" '
                'rel="nofollow">Delete</a>'
                "</span>"
            )
        actions = f'<footer class="comment-actions">{" ".join(links)}</footer>' if links else ""
        number_html = f'<span class="comment-number">{number}.</span> ' if number else ""
        # body_html was rendered and sanitised on save (comments.markup, then bleach).
        return (
            f'<article id="comment-{pk}" class="{classes}" data-comment-id="{pk}" '
            f'data-author="{escape(name)}"{account}>'
            f'<header class="comment-meta">{number_html}{" ".join(meta)}</header>'
            f'<div class="comment-body">{comment.body_html}</div>{actions}</article>\n'
        )


def _pagination_html(number, num_pages):
    if num_pages <= 1:
        return ""
    items = []
    if number > 1:
        previous = "?" if number == 2 else f"?page={number - 1}"
        items.append(
            f'<li class="page-item"><a class="page-link" rel="prev" href="{previous}#comments">'
            "Older comments</a></li>"
        )
    items.append(
        f'<li class="page-item active" aria-current="page"><span class="page-link">'
        f"Page {number} of {num_pages}</span></li>"
    )
    if number < num_pages:
        items.append(
            f'<li class="page-item"><a class="page-link" rel="next" href="?page={number + 1}#comments">'
            "Newer comments</a></li>"
        )
    return (
        '<nav class="comment-pagination my-3" aria-label="Comment pages"><ul class="pagination flex-wrap">'
        + "".join(items)
        + "</ul></nav>\n"
    )


def render_page(review, layout, number, per_page, comments_open):
    """One page of the thread: each approved comment is its card (comments/cards.py) with the
    rest filled in; the HTML is what `Renderer.render` gives for each comment, byte for byte.

    The hot loop of a cold page (a few hundred comments): locals, f-strings, no calls per comment
    but `split` and, for accounts, `escape`.
    """
    renderer = Renderer(comments_open=comments_open)
    max_depth = renderer.max_depth
    reply_url, edit_url, delete_url = renderer.reply_url, renderer.edit_url, renderer.delete_url
    profile_urls = renderer.profile_urls
    separator, pieces_per_card = cards.SEPARATOR, cards.PIECES
    names = {}  # pk -> escaped name, for "in reply to"; tombstones are "a removed comment"
    count = layout.offsets[(number - 1) * per_page] if layout.roots else 0
    rows = _page_rows(review, layout, number, per_page)
    live = None
    parts = []
    for row in rows:
        pk, parent_id, _, depth, status, _, author_id, username, display_name, card = row
        if status != APPROVED:
            parts.append(renderer.render(Row(*row)))
            continue
        pieces = card.split(separator)
        if len(pieces) != pieces_per_card:
            if live is None:
                live = _live_cards(rows)
            if pk not in live:  # deleted since the page query
                continue
            pieces = live[pk]
        head, name, author, meta, body, report = pieces
        count += 1
        if author_id:
            name = escape(display_name or username)
            url = profile_urls[username] if username in profile_urls else renderer.profile_url(username)
            if url:
                author = f'<a class="comment-author-name" href="{escape(url)}">{name}</a>'
            else:
                author = f'<span class="comment-author-name">{name}</span>'
            account = f' data-account="{escape(username)}"'
            own = (
                f' <span class="comment-own-actions"><a class="comment-edit-link" href="'
                f'{edit_url.format(pk)}" rel="nofollow">Edit</a> <a class="comment-delete-link" '
                f'href="{delete_url.format(pk)}" rel="nofollow">Delete</a></span>'
            )
        else:
            account = own = ""
        names[pk] = name
        if depth > max_depth:
            if parent_id:
                meta += (
                    f' <span class="comment-in-reply-to">in reply to <a href="#comment-{parent_id}">'
                    f"{names.get(parent_id) or 'a removed comment'}</a></span>"
                )
            depth = max_depth
        links = ""
        if comments_open:
            reply = reply_url.format(pk)
            links = (
                f'<a class="comment-reply-link" href="{reply}" data-reply-to="{pk}" rel="nofollow">Reply</a> '
                f'<a class="comment-quote-link" href="{reply}?quote=1" data-quote-of="{pk}" rel="nofollow">'
                "Quote</a> "
            )
        parts.append(
            f'<article id="comment-{pk}" class="comment depth-{depth}{head}{name}"{account}>'
            f'<header class="comment-meta"><span class="comment-number">{count}.</span> {author}{meta}'
            f"{body}{links}{report}{own}</footer></article>\n"
        )
    pagination = _pagination_html(number, layout.num_pages(per_page))
    items = "".join(parts)
    return f'{pagination}<div class="comment-list">\n{items}</div>\n{pagination}'


def page_number(raw, num_pages):
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), num_pages)


def page_of_request(review, raw_page=None):
    """The page number a request asks for, clamped to the thread (no queries once cached)."""
    layout = get_layout(review)
    return layout, page_number(raw_page, layout.num_pages(settings.MARQUEE_COMMENTS_PER_PAGE))


def thread_page(review, raw_page=None, *, layout_and_number=None):
    """(page number, cached HTML of that page of the thread): no queries warm, two cold."""
    per_page = settings.MARQUEE_COMMENTS_PER_PAGE
    comments_open = review.comments_are_open()
    layout, number = layout_and_number or page_of_request(review, raw_page)
    key = _key("page", review.pk, review.thread_version, int(comments_open), per_page, number)
    html = cache.get(key)
    if html is None:
        html = render_page(review, layout, number, per_page, comments_open)
        cache.set(key, html, settings.MARQUEE_COMMENTS_CACHE_SECONDS)
    return number, html


def section_key(review, number):
    """The anonymous visitor's whole comments section (see `comment_thread`)."""
    return _key(
        "section",
        review.pk,
        review.thread_version,
        review.approved_comment_count,
        review.updated_at.timestamp() if getattr(review, "updated_at", None) else 0,
        int(review.comments_are_open()),
        settings.MARQUEE_COMMENTS_PER_PAGE,
        number,
    )


def refresh_threads_of(user):
    """An account's name changed: the threads that show its comments are built again at their
    next request (cards hold no account names; the thread and page caches do)."""
    review_ids = Comment.objects.filter(author=user, status=APPROVED).values("review_id")
    Review.objects.filter(pk__in=review_ids).bump_threads()


# The review page's cached shell leaves these two parts to be filled in per thread version.
TITLE_PART = "comments:title"
PAGE_PART = "comments:page"


def thread_page_html(review, raw_page=None):
    return thread_page(review, raw_page)[1]


def count_title(review):
    """ "12 thoughts": the start of the comments section's heading."""
    count = review.approved_comment_count
    return f"{count} thought{'' if count == 1 else 's'}"


def comment_url(comment):
    """The review page, on the page of the thread that holds `comment`, at its anchor."""
    review = comment.review
    layout = get_layout(review)
    number = layout.page_of(comment.path, settings.MARQUEE_COMMENTS_PER_PAGE)
    query = f"?page={number}" if number > 1 else ""
    return f"{review.get_absolute_url()}{query}#comment-{comment.pk}"


# --- The visitor's part: never cached ----------------------------------------------------

SESSION_PENDING = "marquee_pending_comments"
SESSION_GUEST = "marquee_guest"
PENDING_REMEMBERED = 20
OWN_UNDECIDED = (Comment.Status.PENDING, Comment.Status.SPAM)  # spam looks "awaiting" to its author


def can_comment(user):
    """Accounts comment only with a verified e-mail address (cached once verified)."""
    key = _key("verified", user.pk)
    if cache.get(key):
        return True
    verified = user.has_verified_email()
    if verified:
        cache.set(key, True, 60 * 60)
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
