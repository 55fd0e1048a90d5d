"""Shared by the benchmarks: Django set up against a scratch database, and the data they need."""

import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
PASSWORD = "bench-poster-password-2026"
SCRATCH = None


def scratch_dir():
    global SCRATCH
    if SCRATCH is None:
        SCRATCH = Path(tempfile.mkdtemp(prefix="marquee-bench-"))
    return SCRATCH


def environment(database_url=None, redis_url=""):
    """The `make serve` settings (DEBUG off, hashed static files, plain http) plus the bench's
    floor views (bench/settings.py); a scratch SQLite file unless a database is given."""
    database_url = database_url or f"sqlite:///{scratch_dir() / 'bench.sqlite3'}"
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_DEBUG": "0",
        "DJANGO_STATIC_MANIFEST": "1",
        "DJANGO_STATIC_ROOT": str(scratch_dir() / "static"),
        "DJANGO_MEDIA_ROOT": str(scratch_dir() / "media"),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_CACHE_PREFIX": "bench",
        # As in production (README): the web process stores notifications for `db_worker`.
        "DJANGO_TASKS_BACKEND": "database",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        # Posters post as fast as they can: the flood limits are for people.
        "DJANGO_MODERATION_FLOOD_SECONDS": "0",
        "DJANGO_MODERATION_ACCOUNT_PER_HOUR": "1000000",
        "DJANGO_MODERATION_GUEST_EMAIL_PER_HOUR": "1000000",
        "DJANGO_MODERATION_GUEST_IP_PER_HOUR": "1000000",
    }


def setup_django(database_url=None, redis_url=""):
    """Configure this process like the server (same database and cache) and migrate."""
    sys.path.insert(0, str(ROOT))
    os.environ.update(environment(database_url, redis_url))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if not (Path(os.environ["DJANGO_STATIC_ROOT"]) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)


def build_review(n, *, seed=1):
    """A published review of a new film with `n` approved comments in a realistic tree."""
    from django.utils import timezone

    from comments import scale
    from reviews.models import Critic, Film, Review

    rng = random.Random(seed + n)
    suffix = f"{n}-{timezone.now():%H%M%S%f}"
    critic = Critic.objects.create(
        name=f"Bench Critic {suffix}", slug=f"bench-critic-{suffix}", title="Critic"
    )
    film = Film.objects.create(title=f"Bench Film {suffix}", slug=f"bench-film-{suffix}", year=2024)
    review = Review.objects.create(
        film=film,
        critic=critic,
        headline=f"Bench review with {n} comments",
        slug=f"bench-review-{suffix}",
        lowdown="For measuring.",
        body="A first paragraph.\n\nA second paragraph.",
        status="published",
        published_at=timezone.now() - timezone.timedelta(days=1),
    )
    accounts = scale.commenters(50, stamp=suffix)
    scale.add_thread(review, n, rng=rng, accounts=accounts, statuses=[scale.Comment.Status.APPROVED])
    return review


def make_posters(count, *, prefix="poster", home_review=None):
    """Signed-in posters: accounts with a verified e-mail and an approved comment on `home_review`
    (so their comments are published at once, the common case), password PASSWORD."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    User = get_user_model()
    hashed = make_password(PASSWORD)
    users = []
    for i in range(count):
        user, _ = User.objects.get_or_create(
            username=f"{prefix}{i}", defaults={"email": f"{prefix}{i}@example.com", "password": hashed}
        )
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        users.append(user)
    from comments.models import Comment

    if not home_review:
        return users
    for user in users:
        if not Comment.objects.filter(author=user, status="approved").exists():
            Comment(review=home_review, author=user, body="Hello.", status="approved").save()
    return users


def fresh_postgres(database_url):
    """Drop and create the scratch database `database_url` names (its name must contain "bench")."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(database_url)
    name = config["NAME"]
    if "bench" not in name:
        raise SystemExit(f"Refusing to drop {name!r}: a bench database's name contains 'bench'.")
    with psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def cleanup():
    if SCRATCH is not None:
        shutil.rmtree(SCRATCH, ignore_errors=True)
