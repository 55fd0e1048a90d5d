import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from reviews.models import Review

from . import markup

# Each level of the materialised path is the comment id, zero-padded, so byte-wise
# order of `path` is thread order (oldest first at every level).
PATH_STEP = 10
# 25 levels fit in the 255-character column; a reply deeper than that is filed under its
# ancestor at level 24 (it still shows "in reply to" its real parent).
PATH_MAX_LEVELS = 255 // PATH_STEP


class CommentQuerySet(models.QuerySet):
    def visible(self):
        """What the public sees."""
        return self.filter(status=Comment.Status.APPROVED)

    def in_moderation(self):
        return self.filter(status=Comment.Status.PENDING)

    def reported(self):
        """Comments readers reported whose reports nobody has dealt with yet."""
        open_reports = Report.objects.filter(dismissed_at__isnull=True).values("comment")
        return self.filter(pk__in=open_reports).exclude(status=Comment.Status.REMOVED)

    def recently_decided(self, since):
        """Comments an editor decided on since then (and not back in the queue), with the time
        of the latest decision as `last_decided_at`. Starts from the recent decisions (indexed
        by time), not from every comment."""
        decisions = ModerationAction.objects.filter(
            actor__isnull=False,
            created_at__gte=since,
            action__in=["approve", "reject", "spam", "remove", "restore"],
        )
        latest = decisions.filter(comment=models.OuterRef("pk")).order_by("-created_at")
        return (
            self.filter(pk__in=decisions.values("comment"))
            .exclude(status=Comment.Status.PENDING)
            .annotate(last_decided_at=models.Subquery(latest.values("created_at")[:1]))
        )

    def on_published_reviews(self):
        return self.filter(review__in=Review.objects.published())


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

    # A default rather than auto_now_add, so bulk loads (comments/scale.py, the WordPress import)
    # keep the times they give.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Any change to the row: the key of its cached HTML (comments/thread.py).
    updated_at = models.DateTimeField(auto_now=True)

    # For moderators only; never rendered in public templates.
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    # The comment's ID in the WordPress export it was imported from (comments/wordpress.py).
    wordpress_id = models.PositiveBigIntegerField(null=True, blank=True, unique=True, editable=False)

    # Comments this one quotes with [quote="Name" id=N]: re-rendered when those change visibility.
    quoted_comments = models.ManyToManyField(
        "self", symmetrical=False, related_name="quoted_by", blank=True, editable=False
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        indexes = [
            # "Approved comments of review R in thread order".
            models.Index(fields=["review", "status", "path"], name="comment_thread_idx"),
            models.Index(fields=["status", "created_at"], name="comment_queue_idx"),
            # The pipeline's flood checks: recent comments by account, IP and guest e-mail.
            models.Index(fields=["author", "created_at"], name="comment_author_recent_idx"),
            models.Index(fields=["ip_address", "created_at"], name="comment_ip_recent_idx"),
            models.Index(Upper("guest_email"), "created_at", name="comment_email_recent_idx"),
        ]

    def __str__(self):
        # The admin's titles and the audit trail: readable, no ids.
        return f"Comment by {self.author_name or 'a guest'} on {self.review.film.title}"

    def save(self, *args, **kwargs):
        """Render the markup when the body changed; give a new comment its place in the tree.

        The posting view calls `render_body()` before its transaction, so this only re-renders
        the body when someone changed `body` without doing so (the admin, a data fix).
        """
        update_fields = kwargs.get("update_fields")
        body_saved = update_fields is None or "body" in update_fields
        if body_saved and getattr(self, "_rendered_from", None) != self.body:
            self.render_body()
        if update_fields is not None:
            # `updated_at` keys the cached HTML: every save of the row moves it.
            kwargs["update_fields"] = {*update_fields, "updated_at", *(["body_html"] if body_saved else [])}
        adding = self._state.adding
        if adding and self.parent_id:
            self.depth = self.parent.depth + 1
        super().save(*args, **kwargs)
        if adding or not self.path:
            self.path = self.tree_path()
            Comment.objects.filter(pk=self.pk).update(path=self.path)
        quoted = getattr(self, "_quoted", None)
        if body_saved and quoted is not None and (quoted or not adding):
            self.quoted_comments.set(quoted)

    def get_absolute_url(self):
        return reverse("comments:comment-permalink", args=[self.pk])

    @property
    def author_name(self):
        if self.author_id:
            return self.author.public_name
        return self.guest_name

    @property
    def has_linkable_website(self):
        """A guest's website is linked from their name only when it is a web address."""
        return self.guest_website.lower().startswith(("http://", "https://"))

    def tree_path(self):
        own = f"{self.pk:0{PATH_STEP}d}"
        if not self.parent_id:
            return own
        return self.parent.path[: (PATH_MAX_LEVELS - 1) * PATH_STEP] + own

    def render_body(self):
        """Render `body` into `body_html` (one query when it quotes comments by id)."""
        ids = markup.quoted_ids(self.body)
        statuses = dict(Comment.objects.filter(pk__in=ids).values_list("pk", "status")) if ids else {}
        self.body_html = markup.render(
            self.body,
            quoted_lookup={pk: status == self.Status.APPROVED for pk, status in statuses.items()},
        )
        self._rendered_from = self.body
        self._quoted = set(statuses)
        return self.body_html

    def rerender_quoters(self):
        """Re-render comments that quote this one (its visibility changed): their quotes of it
        show "quoted comment removed" while it is not visible. Call inside the transaction."""
        for quoter in self.quoted_by.all():
            before = quoter.body_html
            quoter.render_body()
            if quoter.body_html != before:
                Comment.objects.filter(pk=quoter.pk).update(
                    body_html=quoter.body_html, updated_at=timezone.now()
                )
                if quoter.is_visible:
                    Review(pk=quoter.review_id).bump_thread()

    @property
    def is_visible(self):
        return self.status == self.Status.APPROVED

    @property
    def held_for_label(self):
        """Why the pipeline held it, in words ("" when it was not held)."""
        return reason_label(self.held_for) if self.held_for else ""

    @property
    def tombstone_text(self):
        """What stands in for a comment that is gone but has replies still shown."""
        if self.held_for == HeldFor.AUTHOR_DELETED:
            return "This comment was deleted by its author."
        return "This comment was removed."


# --- Moderation (comments, part 2) ------------------------------------------------------
# Everything below supports comments/moderation.py: bans, word lists, the audit trail,
# readers' reports, edit revisions and the duplicate guard. Moderation never deletes a comment.


class Rejection(models.TextChoices):
    """Why an editor rejected a comment (shown to its author)."""

    OFF_TOPIC = "off_topic", "Off-topic"
    INCIVILITY = "incivility", "Incivility"
    PERSONAL_ATTACK = "personal_attack", "Personal attack"
    SPAM = "spam", "Spam"
    OTHER = "other", "Other"


class HeldFor(models.TextChoices):
    """Machine-readable reasons stored in `Comment.held_for` (shown to editors)."""

    TAMPER = "tamper", "Form tampered with"
    TOO_FAST = "too_fast", "Sent within seconds of the page loading"
    EXPIRED_FORM = "expired_form", "Form left open for hours"
    HONEYPOT = "honeypot", "Honeypot filled"
    DISALLOWED_WORD = "disallowed_word", "Disallowed word"
    WATCH_WORD = "watch_word", "Watch word"
    LINKS = "links", "Too many links"
    NEW_COMMENTER = "new_commenter", "New commenter"
    UNVERIFIED_EMAIL = "unverified_email", "Guest e-mail not verified"
    REPORTED = "reported", "Reported by readers"
    AUTHOR_DELETED = "author_deleted", "Deleted by its author"
    BANNED = "banned", "Author banned"


def reason_label(code):
    """Any stored reason code (rejection, held-for, report) in words; unknown codes as they are."""
    for choices in (Rejection, HeldFor, Report.Reason):
        if code in choices.values:
            return choices(code).label
    return code


def local_time(value):
    """A time in the site's time zone, as the admin shows times, with the zone named
    ("Dec. 1, 2026, 11:47 a.m. EST"): one zone everywhere editors look."""
    local = timezone.localtime(value)
    return f"{date_format(local, 'DATETIME_FORMAT')} {local.tzname()}"


class BanQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))

    def matching(self, *, user=None, email="", ip_address=None, now=None):
        """Active bans that cover this account, e-mail address or IP address (most severe first)."""
        return covering(self.active(now), user=user, email=email, ip_address=ip_address)


