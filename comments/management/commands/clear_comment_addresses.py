"""`manage.py clear_comment_addresses`: forget old comments' IP addresses and user agents.

Run it once a day from cron or a systemd timer (README, Housekeeping). By default it does the
work now and says how many comments it cleared; with `--enqueue` it hands the task to the task
backend instead (`manage.py db_worker` runs it when DJANGO_TASKS_BACKEND=database).
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from comments import tasks


class Command(BaseCommand):
    help = (
        "Clear the IP address and user agent of comments older than DJANGO_COMMENT_IP_RETENTION_DAYS "
        "(30 by default)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Queue the task for the task worker.")

    def handle(self, *args, enqueue=False, **options):
        days = settings.MARQUEE_COMMENT_IP_RETENTION_DAYS
        if enqueue:
            result = tasks.clear_old_comment_addresses.enqueue()
            self.stdout.write(f"Queued the task ({result.id}): comments older than {days} days.")
            return
        cleared = tasks.clear_old_comment_addresses.call()
        self.stdout.write(
            f"Cleared the IP address and user agent of {cleared} comments older than {days} days."
        )
