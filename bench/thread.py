"""Benchmark: the review page with 10, 100, 1,000 and 5,000 approved comments.

    .venv/bin/python bench/thread.py                 # all sizes, a throwaway SQLite file
    .venv/bin/python bench/thread.py 1000 --runs 50  # one size, more runs
    DATABASE_URL=postgres://... .venv/bin/python bench/thread.py   # an EMPTY scratch database

For each N it reports the SQL queries of the review page for an anonymous reader and the median
in-process time of a GET through the whole middleware stack (Django's test client): warm (the page
cached), cold (the first request after the thread changed: everything keyed by its version
misses) and cleared (every cache empty); each as a ratio to a "floor" view returning the same
bytes from memory, measured in the same run (interleaved with the warm page).
See bench/README.md for how to read the figures.
"""

import argparse
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
_scratch = None
if not os.environ.get("DATABASE_URL"):
    _scratch = Path(tempfile.mkdtemp(prefix="marquee-bench-")) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{_scratch}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviewsite.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, RequestFactory, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import urls as bench_urls  # noqa: E402
from comments.markup import render  # noqa: E402
from comments.models import PATH_STEP, Comment  # noqa: E402
from comments.templatetags.comment_threads import comment_thread  # noqa: E402
from reviews.models import Critic, Film, Review  # noqa: E402

SIZES = [10, 100, 1000, 5000]
BODIES = [
    "Saw it twice. The [b]second[/b] time the ending landed much harder.",
    "I thought the middle hour dragged, but the last twenty minutes make up for it.\n\nFour stars from me.",
    '[quote="Ann"]The score does half the work.[/quote]\n\nMore than half, I would say.',
    "Careful: [spoiler]the keeper was the narrator all along[/spoiler]. Loved it.",
    "More about the director here: https://example.org/director-interview",
]


