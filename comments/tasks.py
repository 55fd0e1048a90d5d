"""Background tasks (Django's tasks API through the django-tasks backport).

Enqueued by `comments/moderation.py` after its transaction commits. Development and tests use
the immediate backend; production runs `manage.py db_worker` (django-tasks-db). Arguments are
ids, so a task reads the comment as it is when the task runs; `site_url` is the address of the
request that enqueued it, so links in the e-mail point where the reader was.
"""

from django_tasks import task

from reviewsite.siteurl import using

from . import notifications


@task()
def send_reply_notification(comment_id, site_url=""):
    with using(site_url):
        return notifications.send_reply_notification(comment_id)


@task()
def send_held_notification(comment_id, site_url=""):
    with using(site_url):
        return notifications.send_held_notification(comment_id)


@task()
def send_decision_notification(comment_id, decision, reason="", site_url=""):
    with using(site_url):
        return notifications.send_decision_notification(comment_id, decision, reason)


@task()
def send_guest_receipt(comment_id, site_url=""):
    with using(site_url):
        return notifications.send_guest_receipt(comment_id)
