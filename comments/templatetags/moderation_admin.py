"""Admin-only template tags: the queue summary on the admin index, the queue counts in the
admin's navigation, and times in the site's zone."""

from django import template
from django.urls import reverse

from comments import desk, models
from comments.admin import moderation_counts

register = template.Library()


@register.inclusion_tag("admin/comments/_queue_summary.html", takes_context=True)
def moderation_summary(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("comments.view_comment"):
        return {"show": False}
    changelist = reverse("admin:comments_comment_changelist")
    return {
        "show": True,
        **moderation_counts(),
        "queue_url": changelist,
        "reported_url": f"{changelist}?queue=reported",
    }


@register.inclusion_tag("admin/comments/_nav_counts.html", takes_context=True)
def moderation_nav_counts(context):
    """The pending and reported counts beside "Comments" in the navigation (once a request)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("comments.view_comment"):
        return {"show": False}
    counts = getattr(request, "moderation_counts", None)
    if counts is None:
        counts = request.moderation_counts = desk.queue_counts()
    return {"show": True, "pending": counts["pending"], "reported": counts["reported"]}


@register.filter
def local_time(value):
    return models.local_time(value) if value else ""
