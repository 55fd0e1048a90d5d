from django.contrib.auth.models import AbstractUser
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from . import names
from .signals import identity_changed


class User(AbstractUser):
    """Marquee's account. Custom from the first migration so it can grow without pain.

    The profile and preferences live here rather than in a one-to-one model: every page that
    shows a commenter needs them, and one row means no extra join and no "missing profile".
    """

    display_name = models.CharField(
        max_length=80, blank=True, help_text="Shown on comments instead of the username."
    )
    # What the names look like (accounts/names.py), kept on save so "is this name taken?" is one
    # indexed query however many accounts there are.
    username_skeleton = models.CharField(max_length=400, blank=True, editable=False, db_index=True)
    display_name_skeleton = models.CharField(max_length=400, blank=True, editable=False, db_index=True)
    bio = models.CharField("short bio", max_length=300, blank=True)
    website = models.URLField(
        max_length=200,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="An http:// or https:// address.",
    )
    # Renditions made by `accounts.avatars`; the upload itself is never stored.
    avatar = models.ImageField("avatar (128 px)", upload_to="avatars/", blank=True, editable=False)
    avatar_small = models.ImageField("avatar (64 px)", upload_to="avatars/", blank=True, editable=False)

    email_on_reply = models.BooleanField("e-mail me when someone replies", default=True)
    always_show_spoilers = models.BooleanField(
        "always show spoilers",
        default=False,
        help_text="Open spoiler sections in reviews and comments without a click.",
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(
                Lower("display_name"),
                condition=~Q(display_name=""),
                name="unique_display_name_case_insensitive",
                violation_error_message="That display name is taken.",
            )
        ]

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._saved_identity = user._identity()
        return user

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"username", "display_name"} & set(update_fields):
            self.username_skeleton = names.skeleton(self.username)
            self.display_name_skeleton = names.skeleton(self.display_name)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "username_skeleton", "display_name_skeleton"}
        super().save(*args, **kwargs)
        before, self._saved_identity = getattr(self, "_saved_identity", None), self._identity()
        if before is not None and self._saved_identity is not None and before != self._saved_identity:
            identity_changed.send(sender=type(self), user=self)

    def _identity(self):
        """What comments show of the account (username, display name, small avatar) as loaded, or
        None when any of it was deferred."""
        loaded = self.__dict__
        if not {"username", "display_name", "avatar_small"} <= loaded.keys():
            return None
        avatar = loaded["avatar_small"]  # the stored name, or the FieldFile once read
        return loaded["username"], loaded["display_name"], getattr(avatar, "name", avatar) or ""

    @property
    def public_name(self):
        return self.display_name or self.username

    def has_verified_email(self):
        """Accounts may comment only once allauth has verified an address."""
        return self.emailaddress_set.filter(verified=True).exists()

    def get_absolute_url(self):
        return reverse("accounts:profile", args=[self.username])

    @property
    def wants_reply_emails(self):
        """Whether reply notifications may be sent to this account's e-mail address."""
        return self.email_on_reply and self.is_active and bool(self.email)


_reserved_name_checks = []


def register_reserved_name(check):
    """Apps that know other names people must not take (critics') register `check(name, user)`.

    `user` is the account choosing the name (None for a guest); the check returns True when
    the name belongs to someone else. Registered from `AppConfig.ready()`.
    """
    if check not in _reserved_name_checks:
        _reserved_name_checks.append(check)


def display_name_taken(name, *, exclude=None):
    """Does `name` look like another account's display name or username, or a reserved name?

    The one rule for names, for guests' comment names (exclude=None) and accounts' display names
    (exclude=the account) alike: names are compared by skeleton (accounts/names.py), so case,
    look-alike letters, accents, spacing and invisible characters do not make a different name.
    """
    key = names.skeleton(name)
    if not key:
        return False
    others = User.objects.all()
    if exclude is not None and exclude.pk is not None:
        others = others.exclude(pk=exclude.pk)
    if others.filter(Q(display_name_skeleton=key) | Q(username_skeleton=key)).exists():
        return True
    return any(check(name, exclude) for check in _reserved_name_checks)
