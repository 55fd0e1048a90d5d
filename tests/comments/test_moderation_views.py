"""The pipeline through the real posting view: the HTTP status, the typed text kept, a link to
the first comment on a duplicate, and exactly one row when identical posts race."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, ModerationAction, VerifiedGuestEmail
from tests import factories
from tests.comments.conftest import form_data

pytestmark = pytest.mark.django_db

RACE = Path(__file__).with_name("concurrent_posting.py")


def post(client, review, ip="203.0.113.8", **fields):
    return client.post(
        reverse("comments:comment-post", args=[review.pk]), form_data(review, **fields), REMOTE_ADDR=ip
    )


def test_banned_guest_gets_403_with_until_when_and_nothing_is_stored(client, review):
    factories.BanFactory(email="pat@guest.example", reason="Spam links.")
    response = post(client, review, body="Let me in")
    assert response.status_code == 403
    page = response.content.decode()
    assert "until" in page and "Spam links." in page and "Let me in" in page
    assert not Comment.objects.exists()
    assert ModerationAction.objects.filter(action="refused").exists()


def test_flood_gets_429_and_keeps_the_typed_text(client, review):
    assert post(client, review, body="First thought").status_code == 302
    response = post(client, review, body="Second thought, typed with care")
    assert response.status_code == 429
    assert "Second thought, typed with care" in response.content.decode()
    assert Comment.objects.count() == 1


def test_duplicate_gets_409_with_a_link_to_the_first(client, review):
    assert post(client, review, body="Exactly this.").status_code == 302
    first = Comment.objects.get()
    Comment.objects.filter(pk=first.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    response = post(client, review, body="exactly   THIS.")
    assert response.status_code == 409
    assert f"#comment-{first.pk}" in response.content.decode()
    assert Comment.objects.count() == 1


def test_tampered_post_looks_normal_but_is_spam(client, review):
    response = post(client, review, body="Buy", honeypot="http://spam.example")
    assert response.status_code == 302
    assert Comment.objects.get().status == "spam"


def test_known_guest_is_published_new_one_waits(client, review):
    VerifiedGuestEmail.objects.create(email="pat@guest.example")
    factories.CommentFactory(guest_email="pat@guest.example")
    Comment.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    post(client, review, body="Known, so straight up")
    assert Comment.objects.get(body="Known, so straight up").status == "approved"
    post(client, review, body="New here", email="new@guest.example", name="New", ip="198.51.100.4")
    assert Comment.objects.get(body="New here").status == "pending"


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "sqlite").split(":")[0] not in ("sqlite", ""),
    reason="runs its own file-backed SQLite database",
)
def test_identical_posts_racing_store_exactly_one_row(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}", "REDIS_URL": ""}
    result = subprocess.run(
        [sys.executable, str(RACE), "6", "1", "--identical"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "stored=1 errors=0 statuses={302: 1, 409: 5}" in result.stdout, (
        result.stdout + result.stderr[-3000:]
    )
