"""Background tasks (Django's tasks API through the django-tasks backport).

Enqueued by `comments/moderation.py` after its transaction commits. Development and tests use
the immediate backend; production runs `manage.py db_worker` (django-tasks-db). Arguments are
ids, so a task reads the comment as it is when the task runs.
"""

from django_tasks import task

from . import notifications, privacy


@task()
def send_reply_notification(comment_id):
    return notifications.send_reply_notification(comment_id)


@task()
def send_held_notification(comment_id):
    return notifications.send_held_notification(comment_id)


@task()
def send_decision_notification(comment_id, decision, reason=""):
    return notifications.send_decision_notification(comment_id, decision, reason)


@task()
def send_guest_receipt(comment_id):
    return notifications.send_guest_receipt(comment_id)


@task()
def clear_old_comment_addresses():
    """Housekeeping, once a day: `manage.py clear_comment_addresses` (README, Housekeeping)."""
    return privacy.clear_old_addresses()
