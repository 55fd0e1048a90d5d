"""E-mail about comments: what is sent, to whom, and the signed links inside.

Each `send_*` function builds and sends one kind of message; `comments/tasks.py` wraps them as
tasks and `comments/moderation.py` enqueues those after the transaction commits, so a request
never waits for (or fails with) the mail server.

Rules every message here keeps:
- one recipient per message, and it carries no other person's e-mail address (replies, names
  and excerpts only; never a guest's address, not even to editors);
- names and titles go into headers only through `header_text()`, which folds CR/LF and other
  whitespace into single spaces, so a name cannot inject a header.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from reviewsite.siteurl import site_url

from .models import Comment, EditorDigest, HeldFor, Rejection, SentNotification, VerifiedGuestEmail

EDITORS_GROUP = "Editors"

CONFIRM_SALT = "comments.guest-confirm"
MANAGE_SALT = "comments.guest-manage"
UNSUBSCRIBE_SALT = "comments.unsubscribe"


def header_text(value, limit=120):
    """Text safe for a mail header: no line breaks, no runs of whitespace, bounded length."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def absolute(path):
    return site_url() + path


def _email_digest(email):
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:20]


# --- Signed links ------------------------------------------------------------------------


class BadLink(Exception):
    """A signed link that is tampered with, expired, or for another comment."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def make_guest_token(comment, *, salt):
    return signing.dumps({"c": comment.pk, "e": _email_digest(comment.guest_email)}, salt=salt, compress=True)


def read_guest_token(token, *, salt, max_age_days):
    """Return the comment a guest's signed link is for, or raise `BadLink` with a clear message."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age_days * 86400)
    except signing.SignatureExpired:
        raise BadLink("This link has expired.") from None
    except signing.BadSignature:
        raise BadLink("This link is not valid. Please use the whole link from the e-mail.") from None
    comment = Comment.objects.select_related("review", "review__film").filter(pk=data.get("c")).first()
    if comment is None or comment.author_id or _email_digest(comment.guest_email) != data.get("e"):
        raise BadLink("This link is not valid. Please use the whole link from the e-mail.")
    return comment


def confirm_url(comment):
    return absolute(reverse("comments:guest-confirm", args=[make_guest_token(comment, salt=CONFIRM_SALT)]))


def manage_url(comment):
    return absolute(
        reverse("comments:guest-manage", args=[comment.pk, make_guest_token(comment, salt=MANAGE_SALT)])
    )


