from django.conf import settings
from django.db import models
from django.urls import reverse

from reviews.models import Review

# Each level of the materialised path is the comment id, zero-padded, so byte-wise
# order of `path` is thread order (oldest first at every level).
PATH_STEP = 10


class CommentQuerySet(models.QuerySet):
    def visible(self):
        """What the public sees."""
        return self.filter(status=Comment.Status.APPROVED)

    def in_moderation(self):
        return self.filter(status=Comment.Status.PENDING)

    def thread_order(self):
        return self.order_by("path")


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SPAM = "spam", "Spam"
        REMOVED = "removed", "Removed"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    # Materialised path: the ancestors' padded ids then our own; `depth` 0 is top level.
    path = models.CharField(max_length=255, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    guest_name = models.CharField(max_length=80, blank=True)
    guest_email = models.EmailField(blank=True)
    guest_website = models.URLField(blank=True)
    notify_replies = models.BooleanField(default=False)

    body = models.TextField(max_length=5000)
    body_html = models.TextField(blank=True, editable=False)

    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    held_for = models.CharField(
        max_length=40, blank=True, help_text="Machine-readable reason the pipeline gave."
    )
    is_critic = models.BooleanField(default=False, help_text="Posted by the review's critic.")
    is_staff = models.BooleanField(default=False, help_text="Posted by an editor.")

    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    # For moderators only; never rendered in public templates.
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        indexes = [
            # "Approved comments of review R in thread order".
            models.Index(fields=["review", "status", "path"], name="comment_thread_idx"),
            models.Index(fields=["status", "created_at"], name="comment_queue_idx"),
        ]

    def __str__(self):
        return f"Comment {self.pk} by {self.author_name} on {self.review_id}"

    def get_absolute_url(self):
        return reverse("comments:comment-permalink", args=[self.pk])

    @property
    def author_name(self):
        if self.author_id:
            return self.author.public_name
        return self.guest_name

    def rerender_quoters(self):
        """Re-render comments that quote this one (its visibility changed). Comments issue fills this."""

    @property
    def is_visible(self):
        return self.status == self.Status.APPROVED
