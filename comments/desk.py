"""The editors' moderation desk (the Comments list in the admin): what each card shows beyond
the comment's own row, read for a whole page at once, and the queue tabs' counts.

Decisions are not made here: the admin's views call `comments.moderation`.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Min, Q
from django.db.models.functions import Lower
from django.utils import timezone

from . import moderation
from .models import Ban, Comment, ModerationAction, Rejection, Report

# "Recently decided": decisions by editors in this many hours.
DECIDED_HOURS = 24

# The desk's tabs, in order: (queue, label).
QUEUES = [
    ("pending", "Pending"),
    ("reported", "Reported"),
    ("spam", "Spam"),
    ("decided", "Recently decided"),
]
DEFAULT_QUEUE = "pending"

# What an editor can decide from a card (the reasons shown to the author; spam is its own button).
REJECT_REASONS = [
    (Rejection.OFF_TOPIC, "1"),
    (Rejection.INCIVILITY, "2"),
    (Rejection.PERSONAL_ATTACK, "3"),
    (Rejection.OTHER, "4"),
]
DESK_BAN = "7d"  # the card's one-click ban; other lengths from the bulk action
DESK_BAN_REASON = "Comments that break our comment policy."

# Decisions an editor's Undo takes back (a ban's rejections go with the ban).
EDITOR_DECISIONS = [
    ModerationAction.Kind.APPROVE,
    ModerationAction.Kind.REJECT,
    ModerationAction.Kind.SPAM,
    ModerationAction.Kind.REMOVE,
    ModerationAction.Kind.BAN,
]


def decided_since(now=None):
    return (now or timezone.now()) - timedelta(hours=DECIDED_HOURS)


def queue_queryset(queryset, queue, now=None):
    """The comments in one of the desk's queues."""
    if queue == "pending":
        return queryset.in_moderation()
    if queue == "reported":
        return queryset.reported()
    if queue == "spam":
        return queryset.filter(status=Comment.Status.SPAM)
    if queue == "decided":
        return queryset.recently_decided(decided_since(now))
    return queryset.none()


def queue_ordering(queue):
    """The oldest waiting first; spam and decisions newest first."""
    if queue in ("spam",):
        return ["-created_at", "-pk"]
    if queue == "decided":
        return ["-last_decided_at", "-pk"]
    return ["created_at", "pk"]


def queue_counts():
    """The number of comments in each queue (four COUNTs)."""
    comments = Comment.objects.all()
    return {queue: queue_queryset(comments, queue).count() for queue, _ in QUEUES}


def last_decision_by(user):
    """The editor's newest decision that can still be taken back, or None."""
    recent = (
        ModerationAction.objects.filter(
            actor=user, action__in=EDITOR_DECISIONS, created_at__gte=decided_since()
        )
        .select_related("comment__review__film", "comment__author", "ban")
        .order_by("-created_at", "-pk")
        .first()
    )
    if recent is None:
        return None
    if recent.ban_id:
        return recent if recent.ban.is_active else None
    if recent.comment is None:
        return None
    latest = moderation.last_decision(recent.comment)
    return recent if latest is not None and latest.pk == recent.pk else None


# --- The author's record, for a page of cards ---------------------------------------------


@dataclass
class AuthorRecord:
    approved: int = 0
    rejected: int = 0
    spam: int = 0
    reported: int = 0
    since: object = None  # account created, or a guest's first comment
    is_account: bool = False
    bans: list = field(default_factory=list)

    @property
    def active_ban(self):
        return next((ban for ban in self.bans if ban.is_active), None)


def author_key(comment):
    if comment.author_id:
        return ("account", comment.author_id)
    return ("guest", (comment.guest_email or "").strip().lower())


def author_records(comments):
    """{author_key: AuthorRecord} for these comments' authors, in a constant number of queries."""
    records = {author_key(c): AuthorRecord() for c in comments}
    account_ids = [key for kind, key in records if kind == "account"]
    emails = [key for kind, key in records if kind == "guest" and key]
    for comment in comments:
        if comment.author_id:
            records[author_key(comment)].since = comment.author.date_joined
            records[author_key(comment)].is_account = True
    by_status = {
        "approved": Count("pk", filter=Q(status=Comment.Status.APPROVED)),
        "rejected": Count("pk", filter=Q(status=Comment.Status.REJECTED)),
        "spam": Count("pk", filter=Q(status=Comment.Status.SPAM)),
    }
    if account_ids:
        rows = Comment.objects.filter(author_id__in=account_ids).values("author_id").annotate(**by_status)
        for row in rows:
            _fill(records[("account", row["author_id"])], row)
        reported = (
            Report.objects.filter(comment__author_id__in=account_ids)
            .values("comment__author_id")
            .annotate(n=Count("comment", distinct=True))
        )
        for row in reported:
            records[("account", row["comment__author_id"])].reported = row["n"]
        for ban in Ban.objects.filter(user_id__in=account_ids):
            records[("account", ban.user_id)].bans.append(ban)
    if emails:
        guests = Comment.objects.filter(author__isnull=True).annotate(email=Lower("guest_email"))
        rows = guests.filter(email__in=emails).values("email").annotate(first=Min("created_at"), **by_status)
        for row in rows:
            record = records[("guest", row["email"])]
            _fill(record, row)
            record.since = row["first"]
        reported = (
            Report.objects.filter(comment__author__isnull=True)
            .annotate(email=Lower("comment__guest_email"))
            .filter(email__in=emails)
            .values("email")
            .annotate(n=Count("comment", distinct=True))
        )
        for row in reported:
            records[("guest", row["email"])].reported = row["n"]
        for ban in Ban.objects.annotate(lower=Lower("email")).filter(lower__in=emails):
            records[("guest", ban.lower)].bans.append(ban)
    return records


def _fill(record, row):
    record.approved, record.rejected, record.spam = row["approved"], row["rejected"], row["spam"]


@dataclass
class Card:
    """One comment on the desk, with what the card shows around it."""

    comment: Comment
    record: AuthorRecord
    following: Comment | None  # the next card: where the list continues after a decision
    open_reports: list


def cards(comments):
    """The page's cards: each comment with its author's record and open reports (3-7 queries)."""
    comments = list(comments)
    records = author_records(comments)
    reports = {}
    open_reports = Report.objects.filter(comment__in=comments, dismissed_at__isnull=True).select_related(
        "reporter"
    )
    for report in open_reports.order_by("created_at"):
        reports.setdefault(report.comment_id, []).append(report)
    return [
        Card(
            comment=comment,
            record=records[author_key(comment)],
            following=comments[index + 1] if index + 1 < len(comments) else None,
            open_reports=reports.get(comment.pk, []),
        )
        for index, comment in enumerate(comments)
    ]
