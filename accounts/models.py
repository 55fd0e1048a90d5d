from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """Marquee's account. Custom from the first migration so it can grow without pain."""

    display_name = models.CharField(
        max_length=80, blank=True, help_text="Shown on comments instead of the username."
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @property
    def public_name(self):
        return self.display_name or self.username

    def has_verified_email(self):
        """Accounts may comment only once allauth has verified an address."""
        return self.emailaddress_set.filter(verified=True).exists()