def build_review(n, *, seed=1):
    """A published review with `n` approved comments: ~40% top-level, depth up to 5."""
    rng = random.Random(seed + n)
    critic = Critic.objects.create(name=f"Bench Critic {n}", slug=f"bench-critic-{n}", title="Critic")
    film = Film.objects.create(title=f"Bench Film {n}", slug=f"bench-film-{n}", year=2024)
    review = Review.objects.create(
        film=film,
        critic=critic,
        headline=f"Bench review with {n} comments",
        slug=f"bench-review-{n}",
        lowdown="For measuring.",
        body="A first paragraph.\n\nA second paragraph.",
        status="published",
        published_at=timezone.now() - timezone.timedelta(days=1),
    )
    rendered = [render(body) for body in BODIES]
    start = (Comment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    rows, placed = [], []
    now = timezone.now()
    for index in range(n):
        pk = start + index
        parent = None
        if placed and rng.random() >= 0.4:
            candidates = [row for row in placed[-60:] if row.depth < 5]
            parent = rng.choice(candidates) if candidates else None
        which = rng.randrange(len(BODIES))
        row = Comment(
            pk=pk,
            review=review,
            parent_id=parent.pk if parent else None,
            depth=parent.depth + 1 if parent else 0,
            path=(parent.path if parent else "") + f"{pk:0{PATH_STEP}d}",
            guest_name=f"Reader {index}",
            guest_email=f"reader{index}@guest.example",
            body=BODIES[which],
            body_html=rendered[which],
            status="approved",
            created_at=now,
        )
        rows.append(row)
        placed.append(row)
    with transaction.atomic():
        Comment.objects.bulk_create(rows, batch_size=500)
        review.bump_thread(count_delta=n)
    review.refresh_from_db()
    return review


def timed_get(client, url):
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, response


def timed_tag(review):
    request = RequestFactory().get(review.get_absolute_url())
    request.user = AnonymousUser()
    request.session = SessionStore()
    started = time.perf_counter()
    comment_thread({"request": request}, review)
    return time.perf_counter() - started


def measure(review, runs):
    client = Client()
    url = review.get_absolute_url()
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        _, response = timed_get(client, url)
    queries_cleared = len(captured.captured_queries)  # read now: the next request resets the log
    with CaptureQueriesContext(connection) as captured:
        _, response = timed_get(client, url)
    queries_warm = len(captured.captured_queries)
    review.bump_thread()
    with CaptureQueriesContext(connection) as captured:
        timed_get(client, url)
    queries_changed = len(captured.captured_queries)
    # The floor: the same bytes from memory, through the same middleware, in the same run.
    bench_urls.FLOOR["body"] = response.content
    # Floor and warm interleaved, so that a change in the machine's speed moves both alike; cold
    # apart, since the garbage of a cold render would slow whichever request came next.
    floor, warm, cold = [], [], []
    gc.collect()
    for _ in range(runs):
        floor.append(timed_get(client, "/__bench_floor__/")[0])
        warm.append(timed_get(client, url)[0])
    # Cold: the first request after the thread changed (as when an editor approves a comment):
    # everything keyed by the thread's version misses (the page, the thread's pages, its layout
    # and section), and what does not depend on the thread (the review around it) is cached.
    for _ in range(runs):
        review.bump_thread()
        cold.append(timed_get(client, url)[0])
    assert timed_get(client, url)[1].content.count(b'<article id="comment-') == response.content.count(
        b'<article id="comment-'
    )
    # Cleared: every cache empty, as after a deploy that flushed it.
    cleared = []
    for _ in range(runs):
        cache.clear()
        cleared.append(timed_get(client, url)[0])
    # The comments section alone ({% comment_thread review %}), to separate it from the rest of the page.
    loaded = Review.objects.select_related("film", "critic").get(pk=review.pk)
    tag_cold, tag_warm = [], []
    for _ in range(runs):
        cache.clear()
        tag_cold.append(timed_tag(loaded))
    tag_warm = [timed_tag(loaded) for _ in range(runs)]
    return {
        "bytes": len(response.content),
        "comments_on_page": response.content.count(b'<article id="comment-'),
        "queries_cleared": queries_cleared,
        "queries_warm": queries_warm,
        "queries_changed": queries_changed,
        "cold_ms": statistics.median(cold) * 1000,
        "cleared_ms": statistics.median(cleared) * 1000,
        "warm_ms": statistics.median(warm) * 1000,
        "floor_ms": statistics.median(floor) * 1000,
        "tag_cold_ms": statistics.median(tag_cold) * 1000,
        "tag_warm_ms": statistics.median(tag_warm) * 1000,
    }


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("sizes", nargs="*", type=int, default=SIZES)
    parser.add_argument("--runs", type=int, default=30, help="timed requests per measurement (median)")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(f"Database: {connection.vendor}; cache: {cache.__class__.__name__}; runs: {args.runs}")
    header = (
        f"{'N':>6} {'on page':>8} {'KB':>6} {'queries cleared/cold/warm':>26} "
        f"{'floor ms':>9} {'warm ms':>8} {'warm x':>7} {'cold ms':>8} {'cold x':>7} "
        f"{'cleared ms':>11} {'cleared x':>10} "
        f"{'thread warm ms':>15} {'thread cold ms':>15}"
    )
    print(header)
    print("-" * len(header))
    with override_settings(ROOT_URLCONF="bench.urls"):
        for n in args.sizes:
            review = build_review(n)
            result = measure(review, args.runs)
            print(
                f"{n:>6} {result['comments_on_page']:>8} {result['bytes'] / 1024:>6.0f} "
                f"{result['queries_cleared']:>18}/{result['queries_changed']}/{result['queries_warm']:<5} "
                f"{result['floor_ms']:>9.2f} {result['warm_ms']:>8.2f} "
                f"{result['warm_ms'] / result['floor_ms']:>6.1f}x "
                f"{result['cold_ms']:>8.2f} {result['cold_ms'] / result['floor_ms']:>6.1f}x "
                f"{result['cleared_ms']:>11.2f} {result['cleared_ms'] / result['floor_ms']:>9.1f}x "
                f"{result['tag_warm_ms']:>15.2f} {result['tag_cold_ms']:>15.2f}"
            )
    if _scratch:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{_scratch}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
