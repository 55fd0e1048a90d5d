"""The review page with 1,000 approved comments, over HTTP under gunicorn (one worker, one thread).

    .venv/bin/python bench/reads.py                    # scratch SQLite file, local-memory cache
    .venv/bin/python bench/reads.py --runs 5 --requests 40
    .venv/bin/python bench/reads.py --database-url postgres://postgres@127.0.0.1/marquee_bench \
        --redis-url redis://127.0.0.1:6379/11          # an EMPTY scratch database

For page 1 (50 top-level threads) and for the whole thread on one page
(DJANGO_COMMENTS_PER_PAGE=1000) it measures, for an anonymous reader and for a reader signed in
through the login form: warm (nothing changed since the last request) and after an approval (an
editor approved a comment just before the request, through `comments.moderation.approve`).
Every measured request is preceded by the two floors, in the same run on the same connection:
`trivial` (a constant response behind the same middleware) and `floor` (the page's own bytes
from memory). Medians per run; the spread is the range over runs. See bench/README.md.
"""

import argparse
import gc
import os
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import common  # noqa: E402
from bench.client import Browser  # noqa: E402
from bench.server import Server  # noqa: E402

COMMENT_MARK = b'<article id="comment-'


def pending_replies(review, count):
    """Comments awaiting moderation, replying to comments on page 1, for the editor to approve."""
    from comments.models import Comment

    parents = list(
        Comment.objects.filter(review=review, status="approved", depth__lt=3).order_by("path")[:40]
    )
    rng = random.Random(7)
    made = []
    for n in range(count):
        comment = Comment(
            review=review,
            parent=rng.choice(parents),
            guest_name=f"Waiting {n}",
            guest_email=f"waiting{n}@guest.example",
            body=f"A reply waiting for an editor, number {n}.",
            status="pending",
            held_for="new_commenter",
        )
        comment.save()
        made.append(comment)
    return made


