"""The hot queries use indexes at a realistic size: no full scan of the comments table.

Builds 30,000 comments over 100 reviews in realistic trees (comments/scale.py), ANALYZEs, then
requests the pages the way people do (the review page, the archive, search, the moderation queue,
posting as an account and as a guest, so the flood checks run) and asks the database for the plan
of every query they sent that reads comments: SQLite's EXPLAIN QUERY PLAN must not say
"SCAN comments_comment" and PostgreSQL's EXPLAIN must not contain a "Seq Scan" on it.
"""

import datetime
import json
import random
import re
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments import scale as comments_scale
from comments.forms import make_security_token
from comments.models import Comment
from reviews import scale as reviews_scale
from reviews.models import Review
from tests import factories

pytestmark = pytest.mark.django_db

ALIAS_RE = re.compile(r'"comments_comment"\s+(?:AS\s+)?"?(\w+)"?', re.IGNORECASE)


def full_scans(sql):
    """The plan's full scans of the comments table (empty when it uses indexes)."""
    names = {"comments_comment", *ALIAS_RE.findall(sql)}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            details = [row[-1] for row in cursor.fetchall()]
            return [d for d in details if re.match(r"SCAN (\w+)", d) and d.split()[1] in names]
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        found, nodes = [], [plan[0]["Plan"]]
        while nodes:
            node = nodes.pop()
            if node["Node Type"].endswith("Seq Scan") and node.get("Relation Name") == "comments_comment":
                found.append(f"Seq Scan on comments_comment ({node.get('Filter', 'no filter')})")
            nodes.extend(node.get("Plans", []))
        return found


def reads_comments(sql):
    return "comments_comment" in sql and sql.lstrip().upper().startswith(
        ("SELECT", "UPDATE", "DELETE", "WITH")
    )


@pytest.fixture
def catalogue(settings):
    settings.MARQUEE_MODERATION_FLOOD_SECONDS = 15
    rng = random.Random(11)
    review_ids = reviews_scale.load(60, rng=rng)[:100]
    accounts = comments_scale.commenters(300, stamp="idx")
    sizes = comments_scale.load(review_ids, 30_000, rng=rng, accounts=accounts, largest=3000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # The page people read most: a thread of about a thousand comments.
    busiest = min(sizes, key=lambda pk: abs(sizes[pk] - 1000))
    return Review.objects.get(pk=busiest)


def test_hot_queries_read_comments_through_indexes(client, catalogue):
    # The detector itself: a search of every body is a full scan on both databases.
    assert full_scans("""SELECT "id" FROM "comments_comment" WHERE "body" LIKE '%%keeper%%'""")
    review = catalogue
    editor = factories.ModeratorFactory()
    reader = factories.VerifiedUserFactory()
    known = factories.CommentFactory(review=review, author=reader, guest_name="", guest_email="")
    Comment.objects.filter(pk=known.pk).update(created_at=known.created_at - datetime.timedelta(hours=2))
    post_url = reverse("comments:comment-post", args=[review.pk])
    token = make_security_token(review.pk, time.time() - 60)
    some_comment = Comment.objects.filter(review=review, status="approved").order_by("-path").first()

    def as_reader(c):
        c.force_login(reader)

    visits = {
        "review page": [review.get_absolute_url(), review.get_absolute_url() + "?page=3"],
        "review page, signed in": [(as_reader, review.get_absolute_url())],
        "permalink": [some_comment.get_absolute_url()],
        "archive": [reverse("reviews:review-list"), reverse("reviews:review-list") + "?page=2"],
        "search": [reverse("reviews:search") + "?q=harbour"],
        "moderation queue": [(lambda c: c.force_login(editor), reverse("admin:comments_comment_changelist"))],
    }
    plans, checked = {}, {}
    for area, urls in visits.items():
        for url in urls:
            client.logout()
            if isinstance(url, tuple):
                url[0](client)
                url = url[1]
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url, follow=True).status_code == 200, url
            for query in captured.captured_queries:
                if reads_comments(query["sql"]):
                    checked[area] = checked.get(area, 0) + 1
                    plans[(area, query["sql"][:300])] = full_scans(query["sql"])
    # The flood checks: an account's and a guest's post (and the rest of the posting path).
    posts = {
        "posting, account": (reader, {"body": "An account's thought.", "security": token}),
        "posting, guest": (
            None,
            {"body": "A guest's thought.", "name": "Pat", "email": "pat@guest.example", "security": token},
        ),
    }
    for area, (user, data) in posts.items():
        client.logout()
        if user:
            client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.post(post_url, data).status_code == 302
        flood = [
            q["sql"]
            for q in captured.captured_queries
            if "created_at" in q["sql"] and reads_comments(q["sql"])
        ]
        assert flood, f"{area}: no flood check ran"
        for sql in (q["sql"] for q in captured.captured_queries if reads_comments(q["sql"])):
            checked[area] = checked.get(area, 0) + 1
            plans[(area, sql[:300])] = full_scans(sql)
    assert {
        "review page",
        "review page, signed in",
        "moderation queue",
        "posting, account",
        "posting, guest",
    } <= set(checked), checked
    scans = {key: found for key, found in plans.items() if found}
    assert not scans, "\n\n".join(f"{area}: {sql}\n  -> {found}" for (area, sql), found in scans.items())