def covering(bans, *, user=None, email="", ip_address=None):
    """The bans among `bans` that cover this account, e-mail address or IP address: permanent
    ones first, then the one that lasts longest. (The posting path matches a cached list.)"""
    emails = {e.strip().lower() for e in (email, getattr(user, "email", "")) if e and e.strip()}
    try:
        ip = ipaddress.ip_address(ip_address) if ip_address else None
    except ValueError:
        ip = None
    found = []
    for ban in bans:
        network = ban.network if ip is not None else None
        if (
            (user is not None and user.pk and ban.user_id == user.pk)
            or (ban.email and ban.email.strip().lower() in emails)
            or (network is not None and ip.version == network.version and ip in network)
        ):
            found.append(ban)
    found.sort(
        key=lambda b: (
            b.expires_at is not None,
            -(b.expires_at.timestamp() if b.expires_at else 0),
            -b.created_at.timestamp(),
        )
    )
    return found


class Ban(models.Model):
    """Stops an account, an e-mail address or an IP address / CIDR range from commenting."""

    class Kind(models.TextChoices):
        MANUAL = "manual", "By an editor"
        SUSPENSION = "suspension", "Automatic suspension (strikes)"
        PERMANENT = "permanent", "Automatic permanent ban (strikes)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comment_bans",
        verbose_name="account",
    )
    email = models.EmailField("e-mail address", blank=True)
    ip_network = models.CharField(
        "IP address or CIDR range",
        max_length=49,
        blank=True,
        help_text="For example 203.0.113.7 or 203.0.113.0/24.",
    )
    reason = models.CharField(max_length=200, help_text="Shown to the author when they try to post.")
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.MANUAL)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: permanent.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text="Empty: the system (strike ladder).",
    )

    objects = BanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at"], name="ban_expiry_idx")]

    def __str__(self):
        target = self.user or self.email or self.ip_network
        return f"Ban on {target}" + (f" until {local_time(self.expires_at)}" if self.expires_at else "")

    def clean(self):
        if not (self.user_id or self.email or self.ip_network):
            raise ValidationError(
                "Ban an account, an e-mail address or an IP address (at least one).", code="empty"
            )
        if self.ip_network:
            try:
                self.ip_network = str(ipaddress.ip_network(self.ip_network.strip(), strict=False))
            except ValueError:
                raise ValidationError(
                    {"ip_network": "Enter an IP address or a CIDR range such as 203.0.113.0/24."},
                    code="invalid",
                ) from None
        self.email = self.email.strip().lower()

    @property
    def network(self):
        try:
            return ipaddress.ip_network(self.ip_network, strict=False) if self.ip_network else None
        except ValueError:
            return None

    @property
    def is_active(self):
        return self.expires_at is None or self.expires_at > timezone.now()


