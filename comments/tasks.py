"""Background tasks (Django's tasks API through the django-tasks backport).

Enqueued by `comments/moderation.py` after its transaction commits. Development and tests use
the immediate backend; production runs `manage.py db_worker` (django-tasks-db). Arguments are
ids, so a task reads the comment as it is when the task runs; `site_url` is the address of the
request that enqueued it, so links in the e-mail point where the reader was.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from reviewsite.siteurl import using

from . import notifications, privacy


@task()
def send_reply_notification(comment_id, site_url=""):
    with using(site_url):
        return notifications.send_reply_notification(comment_id)


@task()
def send_held_notification(comment_id, site_url=""):
    """A comment was held: e-mail the editors now ("each"), or see that a digest round will
    list it ("digest")."""
    if settings.MARQUEE_MODERATION_NOTIFY_EDITORS == "digest":
        schedule_editor_digest(site_url=site_url)
        return 0
    with using(site_url):
        return notifications.send_held_notification(comment_id)


@task()
def send_editor_digest(digest_id, site_url=""):
    with using(site_url):
        return notifications.send_editor_digest(digest_id)


def schedule_editor_digest(site_url=""):
    """Make sure a digest round is on its way: enqueue a new round to run when it is due.

    A backend that cannot defer (the immediate one, in development) runs a round only once it
    is due: a later hold, or `manage.py send_editor_digests`, sends it then.
    """
    with transaction.atomic():
        digest, created = notifications.next_digest_round()
    backend = send_editor_digest.get_backend()
    due = digest.due_at <= timezone.now()
    if backend.supports_defer and created:
        send_editor_digest.using(run_after=digest.due_at).enqueue(digest.pk, site_url=site_url)
    elif not backend.supports_defer and due:
        send_editor_digest.enqueue(digest.pk, site_url=site_url)
    return digest


@task()
def send_decision_notification(comment_id, decision, reason="", site_url=""):
    with using(site_url):
        return notifications.send_decision_notification(comment_id, decision, reason)


@task()
def send_guest_receipt(comment_id, site_url=""):
    with using(site_url):
        return notifications.send_guest_receipt(comment_id)


@task()
def clear_old_comment_addresses():
    """Housekeeping, once a day: `manage.py clear_comment_addresses` (README, Housekeeping)."""
    return privacy.clear_old_addresses()
