"""Where a comment POST spends its time: cProfile over the real view, in process.

    .venv/bin/python bench/profile_post.py            # 300 posts by a signed-in known commenter
    .venv/bin/python bench/profile_post.py 500 --top 40 --sort tottime
    .venv/bin/python bench/profile_post.py --cpu --database-url postgres://…/marquee_bench --redis-url redis://…/11

A throwaway SQLite file, `make serve` settings (DEBUG off), the whole middleware stack through
Django's test client, each post a reply or a top-level comment on a review with 1,000 comments.
Prints the SQL queries of one post, the mean time per post and the profile's top functions.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import common  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("posts", nargs="?", type=int, default=300)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="no profile: the CPU time of a post and of the write floor, alternating (medians)",
    )
    parser.add_argument("--database-url", default=None, help="a scratch database, dropped and created")
    parser.add_argument("--redis-url", default="", help="Redis for the cache (default: local memory)")
    return parser.parse_args()


def main(args):
    if args.database_url:
        common.fresh_postgres(args.database_url)
    common.setup_django(args.database_url, args.redis_url)
    os.environ["DJANGO_STATIC_MANIFEST"] = "0"
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from comments.forms import make_security_token

    review = common.build_review(1000)
    user = common.make_posters(1, home_review=common.build_review(1))[0]
    client = Client()
    client.force_login(user)
    url = reverse("comments:comment-post", args=[review.pk])
    token = make_security_token(review.pk, time.time() - 60)
    parents = list(review.comments.values_list("pk", flat=True)[:200])

    def post(n):
        data = {"body": f"Post {n}: the [b]second[/b] act drags, but the ending lands.", "security": token}
        if n % 2:
            data["parent"] = str(parents[n % len(parents)])
        response = client.post(url, data)
        client.cookies.pop("messages", None)  # the page it redirects to would show and clear it
        assert response.status_code == 302, (response.status_code, response.content[:500])

    post(0)
    if args.cpu:
        post_cpu, floor_cpu = [], []
        for n in range(2, args.posts + 2):
            started = time.process_time()
            post(n)
            post_cpu.append(time.process_time() - started)
            started = time.process_time()
            assert client.post("/__bench/write/", {"body": f"row {n}"}).status_code == 302
            floor_cpu.append(time.process_time() - started)
        post_ms, floor_ms = statistics.median(post_cpu) * 1000, statistics.median(floor_cpu) * 1000
        print(
            f"CPU per request, median of {args.posts}: comment POST {post_ms:.2f} ms, write floor "
            f"{floor_ms:.2f} ms, floor/post {floor_ms / post_ms:.2f}"
        )
        return
    with CaptureQueriesContext(connection) as captured:
        post(1)
    print(f"Queries for one post (a reply): {len(captured.captured_queries)}")
    for query in captured.captured_queries:
        print("   ", query["sql"][:150])
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for n in range(2, args.posts + 2):
        post(n)
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(f"\n{args.posts} posts: {elapsed / args.posts * 1000:.2f} ms per post (profiled, in process)\n")
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_MODERATION_FLOOD_SECONDS", "0")
    try:
        main(parse_args())
    finally:
        common.cleanup()  # the scratch folder (SQLite file, static files)