class WordListEntry(models.Model):
    """A word or phrase editors list: disallowed (stored as spam) or watched (held)."""

    class Kind(models.TextChoices):
        DISALLOWED = "disallowed", "Disallowed (spam)"
        WATCH = "watch", "Watch (hold for review)"

    phrase = models.CharField(max_length=100, help_text="Matched as whole words, ignoring case.")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.WATCH)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "phrase"]
        verbose_name = "word list entry"
        verbose_name_plural = "word list entries"
        constraints = [models.UniqueConstraint(Lower("phrase"), name="unique_word_list_phrase")]

    def __str__(self):
        return f"{self.phrase} ({self.get_kind_display()})"


class ModerationAction(models.Model):
    """The audit trail: every moderation decision, by an editor or by the system (actor empty)."""

    class Kind(models.TextChoices):
        HELD = "held", "Held by the pipeline"
        APPROVE = "approve", "Approved"
        REJECT = "reject", "Rejected"
        SPAM = "spam", "Marked as spam"
        RESTORE = "restore", "Restored"
        REMOVE = "remove", "Removed"
        BAN = "ban", "Author banned"
        SUSPEND = "suspend", "Author suspended (strikes)"
        REFUSED = "refused", "Post by a banned author refused"
        REPORTED = "reported", "Sent back to the queue by reports"
        DISMISS_REPORTS = "dismiss_reports", "Reports dismissed"
        AUTHOR_EDIT = "author_edit", "Edited by its author"
        AUTHOR_DELETE = "author_delete", "Deleted by its author"
        LIFT_BAN = "lift_ban", "Ban lifted"

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="moderation_actions"
    )
    ban = models.ForeignKey(Ban, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: the system.",
    )
    action = models.CharField(max_length=20, choices=Kind)
    reason = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "moderation action"

    def __str__(self):
        return f"{self.get_action_display()} by {self.actor_name} at {local_time(self.created_at)}"

    @property
    def actor_name(self):
        return self.actor.get_username() if self.actor_id else "system"

    @property
    def reason_display(self):
        """The reason in words: a rejection's reason, or why the pipeline held the comment."""
        return reason_label(self.reason)


