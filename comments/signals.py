"""What the cached thread shows from other apps' rows, and so which of their changes rebuild it.

A comment's cached HTML is keyed by its own row and the names it shows; a page of the thread by
the review's `thread_version`, which comments/moderation.py bumps with every change to the
visible thread. Account names are the one thing shown that lives on another app's rows.
"""

from django.dispatch import receiver

from accounts.signals import name_changed

from . import thread


@receiver(name_changed, dispatch_uid="comments-account-renamed")
def account_renamed(sender, user, **kwargs):
    thread.refresh_threads_of(user)
