"""Two app servers, one PostgreSQL and one Redis: nothing a request needs lives in one process.

Starts two gunicorn servers (the site's own settings, DEBUG off) on two free ports against the
test database and the test Redis. A reader signs in on one and is signed in on the other; posts
on one, and is held to the flood limit on the other; an editor approves on one and the next
anonymous request to the other (whose cached page was warm) shows the comment; failed logins
count towards one limit across both.
"""

import os
import time
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.db import connection

from bench import common
from bench.client import Browser
from bench.server import Server
from comments.models import Comment
from tests import factories
from tests.conftest import restore_data_migrations

pytestmark = pytest.mark.skipif(
    not (os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")),
    reason="needs PostgreSQL and Redis (CI's second run)",
)
PASSWORD = "two-servers-password-2026"


@pytest.fixture
def servers(transactional_db, settings):
    restore_data_migrations()
    # The servers check passwords with the site's own hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    database = connection.settings_dict
    host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    url = f"postgres://{database['USER']}@{host}/{database['NAME']}"
    env = {
        "DJANGO_SETTINGS_MODULE": "reviewsite.settings",
        "DJANGO_STATIC_MANIFEST": "0",
        "DJANGO_CACHE_PREFIX": f"two-servers-{uuid.uuid4().hex[:8]}",
        "DJANGO_LOG_LEVEL": "ERROR",
        # The site's limits (bench/common.py lifts them for its posters).
        "DJANGO_MODERATION_FLOOD_SECONDS": "15",
        "DJANGO_MODERATION_ACCOUNT_PER_HOUR": "30",
    }
    if database.get("PASSWORD"):
        url = url.replace("@", f":{database['PASSWORD']}@", 1)
    pair = [Server(database_url=url, redis_url=os.environ["REDIS_URL"], threads=2, env=env) for _ in range(2)]
    try:
        for server in pair:
            server.start()
        yield pair
    finally:
        for server in pair:
            server.stop()
        common.cleanup()  # the servers' scratch folder


def test_two_servers_share_sessions_flood_limits_rate_limits_and_the_thread(servers):
    one, two = servers
    review = factories.ReviewFactory()
    reader = factories.VerifiedUserFactory(username="twoservers", password=PASSWORD)
    editor = factories.ModeratorFactory(username="twoeditor", password=PASSWORD)
    EmailAddress.objects.create(user=editor, email=editor.email, verified=True, primary=True)
    url = review.get_absolute_url()

    # Sessions: signed in through server one, signed in on server two.
    person = Browser(one.port)
    person.login("twoservers", PASSWORD)
    page = Browser(two.port)
    page.cookies = person.cookies
    form = page.get(url)
    assert form.status == 200 and b"Sign out" in form.body

    # A reader warms server two's cache of the page.
    anonymous = Browser(two.port)
    assert anonymous.get(url).status == 200

    # Post through server one (a new commenter: held for an editor), with the form from two.
    time.sleep(3.2)  # the anti-tamper check stores faster posts as spam
    fields = {
        "csrfmiddlewaretoken": form.field("csrfmiddlewaretoken"),
        "security": form.field("security"),
        "honeypot": "",
    }
    posted = person.post(f"/comments/review/{review.pk}/post/", {**fields, "body": "Seen on both servers."})
    assert posted.status == 302, posted.body[:500]
    comment = Comment.objects.get(author=reader)
    assert comment.status == Comment.Status.PENDING
    # The flood limit holds on server two as well.
    page.cookies = person.cookies
    again = page.post(f"/comments/review/{review.pk}/post/", {**fields, "body": "And a second thought."})
    assert again.status == 429
    assert Comment.objects.filter(author=reader).count() == 1

    # An editor approves it through server two's admin...
    desk = Browser(two.port)
    desk.login("twoeditor", PASSWORD)
    queue = desk.get("/admin/comments/comment/")
    approved = desk.post(
        "/admin/comments/comment/",
        {
            "csrfmiddlewaretoken": queue.field("csrfmiddlewaretoken"),
            "action": "approve_selected",
            "_selected_action": str(comment.pk),
            "index": "0",
        },
    )
    assert approved.status == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    # ...and the next anonymous request to server one, and to two, shows it.
    for server in (one, two):
        assert b"Seen on both servers." in Browser(server.port).get(url).body

    # allauth's failed-login limit (5 per 5 minutes per account) counts across both servers: the
    # sixth attempt, whichever server takes it, is turned away.
    refusals = []
    for server in (one, two, one, two, one, two):
        stranger = Browser(server.port)
        login_page = stranger.get("/accounts/login/")
        response = stranger.post(
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": login_page.field("csrfmiddlewaretoken"),
                "login": "twoservers",
                "password": "wrong password",
            },
        )
        refusals.append(b"Too many failed login attempts" in response.body)
    assert refusals == [False] * 5 + [True]
