"""Soak with a fault: real forms over HTTP under gunicorn, one worker SIGKILLed half-way.

    .venv/bin/python bench/soak.py                      # 60 s, 50 clients, SQLite scratch file
    .venv/bin/python bench/soak.py --seconds 15         # the short version (tests/site/test_soak.py)
    DATABASE_URL=postgres://postgres@127.0.0.1/marquee bench/soak.py   # scratch database marquee_soak

What it does, all on 127.0.0.1 and bounded in time and count:

1. A scratch database (a SQLite file in a temporary folder, or for PostgreSQL `<name>_soak`,
   dropped and created again), migrated, with the demo data, scratch media and static folders.
   Some soak accounts and guest addresses are "known" (verified, one approved comment), the rest
   new, so posts take both the approved and the held path.
2. gunicorn on a free port with `make serve`'s settings (DEBUG off, hashed static files, gthread
   workers), the flood limits off through the environment (DJANGO_MODERATION_FLOOD_SECONDS=0,
   and the per-hour limits high): every client comes from 127.0.0.1 and the soak measures
   storage, not refusals.
3. `--clients` simulated people with stdlib http.client, each with its own cookies: readers
   (anonymous and signed in) and posters (guests, and accounts that sign in through the real
   login form). A poster loads the review page (or a comment's reply page), reads the form's
   CSRF and anti-tamper tokens, waits the few seconds a person would (the form refuses faster
   posts as spam), posts a body carrying a unique token, and follows the redirect.
4. Half-way through, one gunicorn worker is killed with SIGKILL (the master starts another).

Then, with the server stopped, the database is checked: every post the server acknowledged
(a 302 to `#comment-<id>`) is stored exactly once, with that id; no token is stored twice; no
5xx; connection errors only for requests in flight when the worker died; each review's
`approved_comment_count` equals its approved rows, and its `thread_version` grew by exactly
the number of approved comments the soak stored on it. Exit status 1 if any check fails.
"""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

HOST = "127.0.0.1"
PASSWORD = "soak-password-2026"
FORM_WAIT = 3.2  # MARQUEE_COMMENTS_FORM_MIN_SECONDS is 3: a form posted sooner is kept as spam
ERROR_TEXT = re.compile(r'class="[^"]*(?:alert|invalid-feedback)[^"]*"[^>]*>\s*(?:<p[^>]*>)?([^<]{0,160})')
ACKNOWLEDGED = re.compile(r"#comment-(\d+)$")
TOKEN = re.compile(r"soak-[0-9a-f]+-\d+-\d+")
COMMENT_ID = re.compile(r'id="comment-(\d+)"')


# --- The scratch site ----------------------------------------------------------------------


def scratch_database(base_url, folder):
    """A DATABASE_URL for an empty scratch database, and a function that drops it."""
    if not base_url or base_url.startswith("sqlite"):
        return f"sqlite:///{folder / 'soak.sqlite3'}", lambda: None
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(base_url)
    name = f"{config['NAME']}_soak"
    admin = {"host": config["HOST"] or None, "port": config["PORT"] or None, "user": config["USER"]}
    admin.update(password=config["PASSWORD"] or None, dbname="postgres", autocommit=True)

    def run(sql):
        with psycopg.connect(**{k: v for k, v in admin.items() if v is not None}) as connection:
            connection.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # a scratch left by a run that was killed
    run(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(base_url)
    return parts._replace(path=f"/{name}").geturl(), lambda: run(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    )


def server_environment(database_url, folder):
    env = dict(os.environ)
    # `make serve` (Makefile SERVE_ENV): DEBUG off, hashed static files, plain http.
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_STATIC_MANIFEST="1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_HSTS_SECONDS="0",
        DJANGO_SERVE_MEDIA="1",
    )
    env["DJANGO_SETTINGS_MODULE"] = "reviewsite.settings"
    env.setdefault("DJANGO_SECRET_KEY", "soak-only-secret-key-not-for-production-0123456789abcdef")
    env.update(
        DATABASE_URL=database_url,
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_MEDIA_ROOT=str(folder / "media"),
        DJANGO_STATIC_ROOT=str(folder / "static"),
        DJANGO_TASKS_BACKEND="immediate",
        DJANGO_CACHE_PREFIX=f"soak-{os.getpid()}",
        DJANGO_LOG_LEVEL="WARNING",
        # Storage, not refusals: every client comes from 127.0.0.1.
        DJANGO_MODERATION_FLOOD_SECONDS="0",
        DJANGO_MODERATION_GUEST_IP_PER_HOUR="1000000",
        DJANGO_MODERATION_ACCOUNT_PER_HOUR="1000000",
        DJANGO_MODERATION_GUEST_EMAIL_PER_HOUR="1000000",
    )
    return env


