"""Signals the accounts app sends for apps that show accounts on cached pages."""

from django.dispatch import Signal

# Sent after a save that changed what pages show of an account: its username, display name or
# avatar. `user` is the account.
identity_changed = Signal()
