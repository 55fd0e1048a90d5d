"""Signals the accounts app sends for apps that show accounts on cached pages."""

from django.dispatch import Signal

# Sent after a save that changed an account's username or display name; `user` is the account.
name_changed = Signal()
