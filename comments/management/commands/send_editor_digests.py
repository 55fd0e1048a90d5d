"""Send the editors' digest rounds that are due and not yet sent.

The database task backend sends each round itself when it is due (the task is deferred to then);
this is for the immediate backend, or after the worker was down: run it from cron if you like.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from comments import notifications
from comments.models import EditorDigest


class Command(BaseCommand):
    help = "Send the editors' digest rounds that are due."

    def handle(self, *args, **options):
        due = EditorDigest.objects.filter(sent_at__isnull=True, due_at__lte=timezone.now())
        sent = sum(notifications.send_editor_digest(pk) for pk in due.values_list("pk", flat=True))
        self.stdout.write(f"Sent {sent} digest e-mail{'' if sent == 1 else 's'}.")
