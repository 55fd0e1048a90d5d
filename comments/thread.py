"""The read path of the thread on the review page.

A page of the thread costs at most two queries, and none once cached:

1. the *layout*: the paths of the review's approved comments (one narrow, index-only scan),
   from which we know the top-level threads in order, how many visible comments precede each
   (for numbering), and which removed ancestors must stay as tombstones;
2. the *page*: the rows of the page's threads, in thread order, with their authors.

Each comment is rendered once into HTML by `render_comment` in a flat loop (no include, no
recursion), and the page's HTML is cached under the review id and its `thread_version`, which
every change to the visible thread bumps, so a newly approved comment shows on the next request.
"""

from bisect import bisect_right
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.html import escape, format_html

from .models import PATH_STEP, Comment

REL = "nofollow ugc noopener noreferrer"
THREAD_FIELDS = (
    "id",
    "review_id",
    "parent_id",
    "path",
    "depth",
    "author__username",
    "author__display_name",
    "guest_name",
    "guest_website",
    "body_html",
    "status",
    "held_for",
    "is_critic",
    "is_staff",
    "created_at",
    "edited_at",
)


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


def _key(*parts):
    return "comments:" + ":".join(str(part) for part in parts)


def build_layout(review):
    paths = (
        Comment.objects.filter(review_id=review.pk, status=Comment.Status.APPROVED)
        .order_by("path")
        .values_list("path", flat=True)
    )
    layout = Layout()
    seen = set()
    for path in paths:
        root = path[:PATH_STEP]
        if not layout.roots or layout.roots[-1] != root:
            layout.roots.append(root)
            layout.offsets.append(layout.visible_count)
        layout.visible_count += 1
        seen.add(path)
        # Walk up only while the ancestor is not shown yet: each one is visited once.
        ancestor = path[:-PATH_STEP]
        while ancestor and ancestor not in seen:
            seen.add(ancestor)
            layout.tombstones.setdefault(root, []).append(int(ancestor[-PATH_STEP:]))
            ancestor = ancestor[:-PATH_STEP]
    return layout


def get_layout(review):
    key = _key("layout", review.pk, review.thread_version)
    layout = cache.get(key)
    if layout is None:
        layout = build_layout(review)
        cache.set(key, layout, settings.MARQUEE_COMMENTS_CACHE_SECONDS)
    return layout


def page_comments(review, layout, number, per_page):
    """The rows of one page's threads, in thread order (one query)."""
    first = (number - 1) * per_page
    roots = layout.roots[first : first + per_page]
    if not roots:
        return []
    in_range = Q(path__gte=roots[0])
    if first + per_page < len(layout.roots):
        in_range &= Q(path__lt=layout.roots[first + per_page])
    tombstones = [pk for root in roots for pk in layout.tombstones.get(root, ())]
    wanted = Q(status=Comment.Status.APPROVED) & in_range
    if tombstones:
        wanted |= Q(pk__in=tombstones)
    return list(
        Comment.objects.filter(review_id=review.pk)
        .filter(wanted)
        .select_related("author")
        .only(*THREAD_FIELDS)
        .order_by("path")
    )


# --- Rendering, once per comment ----------------------------------------------------------


