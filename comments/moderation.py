"""Moderation workflows: plain functions used by the views, the admin and the tests alike.

The posting view calls `screen()` before its transaction (validation, sanitising and spam
checks stay outside it) and `post()` to store the comment. The flood limits are the one check
inside `post()`'s transaction, under a per-poster lock, so concurrent posts cannot exceed them.
Every status change goes through a function here so the review's approved count and thread
version stay right, and every decision leaves a `ModerationAction` row. Moderation never deletes a comment.

The pipeline, in order (the first step that decides, decides):

1. review closed                          -> Refused 403, nothing stored
2. author banned or suspended             -> Refused 403 saying until when, attempt logged
3. tampered form or honeypot              -> stored as spam (the poster sees "awaiting moderation")
   (a form sent within 3 s, or left open for hours, is a person's: it goes on through the
   pipeline and is held rather than approved, with that reason)
4. flood, in post(): accounts per account (15 s apart, 30/h); guests per e-mail (15 s apart,
   10/h) and per IP address (30/h, high enough for a shared address); editors exempt -> 429
5. duplicate within 24 hours              -> Refused 409 with the first one
6. staff or the review's critic           -> approved
7. disallowed word                        -> spam
8. watch word, or more than 2 links       -> pending
9. new commenter / unverified guest       -> pending
10. otherwise                             -> approved
"""

import functools
import hashlib
import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Upper
from django.utils import timezone
from django.utils.formats import date_format

from reviews.models import Review
from reviewsite.siteurl import site_url

from . import tasks
from .models import (
    Ban,
    Comment,
    CommentFingerprint,
    CommentRevision,
    HeldFor,
    ModerationAction,
    Rejection,
    Report,
    VerifiedGuestEmail,
    WordListEntry,
    covering,
)

logger = logging.getLogger(__name__)

Status = Comment.Status
Action = ModerationAction.Kind

LINK_RE = re.compile(r"(?i)\b(?:https?://|www\.)")


