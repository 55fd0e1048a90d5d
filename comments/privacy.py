"""The comments part of "Download my data" and "Delete my account" (see `accounts.privacy`),
and the housekeeping that forgets old comments' IP addresses and user agents.

Registered in `CommentsConfig.ready()`. An erased person's comments stay in their threads as
"Deleted user" with e-mail, website, IP and user agent cleared; if they ask for removal, each
becomes a tombstone (status removed, text cleared) so replies keep their place.
"""

from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts.names import skeleton
from reviews.models import Critic

from .models import Ban, Comment, CommentFingerprint, CommentRevision, HeldFor, Report, VerifiedGuestEmail

DELETED_NAME = "Deleted user"


def _comments_of(*, user=None, email=None):
    if user is not None:
        return Comment.objects.filter(author=user)
    return Comment.objects.filter(author__isnull=True, guest_email__iexact=email)


def critic_name_taken(name, user):
    """A critic's name, or one that looks like it, is reserved for the critic (and their account).

    Compared by skeleton (accounts/names.py) in Python: a paper has dozens of critics, not millions.
    """
    key = skeleton(name)
    critics = Critic.objects.all()
    if user is not None and user.pk:
        critics = critics.exclude(account=user)
    return any(skeleton(critic_name) == key for critic_name in critics.values_list("name", flat=True))


def export_reports(*, user=None, email=None):
    if user is None:
        return []
    return [
        {
            "comment": report.comment_id,
            "reason": report.reason,
            "note": report.note,
            "reported_at": report.created_at.isoformat(),
        }
        for report in Report.objects.filter(reporter=user).order_by("created_at", "pk")
    ]


def export_comments(*, user=None, email=None):
    comments = (
        _comments_of(user=user, email=email)
        .select_related("review")
        .prefetch_related("revisions")
        .order_by("created_at", "pk")
    )
    return [
        {
            "id": comment.pk,
            "review": comment.review.headline,
            "review_url": comment.review.get_absolute_url(),
            "permalink": comment.get_absolute_url(),
            "in_reply_to": comment.parent_id,
            "posted_at": comment.created_at.isoformat(),
            "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
            "status": comment.status,
            "name": comment.guest_name if email else None,
            "website": comment.guest_website if email else None,
            "body": comment.body,
            "earlier_versions": [
                {"body": revision.body, "replaced_at": revision.replaced_at.isoformat()}
                for revision in comment.revisions.all()
            ],
        }
        for comment in comments
    ]


def erase_comments(*, user=None, email=None, remove=False):
    erased = 0
    if email:
        erased += VerifiedGuestEmail.objects.filter(email=email.strip().lower()).delete()[0]
    if user is not None and user.email:
        # An active ban outlives the account as a ban on its address: deleting the account
        # and signing up again must not lift it. (Abuse prevention; the address goes nowhere else.)
        active = Ban.objects.active().filter(user=user)
        active.filter(email="").update(email=user.email.strip().lower())
        active.update(user=None)
    comments = list(_comments_of(user=user, email=email).select_related("review"))
    if not comments:
        return erased
    ids = [comment.pk for comment in comments]
    # The duplicate guard's keys are derived from the author; edits keep the old text.
    CommentFingerprint.objects.filter(comment_id__in=ids).delete()
    changes = {
        "author": None,
        "guest_name": DELETED_NAME,
        "guest_email": "",
        "guest_website": "",
        "notify_replies": False,
        "ip_address": None,
        "user_agent": "",
    }
    hidden = Counter()
    if remove:
        changes.update(
            status=Comment.Status.REMOVED,
            held_for=HeldFor.AUTHOR_DELETED,
            body="",
            body_html="",
        )
        hidden.update(comment.review_id for comment in comments if comment.is_visible)
        CommentRevision.objects.filter(comment_id__in=ids).delete()
    # `updated_at` moves so the cached HTML of comments still shown (under the new name) goes.
    Comment.objects.filter(pk__in=ids).update(**changes, updated_at=timezone.now())
    reviews = {comment.review_id: comment.review for comment in comments}
    for review_id, review in reviews.items():
        review.bump_thread(count_delta=-hidden[review_id])
    # Quotes of these comments carry the old name (and, if removed, the old text).
    for comment in Comment.objects.filter(pk__in=ids):
        comment.rerender_quoters()
    return erased + len(comments)


def clear_old_addresses(*, now=None, days=None):
    """Forget the IP address and user agent of comments older than the retention period.

    They serve moderation (flood limits look back an hour, IP bans are made from recent
    comments); after `MARQUEE_COMMENT_IP_RETENTION_DAYS` they are only a liability. Bans keep
    their own copy of an address. Returns how many comments were cleared.
    """
    days = settings.MARQUEE_COMMENT_IP_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return (
        Comment.objects.filter(created_at__lt=cutoff)
        .filter(Q(ip_address__isnull=False) | ~Q(user_agent=""))
        .update(ip_address=None, user_agent="")
    )
