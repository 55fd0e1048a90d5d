"""Posting comments over HTTP under gunicorn (4 workers x 4 threads, as in production), and the
mixed load: readers at full speed while posters post and an editor approves.

    .venv/bin/python bench/writes.py                        # scratch SQLite file, local-memory cache
    .venv/bin/python bench/writes.py --posters 8 32 --seconds 15
    .venv/bin/python bench/writes.py --database-url postgres://postgres@127.0.0.1/marquee_bench \
        --redis-url redis://127.0.0.1:6379/11               # a scratch database (dropped and created)

Posting: N signed-in posters (distinct accounts, signed in through the login form), each taking
the comment form's CSRF and anti-tamper tokens from the review page (the form is 3 s old before
the first post, as the anti-tamper check wants) and posting as fast as the server answers, half
of them replies. Beside it the write floor: the same posters POST with their CSRF token to a view
that inserts one row in one transaction and redirects (bench/urls.py).

Mixed: R anonymous readers (a process each) request page 1 of the 1,000-comment review back to back while 8
posters post and an editor approves one held comment a second through the admin's bulk action;
a watcher polls page 1 until each approved comment shows. See bench/README.md.
"""

import argparse
import multiprocessing
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import common  # noqa: E402
from bench.client import Browser  # noqa: E402
from bench.server import Server  # noqa: E402

FORM_MIN_SECONDS = 3.2  # the anti-tamper check stores faster posts as spam


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class Poster:
    def __init__(self, port, username, review, parents):
        self.browser = Browser(port)
        self.username, self.review, self.parents = username, review, parents
        self.post_url = f"/comments/review/{review.pk}/post/"
        self.sent = 0
        self.run = f"{time.time():.6f}"  # bodies differ between runs: no duplicate refusals

    def sign_in(self):
        self.browser.login(self.username, common.PASSWORD)
        page = self.browser.get(self.review.get_absolute_url())
        self.csrf = page.field("csrfmiddlewaretoken")
        self.security = page.field("security")
        self.form_time = time.monotonic()

    def post_comment(self):
        self.sent += 1
        data = {
            "csrfmiddlewaretoken": self.csrf,
            "security": self.security,
            "body": f"{self.username}, thought {self.sent} of run {self.run}: the [b]second[/b] act drags.",
            "parent": str(self.parents[(self.sent * 7) % len(self.parents)]) if self.sent % 2 else "",
            "honeypot": "",
        }
        response = self.browser.post(self.post_url, data)
        # A browser shows "Thanks: your comment is up" on the page it is sent to, which clears the
        # message cookie; posters here do not follow the redirect, so they drop it themselves.
        self.browser.cookies.pop("messages", None)
        return response

    def post_floor(self):
        self.sent += 1
        return self.browser.post(
            "/__bench/write/", {"csrfmiddlewaretoken": self.csrf, "body": f"row {self.sent}"}
        )


def hammer(posters, action, seconds):
    """Every poster runs `action` back to back for `seconds`; returns (latencies, statuses, wall)."""
    latencies, statuses, lock = [], {}, threading.Lock()
    barrier = threading.Barrier(len(posters) + 1)
    stop = []

    def loop(poster):
        barrier.wait()
        while not stop:
            try:
                response = action(poster)
                status, elapsed = response.status, response.elapsed
            except OSError as error:
                status, elapsed = type(error).__name__, None
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if elapsed is not None and status == 302:
                    latencies.append(elapsed)

    threads = [threading.Thread(target=loop, args=(poster,)) for poster in posters]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    time.sleep(seconds)
    stop.append(True)
    for thread in threads:
        thread.join()
    return latencies, statuses, time.perf_counter() - started


def sign_in_all(server, usernames, review, parents):
    posters = [Poster(server.port, name, review, parents) for name in usernames]
    for poster in posters:
        poster.sign_in()
    wait = FORM_MIN_SECONDS - (time.monotonic() - posters[-1].form_time)
    if wait > 0:
        time.sleep(wait)
    return posters