class Refused(Exception):
    """The comment must not be stored. `status` is the HTTP status the view answers with."""

    def __init__(self, message, *, status=403, existing=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.existing = existing


# --- The pipeline ------------------------------------------------------------------------


def screen(comment, *, tampered=False, request=None, editing=False):
    """Decide a comment's status and `held_for`, or raise `Refused`.

    `tampered` is True (or a `HeldFor` value such as "honeypot") when the anti-tamper form
    failed. A value in `HOLD_INSTEAD_OF_SPAM` (too fast, expired form) is not spam: the
    comment is screened as usual and held where it would have been approved. `editing` is
    set when the author edits a stored comment: flood and duplicate checks are for new
    comments only.
    """
    if tampered in HOLD_INSTEAD_OF_SPAM:
        _screen(comment, tampered=False, editing=editing)
        if comment.status == Status.APPROVED and not (comment.is_staff or comment.is_critic):
            _decide(comment, Status.PENDING, tampered)
        return
    _screen(comment, tampered=tampered, editing=editing)


HOLD_INSTEAD_OF_SPAM = frozenset({HeldFor.TOO_FAST, HeldFor.EXPIRED_FORM})


def _screen(comment, *, tampered, editing):
    comment._fingerprint_key = None
    comment._check_flood = False
    review = comment.review
    if not review.comments_are_open():
        raise Refused("Comments are closed on this review.", status=403)
    _check_bans(comment)
    if tampered:
        reason = tampered if isinstance(tampered, str) and tampered in HeldFor.values else HeldFor.TAMPER
        _decide(comment, Status.SPAM, reason)
        return
    if not editing:
        comment._check_flood = not comment.is_staff  # by post(), inside its transaction
        _check_duplicate(comment)
    if comment.is_staff or comment.is_critic:
        _decide(comment, Status.APPROVED, "")
        return
    disallowed, watched = _word_patterns()
    if disallowed and disallowed.search(comment.body):
        _decide(comment, Status.SPAM, HeldFor.DISALLOWED_WORD)
        return
    if watched and watched.search(comment.body):
        _decide(comment, Status.PENDING, HeldFor.WATCH_WORD)
        return
    if count_links(comment.body) > settings.MARQUEE_MODERATION_MAX_LINKS:
        _decide(comment, Status.PENDING, HeldFor.LINKS)
        return
    if not comment.author_id and not is_verified_guest_email(comment.guest_email):
        _decide(comment, Status.PENDING, HeldFor.UNVERIFIED_EMAIL)
        return
    if not _is_known_commenter(comment):
        _decide(comment, Status.PENDING, HeldFor.NEW_COMMENTER)
        return
    _decide(comment, Status.APPROVED, "")


def _decide(comment, status, held_for):
    comment.status, comment.held_for = status, held_for


# What the poster is told when their comment is held (spam is not explained: bots read it too).
HELD_EXPLANATIONS = {
    HeldFor.TOO_FAST: "It was sent within a few seconds of the page loading, which is what spam robots do, "
    "so an editor will take a quick look.",
    HeldFor.EXPIRED_FORM: "The page had been open for hours, so an editor will take a quick look.",
    HeldFor.WATCH_WORD: "It uses a word our editors like to read in context first.",
    HeldFor.LINKS: "It has several links, so an editor will check them first.",
    HeldFor.NEW_COMMENTER: "An editor reads a new commenter's first comments before they go up.",
    HeldFor.UNVERIFIED_EMAIL: "Please confirm your e-mail address with the link we sent you; "
    "an editor will also take a look.",
    HeldFor.REPORTED: "Readers reported it, so an editor will look at it again.",
}


def held_explanation(comment):
    """Why a held comment is waiting, in the poster's words (empty for spam and the undisclosed)."""
    if comment.status != Status.PENDING:
        return ""
    return HELD_EXPLANATIONS.get(comment.held_for, "")


def _author_q(comment, prefix=""):
    """Comments by the same author: the account, or for a guest the e-mail address."""
    if comment.author_id:
        return Q(**{f"{prefix}author_id": comment.author_id})
    return Q(**{f"{prefix}author__isnull": True, f"{prefix}guest_email__iexact": comment.guest_email})


BANS_KEY = "moderation:active-bans"


def active_bans():
    """Every active ban (a few hundred at most), cached: each post is checked against them, and
    they change rarely (saving or deleting one forgets the list, see `CommentsConfig.ready()`)."""
    bans = cache.get(BANS_KEY)
    if bans is None:
        bans = list(Ban.objects.active())
        cache.set(BANS_KEY, bans, 60 * 60)
    now = timezone.now()
    return [ban for ban in bans if ban.expires_at is None or ban.expires_at > now]


def forget_bans(**kwargs):
    cache.delete(BANS_KEY)


def _check_bans(comment):
    bans = covering(
        active_bans(),
        user=comment.author if comment.author_id else None,
        email=comment.guest_email,
        ip_address=comment.ip_address,
    )
    if not bans:
        return
    ban = bans[0]
    who = f"account {comment.author_id}" if comment.author_id else "guest"
    ModerationAction.objects.create(
        ban=ban,
        actor=None,
        action=Action.REFUSED,
        note=f"Review {comment.review_id}; {who}; IP {comment.ip_address or '-'}",
    )
    logger.info("Refused a comment from a banned author (ban %s, review %s)", ban.pk, comment.review_id)
    raise Refused(ban_message(ban), status=403)


def ban_message(ban):
    if ban.expires_at is None:
        when = "You are banned from commenting."
    else:
        local = timezone.localtime(ban.expires_at)
        # "… 3 p.m." must not become "3 p.m..".
        when = f"You can't comment until {date_format(local, 'DATETIME_FORMAT').rstrip('.')}."
    return f"{when} Reason: {ban.reason}"


TOO_FAST = "You're posting too fast. Please wait a few seconds and send your comment again."
TOO_MANY = "You've posted a lot of comments in the last hour. Please try again later."


def _check_flood(comment):
    """The flood limits, inside `post()`'s transaction: concurrent posts by one poster queue on
    the poster's lock, so each sees the others' rows and none gets past a limit.

    An account is limited as an account, whatever its address (people behind one office or
    campus NAT share an address, not a limit). A guest is limited per e-mail address, and per IP
    address by a cap high enough for a shared address: the backstop against a guest who changes
    e-mail address with every post.
    """
    now = timezone.now()
    recent = Comment.objects.filter(created_at__gte=now - timedelta(hours=1))
    if comment.author_id:
        _lock_posters([f"account:{comment.author_id}"])
        limit = settings.MARQUEE_MODERATION_ACCOUNT_PER_HOUR
        mine = recent.filter(author_id=comment.author_id)
    else:
        email = comment.guest_email.strip()
        address = comment.ip_address
        _lock_posters([f"email:{email.lower()}", *([f"address:{address}"] if address else [])])
        limit = settings.MARQUEE_MODERATION_GUEST_EMAIL_PER_HOUR
        # UPPER() on both sides: the expression index comment_email_recent_idx, on both databases.
        mine = recent.alias(email=Upper("guest_email")).filter(author__isnull=True, email=Upper(Value(email)))
        if address:
            from_address = recent.filter(author__isnull=True, ip_address=address).count()
            if from_address >= settings.MARQUEE_MODERATION_GUEST_IP_PER_HOUR:
                raise Refused(TOO_MANY, status=429)
    stats = mine.aggregate(count=Count("pk"), last=Max("created_at"))
    window = settings.MARQUEE_MODERATION_FLOOD_SECONDS
    if window > 0 and stats["last"] is not None and stats["last"] > now - timedelta(seconds=window):
        raise Refused(TOO_FAST, status=429)
    if stats["count"] >= limit:
        raise Refused(TOO_MANY, status=429)


def _lock_posters(keys):
    """Hold these posters' locks until the transaction ends.

    SQLite needs none: `post()`'s transaction is IMMEDIATE, so it holds the database's write
    lock already. PostgreSQL gets transaction-scoped advisory locks (a short SQL statement: the
    ORM has no such call), taken in a fixed order so two posts never wait on each other.
    """
    if connection.vendor != "postgresql":
        return
    ids = sorted(
        {
            int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)
            for key in keys
        }
    )
    with connection.cursor() as cursor:
        for lock_id in ids:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