class Renderer:
    """Renders comments to HTML strings; remembers names for "in reply to" and profile URLs."""

    def __init__(self, *, comments_open, max_depth=None):
        self.comments_open = comments_open
        self.max_depth = max_depth if max_depth is not None else settings.MARQUEE_COMMENTS_MAX_DEPTH
        self.names = {}
        self.profile_urls = {}

    def author_html(self, comment):
        if comment.author_id:
            name = comment.author.public_name
            url = self.profile_url(comment.author.username)
            if url:
                return format_html('<a class="comment-author-name" href="{}">{}</a>', url, name)
            return format_html('<span class="comment-author-name">{}</span>', name)
        website = comment.guest_website
        if website and website.lower().startswith(("http://", "https://")):
            return format_html(
                '<a class="comment-author-name" href="{}" rel="{}">{}</a>', website, REL, comment.guest_name
            )
        return format_html('<span class="comment-author-name">{}</span>', comment.guest_name)

    def profile_url(self, username):
        if username not in self.profile_urls:
            try:
                self.profile_urls[username] = reverse("accounts:profile", args=[username])
            except NoReverseMatch:
                self.profile_urls[username] = ""
        return self.profile_urls[username]

    def render(self, comment, *, number=None, pending=False):
        """One comment (or its tombstone) as an <article>."""
        shown_depth = min(comment.depth, self.max_depth)
        if not comment.is_visible and not pending:
            self.names[comment.pk] = None
            return format_html(
                '<article id="comment-{}" class="comment comment-tombstone depth-{}">'
                '<p class="comment-tombstone-text">{}</p></article>\n',
                comment.pk,
                shown_depth,
                comment.tombstone_text,
            )
        name = comment.author_name
        self.names[comment.pk] = name
        created = timezone.localtime(comment.created_at)
        absolute = formats.date_format(created, "DATETIME_FORMAT")
        badges = []
        if comment.is_critic:
            badges.append('<span class="badge comment-badge comment-badge-critic">Critic</span>')
        if comment.is_staff:
            badges.append('<span class="badge comment-badge comment-badge-staff">Staff</span>')
        if pending:
            badges.append(
                '<span class="badge comment-badge comment-badge-pending">Awaiting moderation</span>'
            )
        extra = []
        if comment.edited_at:
            extra.append('<span class="comment-edited">edited</span>')
        if comment.parent_id and (comment.depth > self.max_depth or pending):
            parent_name = self.names.get(comment.parent_id)
            if pending and comment.parent_id and comment.parent is not None:
                parent_name = comment.parent.author_name if comment.parent.is_visible else None
            extra.append(
                format_html(
                    '<span class="comment-in-reply-to">in reply to <a href="#comment-{}">{}</a></span>',
                    comment.parent_id,
                    parent_name or "a removed comment",
                )
            )
        classes = f"comment depth-{shown_depth}"
        if comment.is_critic:
            classes += " comment-by-critic"
        if pending:
            classes += " comment-pending"
        actions = ""
        if self.comments_open and not pending:
            reply_url = reverse("comments:comment-reply", args=[comment.pk])
            actions = format_html(
                '<footer class="comment-actions">'
                '<a class="comment-reply-link" href="{}" data-reply-to="{}" rel="nofollow">Reply</a> '
                '<a class="comment-quote-link" href="{}?quote=1" data-quote-of="{}" rel="nofollow">Quote</a>'
                "</footer>",
                reply_url,
                comment.pk,
                reply_url,
                comment.pk,
            )
        number_html = format_html('<span class="comment-number">{}.</span> ', number) if number else ""
        # body_html was rendered and sanitised on save (comments.markup + bleach).
        return (
            f'<article id="comment-{comment.pk}" class="{classes}" data-comment-id="{comment.pk}" '
            f'data-author="{escape(name)}">'
            f'<header class="comment-meta">{number_html}{self.author_html(comment)} {" ".join(badges)} '
            f'<a class="comment-permalink" href="#comment-{comment.pk}">'
            f'<time datetime="{created.isoformat()}" title="{escape(absolute)}">{escape(absolute)}</time></a>'
            f"{' ' + ' '.join(extra) if extra else ''}</header>"
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
    renderer = Renderer(comments_open=comments_open)
    count = layout.offsets[(number - 1) * per_page] if layout.roots else 0
    parts = []
    for comment in page_comments(review, layout, number, per_page):
        if comment.is_visible:
            count += 1
            parts.append(renderer.render(comment, number=count))
        else:
            parts.append(renderer.render(comment))
    pagination = _pagination_html(number, layout.num_pages(per_page))
    items = "".join(parts)
    return f'{pagination}<div class="comment-list">\n{items}</div>\n{pagination}'


def page_number(raw, num_pages):
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), num_pages)


def thread_page_html(review, raw_page=None):
    """The cached HTML of one page of the thread (0 queries warm, 2 cold)."""
    per_page = settings.MARQUEE_COMMENTS_PER_PAGE
    comments_open = review.comments_are_open()
    layout = get_layout(review)
    number = page_number(raw_page, layout.num_pages(per_page))
    key = _key("page", review.pk, review.thread_version, int(comments_open), per_page, number)
    html = cache.get(key)
    if html is None:
        html = render_page(review, layout, number, per_page, comments_open)
        cache.set(key, html, settings.MARQUEE_COMMENTS_CACHE_SECONDS)
    return html


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
