"""The thread on the review page: `{% load comment_threads %}{% comment_thread review %}`.

The reviews app's templates pull the thread in through this tag, so `reviews` never imports
`comments`. The page of comments comes from the cache (see `comments.thread`); only the visitor's
own part (their pending comments, the form with its fresh tokens) is rendered per request.
"""

from django import template
from django.template.loader import render_to_string

from comments import thread
from comments.forms import SECURITY_VALUE, CommentForm
from reviewsite import pagecache

register = template.Library()


def _in_reply_to(comment):
    """A pending comment is shown apart from the thread: it always says whom it answers."""
    if not comment.parent_id:
        return ""
    parent = comment.parent
    return parent.author_name if parent.is_visible else "a removed comment"


def thread_context(request, review):
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    if not review.comments_are_open():
        state = "closed"
    elif signed_in and not thread.can_comment(user):
        state = "unverified"
    else:
        state = "open"
    _, page_html = thread.thread_page(review, request.GET.get("page") if request is not None else None)
    pending = thread.own_pending(request, review) if request is not None else []
    form = None
    if state == "open":
        initial = thread.remembered_guest(request) if request is not None else {}
        if request is not None:
            # Fresh per request; a placeholder while the page is rendered for the page cache.
            initial["security"] = pagecache.fresh_value(request, SECURITY_VALUE, review.pk)
        form = CommentForm(review, initial=initial, user=user)
    return {
        "review": review,
        "film": review.film,
        "title": thread.count_title(review),
        "thread_html": page_html,
        "pending": [(comment, _in_reply_to(comment)) for comment in pending],
        "state": state,
        "form": form,
        "signed_in": signed_in,
        "user": user,
        "request": request,
        "csrf_token": pagecache.fresh_value(request, pagecache.CSRF) if request is not None else "",
    }


@register.simple_tag(takes_context=True)
def comment_thread(context, review):
    """The whole comments section: heading, page of the thread, own pending comments, form."""
    return render_to_string("comments/thread.html", thread_context(context.get("request"), review))
