"""Concurrent posting on a file-backed SQLite database: nothing lost to "database is locked"."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("concurrent_posting.py")


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "sqlite").split(":")[0] not in ("sqlite", ""),
    reason="SQLite's locking is what this checks",
)
def test_eight_threads_posting_forty_comments_each_store_all_320(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'concurrent.sqlite3'}", "REDIS_URL": ""}
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "8", "40"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "stored=320 errors=0 statuses={302: 320}" in result.stdout, result.stdout + result.stderr[-3000:]


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "sqlite").split(":")[0] not in ("sqlite", ""),
    reason="the file-backed SQLite run; PostgreSQL has its own test below",
)
def test_forty_concurrent_posts_from_one_account_store_exactly_the_hourly_cap(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'flood.sqlite3'}", "REDIS_URL": ""}
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "8", "5", "--one-account", "5"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    expected = "stored=5 errors=0 statuses={302: 5, 429: 35}"
    assert expected in result.stdout, result.stdout + result.stderr[-3000:]


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL's concurrency"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_from_one_account_on_postgresql_store_exactly_the_hourly_cap(settings):
    import threading
    import time

    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from comments.forms import make_security_token
    from comments.models import Comment
    from tests import factories

    settings.MARQUEE_MODERATION_FLOOD_SECONDS = 0
    settings.MARQUEE_MODERATION_ACCOUNT_PER_HOUR = 4
    review = factories.ReviewFactory()
    account = factories.VerifiedUserFactory()
    url = reverse("comments:comment-post", args=[review.pk])
    token = make_security_token(review.pk, time.time() - 60)
    barrier = threading.Barrier(8)
    statuses, lock = [], threading.Lock()

    def worker(number):
        client = Client()
        client.force_login(account)
        try:
            barrier.wait()
            for post in range(3):
                response = client.post(url, {"body": f"Thread {number}, post {post}.", "security": token})
                with lock:
                    statuses.append(response.status_code)
        finally:
            connection.close()

    workers = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    assert sorted(statuses) == [302] * 4 + [429] * 20
    assert Comment.objects.filter(author=account).count() == 4