def manage(env, *args, stdout=None):
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, stdout=stdout)


@dataclass
class Identity:
    kind: str  # "guest" or "account"
    name: str
    email: str
    known: bool


def seed(run_id, posters):
    """Soak accounts and guest addresses; the known ones get one approved comment each."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from comments import moderation
    from comments.models import Comment, VerifiedGuestEmail
    from reviews.models import Review

    review = Review.objects.published().order_by("-published_at").last()
    identities = []
    for number in range(posters):
        # By fours: a known guest, a new guest, a known account, a new account.
        kind = "guest" if number % 4 < 2 else "account"
        known = number % 2 == 0
        name = f"soak{run_id}x{number}"
        email = f"{name}@soak.example"
        identities.append(Identity(kind, name, email, known))
        if kind == "account":
            user = get_user_model().objects.create_user(name, email, PASSWORD, display_name=f"Soak {number}")
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if not known:
            continue
        comment = Comment(review=review, body=f"Known commenter {name}.", status=Comment.Status.APPROVED)
        if kind == "account":
            comment.author = user
        else:
            VerifiedGuestEmail.objects.create(email=email)
            comment.guest_name, comment.guest_email = f"Soak Guest {number}", email
        moderation.post(comment)
    return identities


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_gunicorn(env, folder, workers, threads):
    port = free_port()
    log = open(folder / "gunicorn.log", "wb")  # noqa: SIM115 - closed by stop_gunicorn
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "reviewsite.wsgi",
            "--bind",
            f"{HOST}:{port}",
            "--worker-class",
            "gthread",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "60",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited: see {folder / 'gunicorn.log'}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/")
            if connection.getresponse().status == 200 and len(worker_pids(process.pid)) >= workers:
                return process, port, log
        except OSError:
            pass
        time.sleep(0.5)
    process.kill()
    raise SystemExit("gunicorn did not answer within 90 s")


def worker_pids(master):
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def stop_gunicorn(process, log):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


# --- The clients ---------------------------------------------------------------------------


class FormParser(HTMLParser):
    """The fields of the forms on a page: {form id or action: {name: value}}."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.current, self.textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {"_action": attrs.get("action", "")}
            self.forms[attrs.get("id") or attrs.get("action", "")] = self.current
        elif self.current is None:
            return
        elif tag == "input" and attrs.get("name"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.current[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = attrs["name"]
            self.current[self.textarea] = ""

    def handle_data(self, data):
        if self.current is not None and self.textarea:
            self.current[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.current = None


def forms_of(html):
    parser = FormParser()
    parser.feed(html)
    return parser.forms


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter = field(default_factory=Counter)
    requests: int = 0
    cut: list = field(default_factory=list)  # (started, ended, what) of requests without a response
    server_errors: list = field(default_factory=list)
    posts: int = 0
    acknowledged: dict = field(default_factory=dict)  # token -> comment id
    refused: Counter = field(default_factory=Counter)
    refusals: list = field(default_factory=list)
    unseen: list = field(default_factory=list)  # acknowledged, but not on the page redirected to
    logins: int = 0


class Cut(Exception):
    """The connection broke before a response (the worker died under it)."""


class Client:
    def __init__(self, port, tally):
        self.port, self.tally, self.cookies = port, tally, {}

    def request(self, method, path, form=None):
        headers = {"Host": f"{HOST}:{self.port}", "User-Agent": "marquee-soak/1", "Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            with self.tally.lock:
                self.tally.requests += 1
                self.tally.cut.append((started, time.monotonic(), f"{method} {path}: {exc!r}"))
            raise Cut from exc
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        with self.tally.lock:
            self.tally.requests += 1
            self.tally.statuses[response.status] += 1
            if response.status >= 500:
                self.tally.server_errors.append(f"{method} {path}: {response.status}")
        return response.status, response.headers.get("Location", ""), text

    def sign_in(self, identity, attempts=3):
        # Tried again when cut by the kill, or refused because allauth counts every sign-in in
        # flight against "10 failed a minute per IP" until it succeeds, and all 20 come from
        # 127.0.0.1 at once, each spending a second on the password hash.
        for attempt in range(attempts):
            try:
                return self._sign_in(identity)
            except (Cut, RuntimeError):
                if attempt == attempts - 1:
                    raise
                time.sleep(random.uniform(2, 6))

    def _sign_in(self, identity):
        _, _, page = self.request("GET", "/accounts/login/")
        form = next((f for f in forms_of(page).values() if "login" in f and "password" in f), None)
        if form is None:
            raise RuntimeError("no login form on /accounts/login/")
        form.update(login=identity.name, password=PASSWORD)
        status, location, answer = self.request("POST", "/accounts/login/", form)
        if status != 302:
            errors = [error.strip() for error in ERROR_TEXT.findall(answer)]
            raise RuntimeError(f"sign-in of {identity.name} answered {status}: {errors}")
        with self.tally.lock:
            self.tally.logins += 1


def reader(client, review_paths, deadline):
    pages = ["/", "/reviews/", "/critics/", "/feeds/reviews/rss/", "/search/?q=night"]
    while time.monotonic() < deadline:
        path = random.choice(review_paths) if random.random() < 0.6 else random.choice(pages)
        try:
            status, _, page = client.request("GET", path)
            ids = COMMENT_ID.findall(page)
            if ids and random.random() < 0.3:
                client.request("GET", f"/comments/{random.choice(ids)}/")
        except Cut:
            pass
        time.sleep(random.uniform(0.2, 1.0))


def poster(client, identity, review_paths, deadline, run_id, number):
    sequence = 0
    while time.monotonic() < deadline:
        try:
            status, _, page = client.request("GET", random.choice(review_paths))
            ids = COMMENT_ID.findall(page)
            if ids and random.random() < 0.25:  # a reply, through the reply page's form
                status, _, page = client.request("GET", f"/comments/{random.choice(ids)}/reply/")
            form = forms_of(page).get("comment-form")
            if status != 200 or form is None:
                continue
            time.sleep(FORM_WAIT + random.uniform(0, 1.5))  # reading, then typing
            if time.monotonic() >= deadline:
                break
            token = f"soak-{run_id}-{number}-{sequence}"
            sequence += 1
            form["body"] = f"{token}: the [b]second act[/b] drags, but the ending lands."
            if identity.kind == "guest":
                form.update(name=f"Soak Guest {number}", email=identity.email)
            with client.tally.lock:
                client.tally.posts += 1
            status, location, answer = client.request("POST", form["_action"], form)
            match = ACKNOWLEDGED.search(location) if status == 302 else None
            if not match:
                reason = ERROR_TEXT.search(answer)
                with client.tally.lock:
                    client.tally.refused[status] += 1
                    client.tally.refusals.append(
                        f"{status} {location} {reason.group(1).strip() if reason else ''}"
                    )
                continue
            with client.tally.lock:
                client.tally.acknowledged[token] = int(match.group(1))
            # Read your own write: the page redirected to shows the comment (or "awaiting").
            shown_status, _, shown = client.request("GET", location.split("#")[0])
            if token not in shown:
                with client.tally.lock:
                    client.tally.unseen.append((token, shown_status, location))
        except Cut:
            continue


# --- The run -------------------------------------------------------------------------------


def kill_one_worker(master, at, tally, report):
    time.sleep(max(0, at - time.monotonic()))
    workers = worker_pids(master)
    if not workers:
        report["killed"] = None
        return
    victim = random.choice(workers)
    report["kill_time"] = time.monotonic()
    os.kill(victim, signal.SIGKILL)
    report["killed"] = victim


def check(tally, identities, baseline, kill_time):
    from django.db.models import Count, Q

    from comments.models import Comment
    from reviews.models import Review

    soak = Comment.objects.filter(body__startswith="soak-")
    stored = Counter()
    rows = {}
    for pk, body, status, review_id in soak.values_list("pk", "body", "status", "review_id"):
        token = TOKEN.match(body).group(0)
        stored[token] += 1
        rows[token] = (pk, status, review_id)
    acknowledged = tally.acknowledged
    found = [t for t, pk in acknowledged.items() if stored[t] == 1 and rows[t][0] == pk]
    lost = [t for t in acknowledged if stored[t] == 0]
    wrong_id = [t for t, pk in acknowledged.items() if stored[t] == 1 and rows[t][0] != pk]
    duplicated = [t for t, n in stored.items() if n > 1]
    unacknowledged = [t for t in stored if t not in acknowledged]
    cut_outside_kill = [c for c in tally.cut if kill_time is None or not (c[0] <= kill_time <= c[1] + 0.5)]

    counts = Review.objects.annotate(
        approved_rows=Count("comments", filter=Q(comments__status=Comment.Status.APPROVED))
    ).values_list("pk", "approved_comment_count", "approved_rows", "thread_version")
    approved_by_soak = Counter(review for _, status, review in rows.values() if status == "approved")
    count_mismatch, version_mismatch = [], []
    for pk, count, approved_rows, version in counts:
        if count != approved_rows:
            count_mismatch.append((pk, count, approved_rows))
        if version - baseline[pk] != approved_by_soak[pk]:
            version_mismatch.append((pk, version - baseline[pk], approved_by_soak[pk]))
    statuses = Counter(status for _, status, _ in rows.values())
    return {
        "requests": tally.requests,
        "posts": tally.posts,
        "acknowledged": len(acknowledged),
        "found": len(found),
        "lost": len(lost),
        "wrong_id": len(wrong_id),
        "duplicated": len(duplicated),
        "stored_unacknowledged": len(unacknowledged),
        "stored_by_status": dict(statuses),
        "refused_by_status": dict(tally.refused),
        "responses_by_status": dict(sorted(tally.statuses.items())),
        "server_errors": len(tally.server_errors),
        "cut_by_kill": len(tally.cut) - len(cut_outside_kill),
        "cut_outside_kill": len(cut_outside_kill),
        "unseen_after_redirect": len(tally.unseen),
        "count_mismatches": count_mismatch,
        "version_mismatches": version_mismatch,
        "logins": tally.logins,
        "examples": {
            "lost": lost[:5],
            "duplicated": duplicated[:5],
            "server_errors": tally.server_errors[:5],
            "cut_outside_kill": [c[2] for c in cut_outside_kill[:5]],
            "unseen": tally.unseen[:5],
            "refused": tally.refusals[:5],
        },
    }


def failures(result, killed):
    problems = []
    for key in (
        "lost",
        "wrong_id",
        "duplicated",
        "server_errors",
        "cut_outside_kill",
        "unseen_after_redirect",
    ):
        if result[key]:
            problems.append(f"{key}={result[key]}")
    if result["count_mismatches"]:
        problems.append(f"approved_comment_count differs from the rows: {result['count_mismatches']}")
    if result["version_mismatches"]:
        problems.append(f"thread_version growth differs from approved posts: {result['version_mismatches']}")
    if not result["acknowledged"]:
        problems.append("no post was acknowledged")
    if not killed:
        problems.append("no worker was killed")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="length of the traffic (default 60)")
    parser.add_argument("--clients", type=int, default=50, help="simulated people (default 50)")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 3)))
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder and database")
    parser.add_argument("--json", help="also write the result to this file")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 200 or not 1 <= args.seconds <= 1800:
        parser.error("--clients 1..200 and --seconds 1..1800")

    folder = Path(tempfile.mkdtemp(prefix="marquee-soak-"))
    database_url, drop_database = scratch_database(os.environ.get("DATABASE_URL", ""), folder)
    env = server_environment(database_url, folder)
    engine = "postgresql" if database_url.startswith("postgres") else "sqlite"
    print(f"soak: {engine} scratch database, folder {folder}", flush=True)
    started = time.monotonic()
    try:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_demo", stdout=subprocess.DEVNULL)
        manage(env, "collectstatic", "--noinput", "-v0")
        os.environ.update(env)
        import django

        django.setup()
        from django.conf import settings
        from django.db import connections

        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the seed's receipts

        from reviews.models import Review

        run_id = f"{os.getpid():x}{int(time.time()) % 100000:x}"
        posters = args.clients * 3 // 5
        identities = seed(run_id, posters)
        open_reviews = [r for r in Review.objects.published().select_related("film") if r.comments_are_open()]
        review_paths = [r.get_absolute_url() for r in open_reviews[:4]]
        baseline = dict(Review.objects.values_list("pk", "thread_version"))
        connections.close_all()

        process, port, log = start_gunicorn(env, folder, args.workers, args.threads)
        print(
            f"soak: gunicorn {process.pid} on {HOST}:{port}, {args.workers} workers x {args.threads} "
            f"threads, set up in {time.monotonic() - started:.0f} s; "
            f"{args.clients} clients for {args.seconds:.0f} s",
            flush=True,
        )
        tally = Tally()
        report = {}
        try:
            begin = time.monotonic()
            deadline = begin + args.seconds
            threads = []
            for number, identity in enumerate(identities):
                client = Client(port, tally)

                def run(client=client, identity=identity, number=number):
                    try:
                        if identity.kind == "account":
                            client.sign_in(identity)
                        poster(client, identity, review_paths, deadline, run_id, number)
                    except (Cut, RuntimeError) as exc:
                        print(f"soak: poster {number} stopped: {exc!r}", flush=True)

                threads.append(threading.Thread(target=run, daemon=True))
            for number in range(args.clients - posters):
                client = Client(port, tally)
                accounts = [identity for identity in identities if identity.kind == "account"]
                readers_identity = accounts[number % len(accounts)] if number % 3 == 0 and accounts else None

                def read(client=client, identity=readers_identity):
                    try:
                        if identity is not None:
                            client.sign_in(identity)
                    except (Cut, RuntimeError):
                        pass
                    reader(client, review_paths, deadline)

                threads.append(threading.Thread(target=read, daemon=True))
            for thread in threads:
                thread.start()
                time.sleep(0.02)
            killer = threading.Thread(
                target=kill_one_worker, args=(process.pid, begin + args.seconds / 2, tally, report)
            )
            killer.start()
            for thread in threads:
                thread.join(timeout=max(1, deadline + 90 - time.monotonic()))
            killer.join()
            stuck = sum(thread.is_alive() for thread in threads)
            elapsed = time.monotonic() - begin
        finally:
            stop_gunicorn(process, log)
        result = check(tally, identities, baseline, report.get("kill_time"))
        result.update(
            database=engine,
            clients=args.clients,
            seconds=round(elapsed, 1),
            killed_worker=report.get("killed"),
            stuck_clients=stuck,
        )
        problems = failures(result, report.get("killed"))
        if stuck:
            problems.append(f"{stuck} clients did not finish")
        result["problems"] = problems
        print(json.dumps(result, indent=2), flush=True)
        print(
            f"soak {engine}: requests={result['requests']} acknowledged={result['acknowledged']} "
            f"found={result['found']} lost={result['lost']} duplicated={result['duplicated']} "
            f"5xx={result['server_errors']} cut by the kill={result['cut_by_kill']} "
            f"-> {'OK' if not problems else 'FAILED: ' + '; '.join(problems)}",
            flush=True,
        )
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=2))
        return 1 if problems else 0
    finally:
        if "django.db" in sys.modules and os.environ.get("DJANGO_SETTINGS_MODULE"):
            from django.db import connections

            connections.close_all()
        if args.keep:
            print(f"soak: kept {folder} and {database_url}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
            drop_database()


if __name__ == "__main__":
    sys.exit(main())
