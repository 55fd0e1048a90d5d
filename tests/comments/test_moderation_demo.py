"""The moderation demo: an editor's realistic morning after `make run`."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from comments.models import Ban, Comment, HeldFor, ModerationAction, Report, WordListEntry

pytestmark = pytest.mark.django_db


def test_demo_gives_editors_a_realistic_queue(client):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # idempotent
    held = set(Comment.objects.in_moderation().values_list("held_for", flat=True))
    assert {
        HeldFor.NEW_COMMENTER,
        HeldFor.UNVERIFIED_EMAIL,
        HeldFor.WATCH_WORD,
        HeldFor.LINKS,
        HeldFor.REPORTED,
    } <= held
    spam = set(Comment.objects.filter(status="spam").values_list("held_for", flat=True))
    assert {HeldFor.DISALLOWED_WORD, HeldFor.TAMPER, HeldFor.HONEYPOT} <= spam
    assert Report.objects.filter(comment__status="approved", dismissed_at__isnull=True).exists()
    assert Comment.objects.filter(status="rejected").exists()
    assert ModerationAction.objects.filter(action="reject").exclude(reason="").exists()
    assert Ban.objects.active().exists()
    assert WordListEntry.objects.filter(kind="disallowed").exists()
    assert WordListEntry.objects.filter(kind="watch").exists()
    assert Comment.objects.filter(body__startswith="Does anyone know if the cinema").count() == 1

    editor = get_user_model().objects.get(username="editor")
    assert editor.groups.filter(name="Editors").exists()
    client.force_login(editor)
    page = client.get("/admin/").content.decode()
    assert "comments awaiting moderation" in page
    assert client.get("/admin/comments/comment/").status_code == 200
