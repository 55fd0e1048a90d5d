"""The thread on the review page: `{% load comment_threads %}{% comment_thread review %}`.

The reviews app's templates pull the thread in through this tag, so `reviews` never imports `comments`.
"""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def comment_thread(context, review):
    # Filled in by the comments issue (thread, policy, "Leave a reply").
    return ""
