"""The thread on the review page: `{% load comment_threads %}{% comment_thread review %}`.

The reviews app's templates pull the thread in through this tag, so `reviews` never imports
`comments`. The thread's HTML comes from the cache (see `comments.thread`); only the visitor's
own part (their pending comments, the form with its fresh anti-tamper token) is rendered per
request.
"""

from django import template
from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from comments import thread
from comments.forms import SECURITY_VALUE, CommentForm
from reviewsite import pagecache

register = template.Library()


CSRF_SLOT = "\x00csrf\x00"
TOKEN_SLOT = "\x00security\x00"  # noqa: S105 - a placeholder, not a secret


def _is_personal(request):
    """Does this visitor see anything of their own (name, pending comments, remembered details)?"""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    session = getattr(request, "session", None)
    return bool(session and (session.get(thread.SESSION_PENDING) or session.get(thread.SESSION_GUEST)))


def thread_context(request, review, *, page=None, csrf_token=None, security=None, title=None):
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    if not review.comments_are_open():
        state = "closed"
    elif signed_in and not thread.can_comment(user):
        state = "unverified"
    else:
        state = "open"
    if page is None:
        page = thread.thread_page(review, request.GET.get("page") if request is not None else None)
    pending = thread.own_pending(request, review) if request is not None else []
    renderer = thread.Renderer(comments_open=False)
    form = None
    if state == "open":
        initial = thread.remembered_guest(request)
        if security is not None:
            initial["security"] = security
        form = CommentForm(review, initial=initial, user=user)
    return {
        "review": review,
        "film": review.film,
        "count": review.approved_comment_count,
        "title": title if title is not None else thread.count_title(review),
        # Built from escaped parts and body_html, which was sanitised on save.
        "thread_html": mark_safe(page[1]),  # noqa: S308
        "pending_html": [mark_safe(renderer.render(c, pending=True)) for c in pending],  # noqa: S308
        "state": state,
        "form": form,
        "signed_in": signed_in,
        "user": user,
        "csrf_token": csrf_token if csrf_token is not None else _csrf_token(request),
    }


def _csrf_token(request):
    return get_token(request) if request is not None else ""


@register.simple_tag(takes_context=True)
def comment_thread(context, review):
    """The whole comments section. For visitors with nothing of their own on it (most readers)
    the section is cached as it stands, with slots for the CSRF and anti-tamper tokens, which
    are filled in per request."""
    request = context.get("request")
    template = get_template("comments/thread.html")
    if request is None or _is_personal(request):
        return template.render(thread_context(request, review))
    raw_page = request.GET.get("page")
    page_part = pagecache.part(request, thread.PAGE_PART, raw_page)
    if page_part is not None:
        # The review page's cached shell: the thread and its count are parts, put in per
        # thread version without rendering this template again; the tokens are per request.
        context = thread_context(
            request,
            review,
            page=(None, page_part),
            title=pagecache.part(request, thread.TITLE_PART),
            csrf_token=pagecache.fresh_value(request, pagecache.CSRF),
            security=pagecache.fresh_value(request, SECURITY_VALUE, review.pk),
        )
        return template.render(context)
    layout_and_number = thread.page_of_request(review, raw_page)
    key = thread.section_key(review, layout_and_number[1])
    parts = cache.get(key)
    if parts is None:
        page = thread.thread_page(review, layout_and_number=layout_and_number)
        html = template.render(
            thread_context(request, review, page=page, csrf_token=CSRF_SLOT, security=TOKEN_SLOT)
        )
        parts = [piece.split(TOKEN_SLOT) for piece in html.split(CSRF_SLOT)]
        cache.set(key, parts, settings.MARQUEE_COMMENTS_CACHE_SECONDS)
    # Fresh per request; placeholders while the whole page is rendered for the page cache.
    csrf_token = pagecache.fresh_value(request, pagecache.CSRF)
    security = pagecache.fresh_value(request, SECURITY_VALUE, review.pk)
    return mark_safe(csrf_token.join(security.join(piece) for piece in parts))  # noqa: S308 - our own HTML
