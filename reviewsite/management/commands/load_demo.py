"""Load the demo site. Idempotent: a second run changes nothing.

Each app keeps its own demo content in `<app>/demo.py` with a `load(stdout)` function;
this command runs them in dependency order and prints the logins.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo
from comments import demo as comments_demo
from reviews import demo as reviews_demo


class Command(BaseCommand):
    help = "Create demo users, films, reviews and comments (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--long-thread",
            type=int,
            default=0,
            metavar="N",
            help="Also give one review N comments (for Lighthouse and the screenshots).",
        )

    def handle(self, *args, **options):
        with transaction.atomic():
            accounts_demo.load()
            reviews_demo.load()
            comments_demo.load()
            if options["long_thread"]:
                added = comments_demo.load_long_thread(options["long_thread"])
                if added:
                    self.stdout.write(f"A long thread: {added} comments on {comments_demo.LONG_THREAD_FILM}.")
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Logins:"))
        for user in accounts_demo.DEMO_USERS:
            self.stdout.write(f"  {user.role:<8} {user.username:<8} password: {user.password}")
