"""The thread on the review page: `{% load comment_threads %}{% comment_thread review %}`.

The reviews app's templates pull the thread in through this tag, so `reviews` never imports
`comments`. The thread's HTML comes from the cache (see `comments.thread`); only the visitor's
own part (their pending comments, the form with its fresh anti-tamper token) is rendered per
request.
"""

from django import template
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from comments import thread
from comments.forms import CommentForm

register = template.Library()


def thread_context(request, review):
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    if not review.comments_are_open():
        state = "closed"
    elif signed_in and not thread.can_comment(user):
        state = "unverified"
    else:
        state = "open"
    pending = thread.own_pending(request, review) if request is not None else []
    renderer = thread.Renderer(comments_open=False)
    page = request.GET.get("page") if request is not None else None
    return {
        "review": review,
        "film": review.film,
        "count": review.approved_comment_count,
        # Built from escaped parts and body_html, which was sanitised on save.
        "thread_html": mark_safe(thread.thread_page_html(review, page)),  # noqa: S308
        "pending_html": [mark_safe(renderer.render(c, pending=True)) for c in pending],  # noqa: S308
        "state": state,
        "form": CommentForm(review, initial=thread.remembered_guest(request), user=user)
        if state == "open"
        else None,
        "signed_in": signed_in,
        "user": user,
        "csrf_token": get_token(request) if request is not None else "",
    }


@register.simple_tag(takes_context=True)
def comment_thread(context, review):
    request = context.get("request")
    return get_template("comments/thread.html").render(thread_context(request, review))
