"""What the cached thread shows from other apps' rows, and so which of their changes rebuild it.

A comment's cached HTML is keyed by its own row and the names it shows; a page of the thread by
the review's `thread_version`, which comments/moderation.py bumps with every change to the
visible thread. Account names and avatars are the things shown that live on another app's rows.
"""

from django.dispatch import receiver

from accounts.signals import identity_changed

from . import thread


@receiver(identity_changed, dispatch_uid="comments-account-changed")
def account_changed(sender, user, **kwargs):
    thread.refresh_threads_of(user)
