"""`manage.py backup` / `restore` (make backup, make restore): SQLite and media, round trip."""

import json
import sqlite3
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from comments.models import Comment
from reviews.models import Film
from tests import factories

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backup API")


def _backup(tmp_path):
    call_command("backup", output_dir=str(tmp_path / "backups"), stdout=StringIO())
    (folder,) = (tmp_path / "backups").iterdir()
    return folder


@sqlite_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_and_restore_round_trip(tmp_path, settings):
    media = Path(settings.MEDIA_ROOT)
    (media / "posters").mkdir(parents=True)
    (media / "posters" / "jaws.png").write_bytes(b"poster bytes")
    comment = factories.CommentFactory(body="Kept by the backup.")
    film = comment.review.film
    title = film.title

    folder = _backup(tmp_path)

    manifest = json.loads((folder / "backup.json").read_text())
    assert manifest["media_files"] == 1
    copy = sqlite3.connect(folder / "db.sqlite3")
    assert copy.execute("SELECT body FROM comments_comment").fetchall() == [("Kept by the backup.",)]
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    copy.close()
    assert (folder / "media" / "posters" / "jaws.png").read_bytes() == b"poster bytes"

    # Everything changes after the backup...
    Film.objects.filter(pk=film.pk).update(title="Changed")
    factories.CommentFactory(review=comment.review, body="Written after the backup.")
    (media / "posters" / "jaws.png").unlink()
    (media / "after.txt").write_text("later")

    call_command("restore", str(folder), interactive=False, stdout=StringIO())

    # ...and the restore puts it back as it was.
    assert Film.objects.get(pk=film.pk).title == title
    assert list(Comment.objects.values_list("body", flat=True)) == ["Kept by the backup."]
    assert (media / "posters" / "jaws.png").read_bytes() == b"poster bytes"
    assert not (media / "after.txt").exists()
    assert sorted(p.name for p in media.parent.iterdir() if p.name.startswith("media")) == ["media"]


@sqlite_only
@pytest.mark.django_db
def test_restore_refuses_a_folder_that_is_not_a_backup(tmp_path):
    (tmp_path / "db.sqlite3").write_bytes(b"not a database")
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore", str(tmp_path), interactive=False)


@sqlite_only
@pytest.mark.django_db
def test_restore_refuses_a_damaged_database(tmp_path):
    (tmp_path / "backup.json").write_text("{}")
    (tmp_path / "db.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises((CommandError, sqlite3.DatabaseError)):
        call_command("restore", str(tmp_path), interactive=False)
    assert Film.objects.count() == 0  # untouched


@sqlite_only
@pytest.mark.django_db
def test_restore_asks_before_replacing(tmp_path, monkeypatch):
    folder = tmp_path
    (folder / "backup.json").write_text("{}")
    sqlite3.connect(folder / "db.sqlite3").execute("CREATE TABLE t (x)").connection.close()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(folder), stdout=StringIO())


@pytest.mark.skipif(connection.vendor == "sqlite", reason="PostgreSQL uses pg_dump")
@pytest.mark.django_db
def test_backup_on_postgresql_points_to_pg_dump(tmp_path):
    with pytest.raises(CommandError, match="pg_dump"):
        call_command("backup", output_dir=str(tmp_path))