class Report(models.Model):
    """A signed-in reader's report of a comment: one per reader and comment."""

    class Reason(models.TextChoices):
        INCIVILITY = "incivility", "Incivility"
        SPAM = "spam", "Spam"
        SPOILER = "spoiler", "Spoiler without a spoiler tag"
        OFF_TOPIC = "off_topic", "Off-topic"
        OTHER = "other", "Other"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_reports"
    )
    reason = models.CharField(max_length=12, choices=Reason)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_reader")]

    def __str__(self):
        return f"Report: {self.get_reason_display()}, {local_time(self.created_at)}"


class CommentRevision(models.Model):
    """The text of a comment before its author edited it."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    created_at = models.DateTimeField(help_text="When this text was first posted or last edited.")
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-replaced_at", "-pk"]

    def __str__(self):
        return f"Earlier version, replaced {local_time(self.replaced_at)}"


class CommentFingerprint(models.Model):
    """Duplicate guard: author + review + normalised text + day, unique, inserted with the comment.

    The unique constraint is what keeps "exactly one row" when two identical posts race.
    """

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="fingerprint")
    key = models.CharField(max_length=64, unique=True)

    def __str__(self):
        return self.key


class VerifiedGuestEmail(models.Model):
    """A guest e-mail address whose owner followed the confirmation link."""

    email = models.EmailField(unique=True, help_text="Stored lower-case.")
    verified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "verified guest e-mail"

    def __str__(self):
        return self.email

    @classmethod
    def is_verified(cls, email):
        return bool(email) and cls.objects.filter(email=email.strip().lower()).exists()


class SentNotification(models.Model):
    """One row per notification sent about a comment, so none goes out twice."""

    class Kind(models.TextChoices):
        REPLY = "reply", "Reply to the parent's author"
        HELD = "held", "Held: to editors"
        APPROVED = "approved", "Approved: to the author"
        REJECTED = "rejected", "Rejected: to the author"
        GUEST_RECEIPT = "guest_receipt", "Guest receipt with links"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=Kind)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "kind"], name="one_notification_per_kind")]

    def __str__(self):
        return f"{self.kind} for comment {self.comment_id}"


class EditorDigest(models.Model):
    """One round of the editors' digest: each editor gets one e-mail listing the comments held
    since the round before. Rounds are at least the digest interval apart (`due_at` is unique and
    whole minutes), which is what keeps it to one e-mail per editor per interval."""

    due_at = models.DateTimeField(unique=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    comment_count = models.PositiveIntegerField(default=0)
    editor_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-due_at"]

    def __str__(self):
        return f"Editors' digest due {local_time(self.due_at)}"
