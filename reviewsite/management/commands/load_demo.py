"""Load the demo site. Idempotent: a second run changes nothing.

Each app keeps its own demo content in `<app>/demo.py` with a `load(stdout)` function;
this command runs them in dependency order and prints the logins.

`--scale N` adds a large catalogue on top, for load tests and benchmarks: N films with credits
and reviews, and 200 comments per film on average in realistic trees (most reviews a handful,
a few thousands), written in batches (`reviews/scale.py`, `comments/scale.py`). Each run adds
a new set.
"""

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import demo as accounts_demo
from comments import demo as comments_demo
from comments import scale as comments_scale
from reviews import demo as reviews_demo
from reviews import scale as reviews_scale

COMMENTS_PER_FILM = 200
MAX_COMMENTS = 1_000_000


class Command(BaseCommand):
    help = "Create demo users, films, reviews and comments (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--long-thread",
            type=int,
            default=0,
            metavar="N",
            help="also give one review N comments (for Lighthouse and the screenshots)",
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            metavar="N",
            help="also add N films with reviews and about 200*N comments (1000: 200,000 comments)",
        )
        parser.add_argument(
            "--comments", type=int, default=None, help="with --scale: this many comments instead"
        )
        parser.add_argument("--seed", type=int, default=2026, help="with --scale: the random seed")

    def handle(self, *args, scale=0, comments=None, seed=2026, long_thread=0, **options):
        with transaction.atomic():
            accounts_demo.load()
            reviews_demo.load()
            comments_demo.load()
            if long_thread:
                added = comments_demo.load_long_thread(long_thread)
                if added:
                    self.stdout.write(f"A long thread: {added} comments on {comments_demo.LONG_THREAD_FILM}.")
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Logins:"))
        for user in accounts_demo.DEMO_USERS:
            self.stdout.write(f"  {user.role:<8} {user.username:<8} password: {user.password}")
        if scale:
            self.load_scale(scale, COMMENTS_PER_FILM * scale if comments is None else comments, seed)

    def load_scale(self, films, comments, seed):
        if films < 0 or not 0 <= comments <= MAX_COMMENTS:
            raise CommandError(f"--scale must be positive and --comments at most {MAX_COMMENTS}.")
        rng = random.Random(seed)
        started = time.monotonic()
        self.stdout.write(f"Adding {films} films and {comments} comments...")
        with transaction.atomic():
            review_ids = reviews_scale.load(films, rng=rng, stdout=self.stdout)
            accounts = comments_scale.commenters(max(10, comments // 100), stamp=f"{seed}-{time.time():.0f}")
        sizes = comments_scale.load(review_ids, comments, rng=rng, accounts=accounts, stdout=self.stdout)
        largest = max(sizes.values(), default=0)
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {films} films, {len(review_ids)} reviews and {comments} comments "
                f"(largest thread {largest} approved) in {time.monotonic() - started:.0f} s."
            )
        )
