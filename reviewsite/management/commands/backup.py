"""`manage.py backup`: a consistent online backup of the SQLite database and the media folder.

    backups/<UTC timestamp>/db.sqlite3     the database, through SQLite's online backup API
    backups/<UTC timestamp>/media/         a copy of MEDIA_ROOT
    backups/<UTC timestamp>/backup.json    when, from where, what it holds

The backup API copies the database page by page under a read transaction, so the copy is one
consistent state even while gunicorn keeps writing (WAL mode: writers are not blocked); copying
the file with `cp` could catch it half-written and would miss what is still in the `-wal` file.
Media is copied after the database: a file uploaded in between is extra, never missing for a
row. PostgreSQL has its own tools (pg_dump / pg_restore, README "Backups").
"""

import json
import shutil
import sqlite3
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

DATABASE_FILE = "db.sqlite3"
MANIFEST = "backup.json"


def require_sqlite():
    if connection.vendor != "sqlite":
        raise CommandError(
            f"backup and restore are for SQLite; this site runs on {connection.vendor}. "
            "Use pg_dump and pg_restore (README, Backups)."
        )


def live_connection():
    """The site's own SQLite connection (a file, or the test suite's in-memory database)."""
    connection.ensure_connection()
    return connection.connection


def copy_media(source: Path, target: Path):
    if source.is_dir():
        shutil.copytree(source, target, symlinks=False)
    else:
        target.mkdir(parents=True)


class Command(BaseCommand):
    help = "Back up the SQLite database (online, consistent) and the media folder into backups/<timestamp>/."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            default=str(settings.BASE_DIR / "backups"),
            help="Folder that receives the <timestamp>/ backup (default: backups/ in the project).",
        )

    def handle(self, *args, output_dir, **options):
        require_sqlite()
        started = timezone.now()
        target = Path(output_dir) / started.strftime("%Y%m%dT%H%M%S.%fZ")
        target.mkdir(parents=True)
        destination = sqlite3.connect(target / DATABASE_FILE)
        try:
            with destination:
                live_connection().backup(destination)
            integrity = destination.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            destination.close()
        if integrity != "ok":
            raise CommandError(f"The copy failed SQLite's integrity check: {integrity}")
        copy_media(Path(settings.MEDIA_ROOT), target / "media")
        media_files = sum(1 for path in (target / "media").rglob("*") if path.is_file())
        manifest = {
            "created_at": started.isoformat(),
            "database": DATABASE_FILE,
            "database_bytes": (target / DATABASE_FILE).stat().st_size,
            "media_files": media_files,
            "source_database": str(settings.DATABASES["default"]["NAME"]),
            "source_media": str(settings.MEDIA_ROOT),
        }
        (target / MANIFEST).write_text(json.dumps(manifest, indent=2))
        self.stdout.write(f"Backed up the database and {media_files} media files to {target}")