def make_unsubscribe_token(parent):
    """Unsubscribe from reply e-mail: the account's preference, or a guest's address."""
    if parent.author_id:
        payload = {"u": parent.author_id}
    else:
        payload = {"c": parent.pk, "e": _email_digest(parent.guest_email)}
    return signing.dumps(payload, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(parent):
    return absolute(reverse("comments:unsubscribe", args=[make_unsubscribe_token(parent)]))


def unsubscribe_token_is_valid(token):
    try:
        signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return False
    return True


def unsubscribe(token):
    """Turn reply e-mail off for whoever the token names. Returns False for a bad token."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return False
    if "u" in data:
        return get_user_model().objects.filter(pk=data["u"]).update(email_on_reply=False) > 0
    comment = Comment.objects.filter(pk=data.get("c"), author__isnull=True).first()
    if comment is None or _email_digest(comment.guest_email) != data.get("e"):
        return False
    Comment.objects.filter(author__isnull=True, guest_email__iexact=comment.guest_email).update(
        notify_replies=False
    )
    return True


# --- Messages ----------------------------------------------------------------------------


def _claim(comment, kind):
    """Record that this notification goes out; False if it already did (never send twice)."""
    try:
        with transaction.atomic():
            _, created = SentNotification.objects.get_or_create(comment=comment, kind=kind)
    except IntegrityError:
        return False
    return created


def _send(to, subject, template, context, *, headers=None):
    context = {"site_name": settings.MARQUEE_SITE_NAME, "site_url": site_url(), **context}
    body = render_to_string(template, context)
    message = EmailMessage(
        subject=header_text(f"[{settings.MARQUEE_SITE_NAME}] {subject}", limit=200),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers or {},
    )
    message.send()
    return message


def _author_address(comment):
    if comment.author_id:
        user = comment.author
        return user.email if user.is_active and user.email else ""
    return comment.guest_email


def _film_title(comment):
    return header_text(comment.review.film.title)


def _load(comment_id):
    return (
        Comment.objects.select_related("review", "review__film", "author", "parent", "parent__author")
        .filter(pk=comment_id)
        .first()
    )


def send_reply_notification(comment_id):
    """To the parent's author when a reply to them is approved, if they opted in."""
    comment = _load(comment_id)
    if comment is None or comment.status != Comment.Status.APPROVED or comment.parent_id is None:
        return False
    parent = comment.parent
    if parent.status != Comment.Status.APPROVED:
        return False
    if parent.author_id:
        if parent.author_id == comment.author_id or not getattr(parent.author, "wants_reply_emails", True):
            return False
        to = parent.author.email
    else:
        same_guest = not comment.author_id and comment.guest_email.lower() == parent.guest_email.lower()
        if not parent.notify_replies or not parent.guest_email or same_guest:
            return False
        to = parent.guest_email
    if not to or not _claim(comment, SentNotification.Kind.REPLY):
        return False
    link = unsubscribe_url(parent)
    _send(
        to,
        f"{header_text(comment.author_name, 80)} replied to your comment on {_film_title(comment)}",
        "comments/email/reply_notification.txt",
        {
            "comment": comment,
            "replier": header_text(comment.author_name, 80),
            "parent": parent,
            "comment_url": absolute(comment.get_absolute_url()),
            "unsubscribe_url": link,
        },
        headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    return True


def editors_to_notify():
    if settings.MARQUEE_MODERATION_NOTIFY_EDITORS == "none":
        return []
    return list(
        get_user_model()
        .objects.filter(groups__name=EDITORS_GROUP, is_active=True, is_staff=True)
        .exclude(email="")
        .distinct()
    )


def send_held_notification(comment_id):
    """To each editor (setting "each"), one message each, when a comment is held."""
    if settings.MARQUEE_MODERATION_NOTIFY_EDITORS != "each":
        return 0
    comment = _load(comment_id)
    if comment is None or comment.status != Comment.Status.PENDING:
        return 0
    editors = editors_to_notify()
    if not editors or not _claim(comment, SentNotification.Kind.HELD):
        return 0
    reason = HeldFor(comment.held_for).label if comment.held_for in HeldFor.values else comment.held_for
    admin_url = absolute(reverse("admin:comments_comment_change", args=[comment.pk]))
    for editor in editors:
        _send(
            editor.email,
            f"Comment held ({reason}) on {_film_title(comment)}",
            "comments/email/held_notification.txt",
            {
                "comment": comment,
                "author": header_text(comment.author_name, 80),
                "reason": reason,
                "admin_url": admin_url,
            },
        )
    return len(editors)


# --- The editors' digest (setting "digest") ------------------------------------------------


def _minute_floor(value):
    return value.replace(second=0, microsecond=0)


def _minute_ceiling(value):
    floor = _minute_floor(value)
    return floor if floor == value else floor + timedelta(minutes=1)


def next_digest_round(now=None):
    """The digest round that will list a comment held now, and whether it was just created.

    A round waiting to go out takes the comment; otherwise a new one is due now, or one interval
    after the last round went out, whichever is later. `due_at` is whole minutes and unique, so
    two holds at the same moment share a round (the constraint settles any race).
    """
    now = now or timezone.now()
    waiting = EditorDigest.objects.filter(sent_at__isnull=True).order_by("due_at").first()
    if waiting is not None:
        return waiting, False
    due = _minute_floor(now)
    last = EditorDigest.objects.filter(sent_at__isnull=False).order_by("-sent_at").first()
    if last is not None:
        interval = timedelta(minutes=settings.MARQUEE_MODERATION_DIGEST_MINUTES)
        due = max(due, _minute_ceiling(last.sent_at + interval))
    return EditorDigest.objects.get_or_create(due_at=due)


def send_editor_digest(digest_id, now=None):
    """Send a due round: one e-mail per editor listing the comments held since the last round
    and still waiting. Returns the number of e-mails sent (0: not due, already sent, or nothing
    left to tell, in which case the round is dropped so the next hold can go out at once)."""
    now = now or timezone.now()
    claimed = EditorDigest.objects.filter(pk=digest_id, sent_at__isnull=True, due_at__lte=now).update(
        sent_at=now
    )
    if not claimed:
        return 0
    held = list(
        Comment.objects.in_moderation()
        .exclude(notifications__kind=SentNotification.Kind.HELD)
        .select_related("review__film", "author")
        .order_by("created_at", "pk")
    )
    editors = editors_to_notify()
    if not held or not editors:
        EditorDigest.objects.filter(pk=digest_id).delete()
        return 0
    SentNotification.objects.bulk_create(
        [SentNotification(comment=comment, kind=SentNotification.Kind.HELD) for comment in held],
        ignore_conflicts=True,
    )
    items = [
        {
            "film": header_text(comment.review.film.title),
            "author": header_text(comment.author_name, 80),
            "reason": comment.held_for_label or "Held",
            "excerpt": comment.body,
            "admin_url": absolute(reverse("admin:comments_comment_change", args=[comment.pk])),
        }
        for comment in held
    ]
    context = {
        "items": items,
        "waiting": Comment.objects.in_moderation().count(),
        "desk_url": absolute(reverse("admin:comments_comment_changelist")),
        "minutes": settings.MARQUEE_MODERATION_DIGEST_MINUTES,
    }
    noun = "comment" if len(items) == 1 else "comments"
    for editor in editors:
        _send(
            editor.email,
            f"{len(items)} {noun} held for moderation",
            "comments/email/editor_digest.txt",
            context,
        )
    EditorDigest.objects.filter(pk=digest_id).update(comment_count=len(items), editor_count=len(editors))
    return len(editors)


def send_decision_notification(comment_id, decision, reason=""):
    """To the author when their held comment is approved or rejected (with the reason)."""
    comment = _load(comment_id)
    # The decision may have been undone before the worker got here: tell only what still holds.
    expected = Comment.Status.APPROVED if decision == "approved" else Comment.Status.REJECTED
    if comment is None or comment.status != expected:
        return False
    kind = SentNotification.Kind.APPROVED if decision == "approved" else SentNotification.Kind.REJECTED
    to = _author_address(comment)
    if not to or not _claim(comment, kind):
        return False
    reason_label = Rejection(reason).label if reason in Rejection.values else ""
    subject = (
        f"Your comment on {_film_title(comment)} is published"
        if decision == "approved"
        else f"Your comment on {_film_title(comment)} was not published"
    )
    _send(
        to,
        subject,
        "comments/email/decision_notification.txt",
        {
            "comment": comment,
            "approved": decision == "approved",
            "reason": reason_label,
            "comment_url": absolute(comment.get_absolute_url()),
            "review_url": absolute(comment.review.get_absolute_url()),
        },
    )
    return True


def send_guest_receipt(comment_id):
    """To a guest after posting: a signed link to edit or delete, and to confirm the address."""
    comment = _load(comment_id)
    if comment is None or comment.author_id or not comment.guest_email:
        return False
    if comment.status == Comment.Status.SPAM or not _claim(comment, SentNotification.Kind.GUEST_RECEIPT):
        return False
    _send(
        comment.guest_email,
        f"Your comment on {_film_title(comment)}",
        "comments/email/guest_receipt.txt",
        {
            "comment": comment,
            "name": header_text(comment.guest_name, 80),
            "manage_url": manage_url(comment),
            "confirm_url": None
            if VerifiedGuestEmail.is_verified(comment.guest_email)
            else confirm_url(comment),
            "edit_minutes": settings.MARQUEE_MODERATION_EDIT_MINUTES,
            "link_days": settings.MARQUEE_MODERATION_GUEST_LINK_DAYS,
            "confirm_days": settings.MARQUEE_MODERATION_CONFIRM_DAYS,
            "pending": comment.status == Comment.Status.PENDING,
            "held_for_email": comment.held_for == HeldFor.UNVERIFIED_EMAIL,
        },
    )
    return True
