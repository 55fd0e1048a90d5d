"""The reader's own data: export and erasure, for accounts and (from the admin) for guests.

Accounts knows nothing of the apps that hold a person's data (dependencies point towards
accounts), so those apps register their part here from `AppConfig.ready()`:

    register_exporter("comments", export_comments)   # fn(*, user=None, email=None) -> JSON-able
    register_eraser(erase_comments)                  # fn(*, user=None, email=None, remove=False) -> int

Exactly one of `user` and `email` is given: an account, or a guest known by e-mail address.
Erasers run inside the transaction that deletes the account.
"""

from django.db import transaction
from django.utils import timezone

_exporters = {}
_erasers = []


def register_exporter(name, exporter):
    _exporters[name] = exporter


def register_eraser(eraser):
    if eraser not in _erasers:
        _erasers.append(eraser)


def profile_data(user):
    return {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in user.emailaddress_set.order_by("email")
        ],
        "bio": user.bio,
        "website": user.website,
        "avatar": user.avatar.url if user.avatar else None,
        "date_joined": user.date_joined.isoformat(),
        "social_accounts": [
            {"provider": account.provider, "uid": account.uid} for account in user.socialaccount_set.all()
        ],
    }


def preferences_data(user):
    return {
        "email_on_reply": user.email_on_reply,
        "always_show_spoilers": user.always_show_spoilers,
    }


def export_account(user):
    """Everything we hold about an account, as a JSON-able dict."""
    data = {
        "exported_at": timezone.now().isoformat(),
        "profile": profile_data(user),
        "preferences": preferences_data(user),
    }
    for name, exporter in _exporters.items():
        data[name] = exporter(user=user)
    return data


def export_guest(email):
    data = {"exported_at": timezone.now().isoformat(), "email": email}
    for name, exporter in _exporters.items():
        data[name] = exporter(email=email)
    return data


def delete_account(user, *, remove_comments=False):
    """Erase the account. Its comments become "Deleted user" (or tombstones, if removed)."""
    avatar_names = [field.name for field in (user.avatar, user.avatar_small) if field]
    storage = user.avatar.storage
    with transaction.atomic():
        for eraser in _erasers:
            eraser(user=user, remove=remove_comments)
        user.delete()
        transaction.on_commit(lambda: [storage.delete(name) for name in avatar_names])


def erase_guest(email, *, remove_comments=False):
    """Erase a guest's data by e-mail address; returns how many records were changed."""
    with transaction.atomic():
        return sum(eraser(email=email, remove=remove_comments) or 0 for eraser in _erasers)