def posting(args, server, review, parents, log):
    from comments.models import Comment

    rows = []
    for count in args.posters:
        posters = sign_in_all(server, [f"poster{i}" for i in range(count)], review, parents)
        for label, action in (("floor", Poster.post_floor), ("comment", Poster.post_comment)):
            before = Comment.objects.filter(review=review).count()
            locked_before = log.read_text().count("database is locked")
            latencies, statuses, wall = hammer(posters, action, args.seconds)
            ok = statuses.get(302, 0)
            stored = Comment.objects.filter(review=review).count() - before if label == "comment" else ok
            rows.append(
                {
                    "posters": count,
                    "what": label,
                    "per_second": ok / wall,
                    "p50": percentile(latencies, 0.5) * 1000,
                    "p99": percentile(latencies, 0.99) * 1000,
                    "errors": sum(n for status, n in statuses.items() if status != 302),
                    "statuses": statuses,
                    "locked": log.read_text().count("database is locked") - locked_before,
                    "stored": stored,
                    "ok": ok,
                }
            )
        for poster in posters:
            poster.browser.close()
    return rows


def reader_process(port, url, stop, results):
    """An anonymous reader requesting `url` back to back until `stop`, in a process of its own:
    the posters' client threads never hold its interpreter lock while it reads the clock."""
    browser = Browser(port)
    latencies = []
    while not stop.is_set():
        response = browser.get(url)
        latencies.append(response.elapsed if response.status == 200 else float("inf"))
    browser.close()
    results.put(latencies)


def _post_into(result, posters, seconds):
    latencies, statuses, wall = hammer(posters, Poster.post_comment, seconds)
    result.update(post_latencies=latencies, statuses=statuses, wall=wall)