def query_counts(review, per_page):
    """SQL queries of the page, in process (Django's test client, the same settings)."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from comments import moderation

    counts = {}
    extra = pending_replies(review, 2)
    with override_settings(MARQUEE_COMMENTS_PER_PAGE=per_page, ALLOWED_HOSTS=["testserver"]):
        for who in ("anonymous", "signed-in"):
            client = Client()
            if who == "signed-in":
                from django.contrib.auth import get_user_model

                client.force_login(get_user_model().objects.get(username="reader0"))
            url = review.get_absolute_url()
            client.get(url)
            with CaptureQueriesContext(connection) as warm:
                client.get(url)
            moderation.approve(extra.pop())
            with CaptureQueriesContext(connection) as cold:
                client.get(url)
            counts[who] = (len(warm.captured_queries), len(cold.captured_queries))
    return counts


def measure(browser, url, *, requests, before=None, after=None):
    """`requests` rounds of trivial, floor, page; returns the three lists of seconds and the page.
    `before` runs before each round (an approval), `after` after it, untimed."""
    trivial, floor, page = [], [], []
    body = None
    for _ in range(requests):
        if before:
            before()
        # The client's own collector pauses would count as the server's time: collect between rounds.
        gc.collect()
        gc.disable()
        trivial.append(_ok(browser.get("/__bench/trivial/")).elapsed)
        floor.append(_ok(browser.get("/__bench/floor/")).elapsed)
        response = _ok(browser.get(url))
        page.append(response.elapsed)
        body = response.body
        # Not measured: takes the collector's pause that a big page leaves for the next request,
        # which would otherwise land on the next round's trivial floor.
        browser.get("/__bench/trivial/")
        gc.enable()
        if after:
            after()
    return trivial, floor, page, body


def _ok(response):
    if response.status != 200:
        raise RuntimeError(f"HTTP {response.status}: {response.body[:300]!r}")
    return response


def run(args, per_page, review, waiting):
    from comments import moderation

    server = Server(
        database_url=args.database_url,
        redis_url=args.redis_url,
        workers=1,
        threads=1,
        env={"DJANGO_COMMENTS_PER_PAGE": str(per_page)},
    )
    rows = []
    with server:
        url = review.get_absolute_url()

        approved = []

        def approve_one():
            approved.append(waiting.pop())
            moderation.approve(approved[-1])

        def take_back():
            # Every condition reads the same thread: the reply approved for a round is removed
            # after it (untimed), so page 1 does not grow by a comment a round.
            moderation.remove(approved.pop())

        for who in ("anonymous", "signed-in"):
            browser = Browser(server.port)
            if who == "signed-in":
                browser.login("reader0", common.PASSWORD)
            page = _ok(browser.get(url))
            # The floor serves this page's bytes from memory.
            _set_floor(server.port, page.body)
            for state, before, after in (("warm", None, None), ("after approval", approve_one, take_back)):
                runs = []
                for _ in range(args.runs):
                    trivial, floor, timed, body = measure(
                        browser, url, requests=args.requests, before=before, after=after
                    )
                    runs.append(
                        (statistics.median(trivial), statistics.median(floor), statistics.median(timed))
                    )
                rows.append((who, state, len(body), body.count(COMMENT_MARK), runs))
            browser.close()
    return rows


def _set_floor(port, body):
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", "/__bench/floor/set/", body=body, headers={"Content-Type": "text/html"})
    assert connection.getresponse().status == 200
    connection.close()


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the spread is over runs)")
    parser.add_argument("--requests", type=int, default=30, help="measured requests per run (median)")
    parser.add_argument("--comments", type=int, default=1000)
    parser.add_argument(
        "--database-url", default=None, help="an EMPTY scratch database (default: SQLite file)"
    )
    parser.add_argument("--redis-url", default="", help="Redis for the cache (default: local memory)")
    args = parser.parse_args()
    # "After approval" measures the page put together again, so here (server and query counts)
    # every change shows on the next request; production serves anonymous readers the previous
    # page for up to DJANGO_PAGE_CACHE_STALE_MS (500) instead.
    os.environ["DJANGO_PAGE_CACHE_STALE_MS"] = "0"
    common.setup_django(args.database_url, args.redis_url)
    from django.db import connection

    review = common.build_review(args.comments)
    common.make_posters(1, prefix="reader", home_review=review)
    waiting = pending_replies(review, 2 * 2 * args.runs * args.requests + 10)
    print(
        f"Review page, {args.comments} approved comments; {connection.vendor}, "
        f"cache {'Redis' if args.redis_url else 'local memory'}; gunicorn 1 worker x 1 thread; "
        f"{args.runs} runs x {args.requests} requests, each after a trivial and a floor request"
    )
    header = (
        f"{'page':<7} {'reader':<10} {'state':<15} {'KB':>5} {'shown':>6} {'queries':>7} "
        f"{'trivial ms':>10} {'floor ms':>9} {'page ms':>8} {'x trivial':>9} {'x floor':>8}  "
        f"{'x trivial over runs':>19}"
    )
    print(header)
    print("-" * len(header))
    for label, per_page in (("page 1", 50), ("whole", args.comments)):
        counts = query_counts(review, per_page)
        for who, state, size, shown, runs in run(args, per_page, review, waiting):
            trivial = statistics.median(r[0] for r in runs) * 1000
            floor = statistics.median(r[1] for r in runs) * 1000
            page = statistics.median(r[2] for r in runs) * 1000
            ratios = [r[2] / r[0] for r in runs]
            queries = counts[who][0 if state == "warm" else 1]
            print(
                f"{label:<7} {who:<10} {state:<15} {size / 1024:>5.0f} {shown:>6} {queries:>7} "
                f"{trivial:>10.2f} {floor:>9.2f} {page:>8.2f} {page / trivial:>8.1f}x {page / floor:>7.1f}x  "
                f"{min(ratios):>8.1f}x - {max(ratios):.1f}x"
            )


if __name__ == "__main__":
    try:
        main()
    finally:
        common.cleanup()  # the scratch folder (SQLite file, static files)
