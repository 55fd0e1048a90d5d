"""Moderation workflows: plain functions used by the views, the admin and the tests alike.

The posting view calls `screen()` before its transaction (validation, sanitising and spam
checks stay outside it) and `post()` to store the comment. Every status change goes through
a function here so the review's approved count and thread version stay right.
"""

from django.db import transaction

from .models import Comment


class Refused(Exception):
    """The comment must not be stored. `status` is the HTTP status the view answers with."""

    def __init__(self, message, *, status=403, existing=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.existing = existing


def screen(comment, *, tampered=False, request=None):
    """Decide a new (unsaved) comment's status and `held_for`, or raise `Refused`."""
    review = comment.review
    if not review.comments_are_open():
        raise Refused("Comments are closed on this review.", status=403)
    if tampered:
        comment.status, comment.held_for = Comment.Status.SPAM, "tamper"
        return
    if comment.is_staff or comment.is_critic:
        comment.status, comment.held_for = Comment.Status.APPROVED, ""
        return
    if not _is_known_commenter(comment):
        comment.status, comment.held_for = Comment.Status.PENDING, "new_commenter"
        return
    comment.status, comment.held_for = Comment.Status.APPROVED, ""


def _is_known_commenter(comment):
    approved = Comment.objects.visible()
    if comment.author_id:
        return approved.filter(author_id=comment.author_id).exists()
    return approved.filter(author__isnull=True, guest_email__iexact=comment.guest_email).exists()


def post(comment):
    """Store a screened comment; the transaction holds only the writes."""
    with transaction.atomic():
        comment.save()
        if comment.status == Comment.Status.APPROVED:
            comment.review.bump_thread(count_delta=1)
    return comment


def _set_status(comment, status):
    was_visible = comment.is_visible
    comment.status = status
    comment.save(update_fields=["status"])
    now_visible = comment.is_visible
    if was_visible != now_visible:
        comment.review.bump_thread(count_delta=1 if now_visible else -1)
        comment.rerender_quoters()
    else:
        comment.review.bump_thread()


def approve(comment, *, by=None):
    with transaction.atomic():
        _set_status(comment, Comment.Status.APPROVED)


def remove(comment, *, by=None, reason=""):
    with transaction.atomic():
        _set_status(comment, Comment.Status.REMOVED)