def normalise_body(body):
    return " ".join(body.casefold().split())


def fingerprint_key(comment, day):
    identity = f"u{comment.author_id}" if comment.author_id else f"g{comment.guest_email.strip().lower()}"
    raw = f"{identity}|{comment.review_id}|{normalise_body(comment.body)}|{day}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _day_bucket(now=None):
    return int((now or timezone.now()).timestamp() // 86400)


def _check_duplicate(comment):
    now = timezone.now()
    today = _day_bucket(now)
    hours = settings.MARQUEE_MODERATION_DUPLICATE_HOURS
    keys = [fingerprint_key(comment, day) for day in range(today - (hours + 23) // 24, today + 1)]
    # Only the id: a duplicate is rare, and its row is read then.
    existing = CommentFingerprint.objects.filter(
        key__in=keys, comment__created_at__gte=now - timedelta(hours=hours)
    ).values_list("comment_id", flat=True)[:1]
    if existing:
        raise Refused(_duplicate_message(), status=409, existing=Comment.objects.get(pk=existing[0]))
    comment._fingerprint_key = keys[-1]


def _duplicate_message():
    return "You already posted this comment on this review."


WORD_LISTS_KEY = "moderation:word-lists"


def _word_patterns():
    """Compiled whole-word, case-insensitive patterns for the two lists (None when empty).

    The phrases are cached (every post needs them; editors rarely change them): saving or
    deleting an entry forgets them (`forget_word_lists`, connected in `CommentsConfig.ready()`)."""
    phrases = cache.get(WORD_LISTS_KEY)
    if phrases is None:
        phrases = tuple(WordListEntry.objects.values_list("phrase", "kind"))
        cache.set(WORD_LISTS_KEY, phrases, 60 * 60)
    return _compile_word_lists(phrases)


@functools.lru_cache(maxsize=8)
def _compile_word_lists(phrases):
    lists = {WordListEntry.Kind.DISALLOWED: [], WordListEntry.Kind.WATCH: []}
    for phrase, kind in phrases:
        phrase = phrase.strip()
        if phrase:
            lists[kind].append(r"\s+".join(re.escape(part) for part in phrase.split()))
    return tuple(
        re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)", re.IGNORECASE) if words else None
        for words in (lists[WordListEntry.Kind.DISALLOWED], lists[WordListEntry.Kind.WATCH])
    )


def forget_word_lists(**kwargs):
    cache.delete(WORD_LISTS_KEY)


def count_links(body):
    return len(LINK_RE.findall(body))


def is_verified_guest_email(email):
    return VerifiedGuestEmail.is_verified(email)


def verify_guest_email(email):
    VerifiedGuestEmail.objects.get_or_create(email=email.strip().lower())


def confirm_guest_email(email):
    """A guest followed the confirmation link: re-screen their comments held for the address.

    Those held only for it are published (and the guest told, as for any held comment an
    editor approves); the rest stay in the queue with the reason the pipeline now gives.
    Returns the published comments, oldest first.
    """
    verify_guest_email(email)
    held = (
        Comment.objects.in_moderation()
        .filter(author__isnull=True, guest_email__iexact=email.strip(), held_for=HeldFor.UNVERIFIED_EMAIL)
        .select_related("review__film")
        .order_by("created_at", "pk")
    )
    published = []
    for comment in held:
        with transaction.atomic():
            _locked(comment)
            if comment.status != Status.PENDING or comment.held_for != HeldFor.UNVERIFIED_EMAIL:
                continue  # an editor got there first
            try:
                screen(comment, editing=True)
            except Refused:
                verdict = None  # closed or banned since: it waits for an editor as it was
            else:
                verdict = (comment.status, comment.held_for)
            comment.status, comment.held_for = Status.PENDING, HeldFor.UNVERIFIED_EMAIL
            if verdict is None:
                continue
            note = "The guest confirmed their e-mail address."
            if verdict[0] == Status.APPROVED:
                approve(comment, by=None, note=note)
                published.append(comment)
            else:
                _set_status(comment, Status.PENDING, held_for=verdict[1])
                _record(
                    comment, Action.HELD, by=None, from_status=Status.PENDING, reason=verdict[1], note=note
                )
    return published


def _is_known_commenter(comment):
    """Enough approved comments to skip the queue. Once known, remembered for an hour (most posts
    are by people who have posted before: this saves a count on each)."""
    needed = settings.MARQUEE_MODERATION_KNOWN_AFTER_APPROVED
    if needed <= 0:
        return True
    who = (
        f"account:{comment.author_id}"
        if comment.author_id
        else f"email:{comment.guest_email.strip().lower()}"
    )
    key = "moderation:known:" + hashlib.sha256(who.encode()).hexdigest()[:32]
    if cache.get(key):
        return True
    approved = Comment.objects.visible().filter(_author_q(comment))
    if comment.pk:
        approved = approved.exclude(pk=comment.pk)
    known = approved[:needed].count() >= needed
    if known:
        cache.set(key, True, 60 * 60)
    return known


# --- Storing -----------------------------------------------------------------------------


def post(comment):
    """Store a screened comment; the transaction holds only the writes.

    Raises `Refused` (409) when an identical comment won a race to the duplicate guard.
    """
    key = getattr(comment, "_fingerprint_key", None)
    try:
        with transaction.atomic():
            if getattr(comment, "_check_flood", False):
                _check_flood(comment)
            comment.save()
            if key:
                CommentFingerprint.objects.create(comment=comment, key=key)
            if comment.status == Status.APPROVED:
                comment.review.bump_thread(count_delta=1)
            if comment.status in (Status.PENDING, Status.SPAM):
                # The pipeline's decision, by "system": held for an editor, or kept as spam.
                ModerationAction.objects.create(
                    comment=comment,
                    action=Action.HELD if comment.status == Status.PENDING else Action.SPAM,
                    reason=comment.held_for,
                    to_status=comment.status,
                )
            _notify_posted(comment)
    except IntegrityError:
        comment.pk = comment.id = None
        existing = (
            CommentFingerprint.objects.filter(key=key).select_related("comment").first() if key else None
        )
        if existing is None:
            raise
        raise Refused(_duplicate_message(), status=409, existing=existing.comment) from None
    return comment


def recount_threads(review_ids):
    """Set each review's approved count from its rows and bump its thread version: for comments
    written in bulk (the WordPress import), which bypass `post()`. Inside the transaction."""
    approved = (
        Comment.objects.visible()
        .filter(review_id=OuterRef("pk"))
        .order_by()
        .values("review_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Review.objects.filter(pk__in=review_ids).update(
        approved_comment_count=Coalesce(Subquery(approved), 0),
        thread_version=F("thread_version") + 1,
        thread_changed_at=timezone.now(),
    )


# --- Notifications (sent after commit, through tasks) ------------------------------------


def _after_commit(task, *args):
    """Enqueue once the decision is stored. A backend that stores tasks in this database
    (production's) enqueues inside the transaction: the task row commits with the comment or not
    at all, and a post makes one write transaction, not two. Others (the in-process `immediate`
    one) run after commit, so they never see a comment that is then rolled back."""
    # The address is read now, while the request that caused the e-mail is current.
    base = site_url()
    if settings.MARQUEE_TASKS_STORED_IN_DATABASE:
        task.enqueue(*args, site_url=base)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, site_url=base))


def _notify_posted(comment):
    if comment.status == Status.APPROVED and comment.parent_id:
        _after_commit(tasks.send_reply_notification, comment.pk)
    elif comment.status == Status.PENDING:
        _after_commit(tasks.send_held_notification, comment.pk)
    if not comment.author_id and comment.status != Status.SPAM:
        _after_commit(tasks.send_guest_receipt, comment.pk)


def _notify_approved(comment, *, previous_status):
    if previous_status == Status.PENDING:
        _after_commit(tasks.send_decision_notification, comment.pk, "approved")
    if comment.parent_id:
        _after_commit(tasks.send_reply_notification, comment.pk)


def _notify_rejected(comment, *, previous_status, reason):
    if previous_status == Status.PENDING:
        _after_commit(tasks.send_decision_notification, comment.pk, "rejected", reason)


# --- Actions -----------------------------------------------------------------------------


def _set_status(comment, status, *, held_for=None):
    """Change the status; keep the review's count and thread version right. Inside a transaction."""
    was_visible = comment.is_visible
    comment.status = status
    fields = ["status"]
    if held_for is not None:
        comment.held_for = held_for
        fields.append("held_for")
    comment.save(update_fields=fields)
    now_visible = comment.is_visible
    if was_visible != now_visible:
        comment.review.bump_thread(count_delta=1 if now_visible else -1)
        comment.rerender_quoters()
    else:
        comment.review.bump_thread()


def _record(comment, action, *, by, from_status, reason="", note="", ban=None):
    return ModerationAction.objects.create(
        comment=comment,
        ban=ban,
        actor=by,
        action=action,
        reason=reason,
        note=note,
        from_status=from_status,
        to_status=comment.status if comment is not None else "",
    )


def _locked(comment):
    """Re-read the comment's status inside the transaction (two editors may act at once)."""
    fresh = Comment.objects.select_for_update().only("status", "held_for").get(pk=comment.pk)
    comment.status, comment.held_for = fresh.status, fresh.held_for
    return comment


def approve(comment, *, by=None, note=""):
    with transaction.atomic():
        _locked(comment)
        previous = comment.status
        _set_status(comment, Status.APPROVED)
        _dismiss_open_reports(comment, by=by)
        _record(comment, Action.APPROVE, by=by, from_status=previous, note=note)
        _notify_approved(comment, previous_status=previous)
    return comment


def reject(comment, *, by=None, reason=Rejection.OTHER, note="", strikes=True, ban=None):
    """Reject (kept in the database, restorable). Counts towards the author's strikes.

    `ban` is the ban this rejection is part of (`ban_author`), so undoing the ban takes it back."""
    if reason not in Rejection.values:
        raise ValueError(f"Unknown rejection reason {reason!r}")
    with transaction.atomic():
        _locked(comment)
        previous = comment.status
        _set_status(comment, Status.REJECTED)
        _dismiss_open_reports(comment, by=by)
        _record(comment, Action.REJECT, by=by, from_status=previous, reason=reason, note=note, ban=ban)
        _notify_rejected(comment, previous_status=previous, reason=reason)
        if strikes and previous != Status.REJECTED:
            apply_strikes(comment)
    return comment


def mark_spam(comment, *, by=None, note=""):
    with transaction.atomic():
        _locked(comment)
        previous = comment.status
        _set_status(comment, Status.SPAM)
        _dismiss_open_reports(comment, by=by)
        _record(comment, Action.SPAM, by=by, from_status=previous, reason=Rejection.SPAM, note=note)
    return comment


# The decisions `restore` and the desk's undo can take back: each moved the comment from its
# `from_status` to its `to_status`. A pipeline decision (no `from_status`) goes back to the queue.
UNDOABLE = frozenset({Action.APPROVE, Action.REJECT, Action.SPAM, Action.REMOVE, Action.AUTHOR_DELETE})


class CannotUndo(Exception):
    """The decision is not the comment's latest, or the comment moved on since (a clear message)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def last_decision(comment):
    """The decision that put the comment where it is now, read from the audit trail, or None.

    The trail is a stack: each restore took back the newest decision not already taken back.
    The pipeline's own spam verdict counts (restoring it returns the comment to the queue).
    """
    undone = 0
    for action in comment.moderation_actions.exclude(to_status="").order_by("-created_at", "-pk"):
        if action.action == Action.RESTORE:
            undone += 1
            continue
        is_pipeline_spam = action.action == Action.SPAM and not action.from_status
        if action.action not in UNDOABLE and not is_pipeline_spam:
            continue
        if undone:
            undone -= 1
            continue
        return action if action.to_status == comment.status else None
    return None


def _held_for_before(comment):
    """Why the comment was in the queue before it was decided: the trail's newest hold."""
    holds = comment.moderation_actions.filter(
        to_status=Status.PENDING,
        action__in=[Action.HELD, Action.REPORTED, Action.AUTHOR_EDIT, Action.RESTORE],
    ).order_by("-created_at", "-pk")
    for action in holds:
        if action.action == Action.REPORTED:
            return HeldFor.REPORTED
        if action.reason in HeldFor.values:
            return action.reason
    held_for = comment.held_for
    return held_for if held_for and held_for != HeldFor.AUTHOR_DELETED else HeldFor.NEW_COMMENTER


def restore(comment, *, by=None, note=""):
    """Take back the comment's latest decision: it returns to the state it was in before.

    A rejected comment that had been held goes back to the queue (its author, told it was not
    published, hears again only when an editor decides); one that had been published is shown
    again. Raises `CannotUndo` when the trail has no decision to take back.
    """
    with transaction.atomic():
        _locked(comment)
        decision = last_decision(comment)
        if decision is None:
            raise CannotUndo("This comment has no decision to undo.")
        return _revert(comment, decision, by=by, note=note)


def undo(decision, *, by=None):
    """Take back one recorded decision (the desk's Undo). It must still be its comment's latest;
    a ban's decision lifts the ban and takes back the rejections it made."""
    if decision.ban_id and decision.action in (Action.BAN, Action.REJECT):
        return lift_ban(decision.ban, by=by)
    comment = decision.comment
    if comment is None:
        raise CannotUndo("This decision is not about a comment.")
    with transaction.atomic():
        _locked(comment)
        latest = last_decision(comment)
        if latest is None or latest.pk != decision.pk:
            raise CannotUndo("This comment has changed since that decision; open it to decide again.")
        return _revert(comment, decision, by=by, note="Undone from the desk.")


def _revert(comment, decision, *, by, note):
    previous = comment.status
    target = decision.from_status or Status.PENDING
    held_for = None
    if target == Status.PENDING:
        held_for = _held_for_before(comment)
    elif comment.held_for == HeldFor.AUTHOR_DELETED:
        held_for = ""
    _set_status(comment, target, held_for=held_for)
    _record(
        comment,
        Action.RESTORE,
        by=by,
        from_status=previous,
        reason=comment.held_for if target == Status.PENDING else "",
        note=note or f"Took back: {decision.get_action_display()}.",
    )
    if target == Status.APPROVED:
        _notify_approved(comment, previous_status=previous)
    return comment


def remove(comment, *, by=None, reason="", note=""):
    with transaction.atomic():
        _locked(comment)
        previous = comment.status
        _set_status(comment, Status.REMOVED)
        _record(comment, Action.REMOVE, by=by, from_status=previous, reason=reason, note=note)
    return comment


def ban_author(comment, *, by=None, duration=None, reason, reject_pending=True, include_ip=False):
    """Ban the comment's author (the account, or a guest's e-mail address; optionally the IP).

    `duration` is a timedelta, or None for a permanent ban. With `reject_pending` the author's
    comments still in the queue are rejected (without counting strikes: the ban is the step).
    """
    now = timezone.now()
    with transaction.atomic():
        ban = Ban.objects.create(
            user=comment.author if comment.author_id else None,
            email="" if comment.author_id else comment.guest_email.strip().lower(),
            ip_network=(comment.ip_address or "") if include_ip else "",
            reason=reason,
            kind=Ban.Kind.MANUAL,
            expires_at=None if duration is None else now + duration,
            created_by=by,
        )
        _record(comment, Action.BAN, by=by, from_status=comment.status, note=reason, ban=ban)
        if reject_pending:
            pending = Comment.objects.in_moderation().filter(_author_q(comment)).select_related("review")
            for queued in pending:
                reject(
                    queued,
                    by=by,
                    reason=Rejection.OTHER,
                    note=f"Author banned: {reason}",
                    strikes=False,
                    ban=ban,
                )
                if queued.pk == comment.pk:
                    comment.status = queued.status
    return ban


def lift_ban(ban, *, by=None):
    """Undo a ban: it ends now (the row stays, for the record) and the comments it rejected
    return to where they were, unless something else happened to them since."""
    now = timezone.now()
    with transaction.atomic():
        ban = Ban.objects.select_for_update().get(pk=ban.pk)
        if not ban.is_active:
            raise CannotUndo("This ban has already ended.")
        ban.expires_at = now
        ban.save(update_fields=["expires_at"])
        ModerationAction.objects.create(
            ban=ban, actor=by, action=Action.LIFT_BAN, note=f"Lifted: {ban.reason}"
        )
        rejections = ModerationAction.objects.filter(ban=ban, action=Action.REJECT).select_related(
            "comment__review"
        )
        for rejection in rejections:
            comment = _locked(rejection.comment)
            latest = last_decision(comment)
            if latest is not None and latest.pk == rejection.pk:
                _revert(comment, rejection, by=by, note="The author's ban was lifted.")
    return ban


def apply_strikes(comment):
    """The strike ladder, after a rejection: 3 in 30 days -> 7-day suspension; a further
    rejection after a suspension -> permanent ban. Each step is an action by "system"."""
    if not settings.MARQUEE_MODERATION_STRIKES_ENABLED:
        return None
    if not comment.author_id and not comment.guest_email:
        return None
    now = timezone.now()
    author_bans = Ban.objects.filter(
        Q(user_id=comment.author_id) if comment.author_id else Q(email__iexact=comment.guest_email)
    )
    if author_bans.filter(kind=Ban.Kind.PERMANENT).exists():
        return None
    author = comment.author if comment.author_id else None
    email = "" if comment.author_id else comment.guest_email.strip().lower()
    suspension = author_bans.filter(kind=Ban.Kind.SUSPENSION).order_by("-created_at").first()
    # "After a suspension": a comment written since it began (not an old one judged late).
    if suspension is not None and comment.created_at >= suspension.created_at:
        ban = Ban.objects.create(
            user=author,
            email=email,
            reason="Repeated rejected comments after a suspension.",
            kind=Ban.Kind.PERMANENT,
            expires_at=None,
        )
        _record(comment, Action.BAN, by=None, from_status=comment.status, note=ban.reason, ban=ban)
        return ban
    if author_bans.active(now).exists():
        return None  # already suspended or banned: the ladder waits
    window = now - timedelta(days=settings.MARQUEE_MODERATION_STRIKE_WINDOW_DAYS)
    strikes = (
        ModerationAction.objects.filter(
            _author_q(comment, prefix="comment__"),
            action=Action.REJECT,
            created_at__gte=window,
            comment__status=Status.REJECTED,
        )
        .values("comment")
        .distinct()
        .count()
    )
    if strikes < settings.MARQUEE_MODERATION_STRIKES:
        return None
    days = settings.MARQUEE_MODERATION_SUSPENSION_DAYS
    ban = Ban.objects.create(
        user=author,
        email=email,
        reason=f"{strikes} comments rejected in {settings.MARQUEE_MODERATION_STRIKE_WINDOW_DAYS} days.",
        kind=Ban.Kind.SUSPENSION,
        expires_at=now + timedelta(days=days),
    )
    _record(comment, Action.SUSPEND, by=None, from_status=comment.status, note=ban.reason, ban=ban)
    return ban


# --- Reports -----------------------------------------------------------------------------


def report(comment, *, by, reason, note=""):
    """A reader reports a comment (once). Enough distinct reports send it back to the queue.

    Returns the `Report`, or None when this reader had already reported the comment.
    """
    if reason not in Report.Reason.values:
        raise ValueError(f"Unknown report reason {reason!r}")
    try:
        with transaction.atomic():
            created = Report.objects.create(comment=comment, reporter=by, reason=reason, note=note)
            _locked(comment)
            open_reports = (
                comment.reports.filter(dismissed_at__isnull=True).values("reporter").distinct().count()
            )
            if (
                comment.status == Status.APPROVED
                and open_reports >= settings.MARQUEE_MODERATION_REPORT_THRESHOLD
            ):
                _set_status(comment, Status.PENDING, held_for=HeldFor.REPORTED)
                _record(
                    comment,
                    Action.REPORTED,
                    by=None,
                    from_status=Status.APPROVED,
                    note=f"{open_reports} readers reported it.",
                )
                _after_commit(tasks.send_held_notification, comment.pk)
    except IntegrityError:
        return None
    return created


def dismiss_reports(comment, *, by):
    with transaction.atomic():
        count = _dismiss_open_reports(comment, by=by)
        if count:
            _record(
                comment, Action.DISMISS_REPORTS, by=by, from_status=comment.status, note=f"{count} reports"
            )
    return count


def _dismiss_open_reports(comment, *, by):
    return comment.reports.filter(dismissed_at__isnull=True).update(
        dismissed_at=timezone.now(), dismissed_by=by
    )


# --- The author's own comment ------------------------------------------------------------


def can_edit(comment, now=None):
    """Authors may edit within the window, and not once moderation has rejected or removed it."""
    now = now or timezone.now()
    window = timedelta(minutes=settings.MARQUEE_MODERATION_EDIT_MINUTES)
    return comment.status in (Status.APPROVED, Status.PENDING) and now - comment.created_at <= window


def edit_refusal(comment, now=None):
    """Why the author may not edit this comment, in words they understand ("" when they may)."""
    if can_edit(comment, now):
        return ""
    minutes = settings.MARQUEE_MODERATION_EDIT_MINUTES
    if comment.status == Status.REMOVED:
        if comment.held_for == HeldFor.AUTHOR_DELETED:
            return "You deleted this comment, so there is nothing left to edit."
        return "An editor removed this comment, so it can no longer be edited."
    if comment.status == Status.REJECTED:
        return (
            "An editor decided not to publish this comment (we sent you an e-mail saying why), "
            "so it can no longer be edited. You can still delete it."
        )
    if comment.status == Status.SPAM:
        return (
            "Our filters set this comment aside for an editor, so it can't be edited now. "
            "If it was held by mistake, an editor will publish it. You can still delete it."
        )
    return (
        f"Comments can be edited only in the first {minutes} minutes after posting, and this one "
        "is older. You can still delete it, and post a new comment."
    )


def author_edit(comment, *, body, by=None, request=None):
    """Apply an author's edit: keep the old text as a revision, re-render, re-run the pipeline.

    The body is re-rendered with the comments app's renderer (`Comment.render_body()`), before
    the transaction. Raises `Refused` (closed, banned) without changing anything.
    """
    previous_body, previous_status = comment.body, comment.status
    comment.body = body
    try:
        screen(comment, request=request, editing=True)
    except Refused:
        comment.body = previous_body
        comment.status = previous_status
        raise
    new_status, new_held_for = comment.status, comment.held_for
    # An approved comment stays approved unless the new text needs a look (or is spam).
    if (
        previous_status == Status.APPROVED
        and new_status == Status.PENDING
        and new_held_for
        in (
            HeldFor.NEW_COMMENTER,
            HeldFor.UNVERIFIED_EMAIL,
        )
    ):
        new_status, new_held_for = Status.APPROVED, ""
    if previous_status == Status.PENDING and new_status == Status.APPROVED:
        new_status, new_held_for = Status.PENDING, comment.held_for or HeldFor.NEW_COMMENTER
    comment.render_body()
    now = timezone.now()
    with transaction.atomic():
        CommentRevision.objects.create(
            comment=comment, body=previous_body, created_at=comment.edited_at or comment.created_at
        )
        comment.status = previous_status
        comment.edited_at = now
        comment.save(update_fields=["body", "body_html", "edited_at"])
        if new_status != previous_status:
            _set_status(comment, new_status, held_for=new_held_for)
        else:
            comment.review.bump_thread()
        _record(comment, Action.AUTHOR_EDIT, by=by, from_status=previous_status, reason=new_held_for)
        if comment.status == Status.PENDING and previous_status != Status.PENDING:
            _after_commit(tasks.send_held_notification, comment.pk)
    return comment


def author_delete(comment, *, by=None):
    """The author deletes their comment: removed, with `held_for` "author_deleted" (a tombstone
    "deleted by its author" while it has approved replies)."""
    with transaction.atomic():
        _locked(comment)
        previous = comment.status
        _set_status(comment, Status.REMOVED, held_for=HeldFor.AUTHOR_DELETED)
        _record(comment, Action.AUTHOR_DELETE, by=by, from_status=previous)
    return comment
