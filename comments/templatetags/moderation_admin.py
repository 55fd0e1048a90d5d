"""Admin-only template tags: the queue summary on the admin index."""

from django import template
from django.urls import reverse

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
        "reported_url": f"{changelist}?status=all&reported=yes",
    }
