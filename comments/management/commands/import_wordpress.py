"""`manage.py import_wordpress EXPORT.xml`: a WordPress export's posts as reviews and their
comments as threads (comments/wordpress.py does the work; README "Moving from WordPress")."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from comments.wordpress import WordPressImport
from reviews.models import Critic
from reviewsite.wxr import WXRError


def critic_mapping(values):
    """--critic LOGIN=USERNAME (repeatable): WordPress logins to existing critics, found by their
    account's username or by their own slug."""
    critics = {}
    for value in values or []:
        login, sep, username = value.partition("=")
        login, username = login.strip(), username.strip()
        if not sep or not login or not username:
            raise CommandError(f"--critic {value!r}: write it as LOGIN=USERNAME, e.g. --critic jdoe=jane.")
        critic = Critic.objects.filter(Q(account__username=username) | Q(slug=username)).first()
        if critic is None:
            raise CommandError(
                f"--critic {value!r}: no critic has the account {username!r} or the slug {username!r}."
            )
        critics[login] = critic
    return critics


class Progress:
    """One line on stderr, redrawn in place on a terminal; every tenth on a log file."""

    def __init__(self, stream, *, interactive):
        self.stream = stream
        self.interactive = interactive
        self.started = time.monotonic()
        self.last_tenth = -1
        self.last_draw = 0.0

    def __call__(self, posts_done, comments_done, report):
        total = report.total_comments or 1
        fraction = (
            min(comments_done / total, 1.0)
            if report.total_comments
            else posts_done / max(report.total_posts, 1)
        )
        line = (
            f"{fraction:6.1%}  {posts_done:,}/{report.total_posts:,} posts  "
            f"{comments_done:,}/{report.total_comments:,} comments  {time.monotonic() - self.started:,.0f} s"
        )
        if self.interactive:
            now = time.monotonic()
            if now - self.last_draw >= 0.2 or fraction >= 1.0:
                self.stream.write(f"\r{line}", ending="")
                self.stream.flush()
                self.last_draw = now
        elif int(fraction * 10) > self.last_tenth or posts_done == report.total_posts:
            self.last_tenth = int(fraction * 10)
            self.stream.write(line)

    def finish(self):
        if self.interactive:
            self.stream.write("")


class Command(BaseCommand):
    help = "Import a WordPress export (WXR 1.1 or 1.2): posts as reviews, comments as their threads."

    def add_arguments(self, parser):
        parser.add_argument("export", help="The .xml file from WordPress's Tools > Export.")
        parser.add_argument("--dry-run", action="store_true", help="Read and report; write nothing.")
        parser.add_argument("--category", metavar="SLUG", help="Only posts in this category (its slug).")
        parser.add_argument(
            "--critic",
            action="append",
            metavar="LOGIN=USERNAME",
            help="Map a WordPress author to an existing critic (their account's username or slug). "
            "Repeatable. Other authors become critics under their display names.",
        )
        parser.add_argument("--batch-size", type=int, default=1000, help="Comments per insert.")

    def handle(self, *args, export, dry_run=False, category=None, critic=None, batch_size=1000, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        critics = critic_mapping(critic)
        progress = Progress(self.stderr, interactive=sys.stderr.isatty())
        job = WordPressImport(
            export, category=category, critics=critics, batch_size=batch_size, progress=progress
        )
        started = time.monotonic()
        try:
            report = job.survey() if dry_run else job.run()
        except FileNotFoundError:
            raise CommandError(f"{export}: no such file.") from None
        except IsADirectoryError:
            raise CommandError(f"{export}: is a directory, not an export file.") from None
        except OSError as error:
            raise CommandError(f"{export}: {error.strerror or error}.") from None
        except WXRError as error:
            raise CommandError(f"{export}, {error}. Nothing was imported.") from None
        finally:
            progress.finish()
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(warning))
        title = "Dry run: nothing was written." if dry_run else "Import finished."
        self.stdout.write(f"{title} ({time.monotonic() - started:.1f} s)")
        for line in report.lines():
            self.stdout.write(f"  {line}")
