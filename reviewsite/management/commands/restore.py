"""`manage.py restore backups/<timestamp>`: put a `manage.py backup` back.

The database is written back through SQLite's backup API into the site's own database (under
its write lock, so no process reads half of it); the media folder is replaced by the backup's,
the old one kept beside it as `<media>.before-restore-<time>` until the swap is done. Stop the
web processes and the task worker first: requests served during a restore would see the old
media with the new rows.
"""

import shutil
import sqlite3
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from .backup import DATABASE_FILE, MANIFEST, copy_media, live_connection, require_sqlite


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` (database and media)."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The backup folder, e.g. backups/20261201T170000.000000Z")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="Do not ask to confirm."
        )

    def handle(self, *args, backup, interactive=True, **options):
        require_sqlite()
        source = Path(backup)
        database = source / DATABASE_FILE
        if not (source / MANIFEST).is_file() or not database.is_file():
            raise CommandError(f"{source} is not a backup made by `manage.py backup` (no {MANIFEST}).")
        check = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
        try:
            integrity = check.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            check.close()
        if integrity != "ok":
            raise CommandError(f"{database} fails SQLite's integrity check: {integrity}")
        if interactive:
            answer = input(
                f"This replaces the database {settings.DATABASES['default']['NAME']} and the media folder "
                f"{settings.MEDIA_ROOT} with {source}. Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")

        backup_connection = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
        try:
            backup_connection.backup(live_connection())
        finally:
            backup_connection.close()

        media = Path(settings.MEDIA_ROOT)
        incoming = media.with_name(f"{media.name}.restoring")
        shutil.rmtree(incoming, ignore_errors=True)
        copy_media(source / "media", incoming)
        if media.exists():
            aside = media.with_name(f"{media.name}.before-restore-{timezone.now():%Y%m%dT%H%M%S}")
            media.rename(aside)
            incoming.rename(media)
            shutil.rmtree(aside)
        else:
            incoming.rename(media)
        # Cached pages and fragments describe the database as it was.
        cache.clear()
        self.stdout.write(f"Restored the database and media from {source}")