def mixed(args, server, review, parents, waiting):
    url = review.get_absolute_url()
    # Idle: one reader alone on the server.
    idle = Browser(server.port)
    for _ in range(20):
        idle.get(url)
    idle_times = [idle.get(url).elapsed for _ in range(100)]
    idle.close()
    # Readers alone at full speed, then with posters and the editor.
    results = {}
    for phase in ("readers alone", "mixed"):
        processes = multiprocessing.get_context("fork")
        stop, reads = processes.Event(), processes.Queue()
        readers = [
            processes.Process(target=reader_process, args=(server.port, url, stop, reads))
            for _ in range(args.readers)
        ]
        posters, visible, post_result = [], [], {}
        if phase == "mixed":
            posters = sign_in_all(server, [f"poster{i}" for i in range(8)], review, parents)
            editor = Browser(server.port)
            editor.login("editor0", common.PASSWORD)
            changelist = editor.get("/admin/comments/comment/")
            editor_csrf = changelist.field("csrfmiddlewaretoken")
        for thread in readers:
            thread.start()
        if phase == "mixed":
            post_thread = threading.Thread(
                target=_post_into, args=(post_result, posters, args.seconds), daemon=True
            )
            post_thread.start()
            watcher = Browser(server.port)
            deadline = time.monotonic() + args.seconds
            while time.monotonic() < deadline - 1 and waiting:
                tick = time.monotonic()
                comment = waiting.pop()
                response = editor.post(
                    "/admin/comments/comment/",
                    {
                        "csrfmiddlewaretoken": editor_csrf,
                        "action": "approve_selected",
                        "_selected_action": str(comment.pk),
                        "index": "0",
                        "select_across": "0",
                    },
                )
                approved_at = time.monotonic()
                assert response.status == 302, (response.status, response.body[:300])
                mark = f'id="comment-{comment.pk}"'.encode()
                while mark not in watcher.get(url).body:
                    if time.monotonic() - approved_at > 10:
                        break
                    time.sleep(0.02)
                visible.append(time.monotonic() - approved_at)
                time.sleep(max(0, 1 - (time.monotonic() - tick)))
            post_thread.join()
            watcher.close()
            editor.close()
        else:
            time.sleep(args.seconds)
        stop.set()
        latencies = [elapsed for _ in readers for elapsed in reads.get()]
        for process in readers:
            process.join()
        results[phase] = {"latencies": latencies, "visible": visible, **post_result}
    return idle_times, results


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posters", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--seconds", type=float, default=10, help="length of each measurement")
    parser.add_argument("--readers", type=int, default=4, help="readers at full speed in the mixed load")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--skip-mixed", action="store_true")
    parser.add_argument("--skip-posting", action="store_true")
    parser.add_argument("--database-url", default=None, help="a scratch database, dropped and created")
    parser.add_argument("--redis-url", default="", help="Redis for the cache (default: local memory)")
    args = parser.parse_args()
    if args.database_url:
        common.fresh_postgres(args.database_url)
    common.setup_django(args.database_url, args.redis_url)
    from django.contrib.auth.models import Group
    from django.db import connection

    from bench.reads import pending_replies
    from comments.models import Comment

    review = common.build_review(1000)
    home = common.build_review(1)
    common.make_posters(max(args.posters), home_review=home)
    editor = common.make_posters(1, prefix="editor")[0]
    editor.is_staff = True
    editor.save()
    editor.groups.add(Group.objects.get(name="Editors"))
    parents = list(
        Comment.objects.filter(review=review, status="approved", depth__lt=4).values_list("pk", flat=True)[
            :300
        ]
    )
    waiting = pending_replies(review, int(args.seconds) + 5)
    log = common.scratch_dir() / "gunicorn.log"
    log.write_text("")
    cache = "Redis" if args.redis_url else "local memory"
    load = Path("/proc/loadavg").read_text().split()[0]
    print(
        f"Posting on {connection.vendor}, cache {cache}; gunicorn {args.workers} workers x "
        f"{args.threads} threads; {args.seconds:.0f} s per figure; load average at start {load}"
    )
    with Server(
        database_url=args.database_url,
        redis_url=args.redis_url,
        workers=args.workers,
        threads=args.threads,
        log=log,
    ) as server:
        rows = [] if args.skip_posting else posting(args, server, review, parents, log)
        header = (
            f"{'posters':>7} {'what':<8} {'per s':>7} {'x floor':>8} {'p50 ms':>7} {'p99 ms':>7} "
            f"{'errors':>6} {'locked':>6} {'stored':>6}  statuses"
        )
        print(header)
        print("-" * len(header))
        floors = {row["posters"]: row["per_second"] for row in rows if row["what"] == "floor"}
        for row in rows:
            print(
                f"{row['posters']:>7} {row['what']:<8} {row['per_second']:>7.1f} "
                f"{row['per_second'] / floors[row['posters']]:>7.2f}x {row['p50']:>7.0f} {row['p99']:>7.0f} "
                f"{row['errors']:>6} {row['locked']:>6} {row['stored']:>6}  {row['statuses']}"
            )
        if not args.skip_mixed:
            idle, results = mixed(args, server, review, parents, waiting)
            idle_p50 = statistics.median(idle) * 1000
            print(
                f"\nMixed load, page 1 of the 1,000-comment review: {args.readers} anonymous readers at full "
                f"speed; one reader alone on the idle server: p50 {idle_p50:.1f} ms"
            )
            for phase, result in results.items():
                reads = result["latencies"]
                p50, p99 = percentile(reads, 0.5) * 1000, percentile(reads, 0.99) * 1000
                p90 = percentile(reads, 0.9) * 1000
                print(
                    f"  {phase:<14} reads/s {len(reads) / args.seconds:>6.1f}  p50 {p50:>6.1f} ms"
                    f"  p90 {p90:>6.1f} ms  p99 {p99:>6.1f} ms ({p99 / idle_p50:.1f}x idle p50)"
                    f"  max {max(reads) * 1000:.0f} ms"
                )
            result = results["mixed"]
            posts, seen = result["post_latencies"], result["visible"]
            print(
                f"  posts/s {result['statuses'].get(302, 0) / result['wall']:.1f} (p50 "
                f"{percentile(posts, 0.5) * 1000:.0f} ms, p99 {percentile(posts, 0.99) * 1000:.0f} ms, "
                f"statuses {result['statuses']})"
            )
            median_seen = statistics.median(seen) * 1000
            print(
                f"  approved {len(seen)}; visible on page 1 after: median {median_seen:.0f} ms,"
                f" max {max(seen) * 1000:.0f} ms"
            )


if __name__ == "__main__":
    try:
        main()
    finally:
        common.cleanup()  # the scratch folder (SQLite file, static files, gunicorn's log)
