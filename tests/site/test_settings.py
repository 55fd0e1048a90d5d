"""The foundation: settings parsing, the SQLite pragmas, check --deploy, the secret key rule."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections, transaction

BASE_DIR = Path(settings.BASE_DIR)


def run_manage(*args, env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite pragmas only")
@pytest.mark.django_db(transaction=True)
def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path, settings):
    # The test database is in memory (WAL does not apply there), so open a file-backed one
    # with exactly the production options.
    from django.db.backends.sqlite3.base import DatabaseWrapper

    options = dict(connection.settings_dict)
    options["NAME"] = str(tmp_path / "wal.sqlite3")
    options["OPTIONS"] = dict(settings.DATABASES["default"]["OPTIONS"])
    wrapper = DatabaseWrapper(options, alias="wal-check")
    connections["wal-check"] = wrapper
    try:
        with wrapper.cursor() as cursor:
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
            assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 20_000
        assert wrapper.transaction_mode == "IMMEDIATE"
        with transaction.atomic(using="wal-check"):
            # IMMEDIATE holds the write lock from BEGIN: a second writer cannot start.
            other = sqlite3.connect(options["NAME"], timeout=0)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            other.close()
    finally:
        wrapper.close()
        del connections["wal-check"]


def test_check_deploy_passes_with_production_variables():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            "DJANGO_SECRET_KEY": "a-production-secret-" + "x7Q2!kP9" * 8,
            "DJANGO_ALLOWED_HOSTS": "marquee.example",
            "DJANGO_BEHIND_PROXY": "1",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_missing_secret_key_with_debug_off_names_the_variable():
    result = run_manage("check", env_overrides={})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_behind_the_proxy_allauth_counts_rate_limits_per_client_not_per_proxy(rf, settings):
    from allauth.account.adapter import get_adapter

    shell = "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    base = {"DJANGO_DEBUG": "1"}
    behind = run_manage("shell", "-c", shell, env_overrides={**base, "DJANGO_BEHIND_PROXY": "1"})
    direct = run_manage("shell", "-c", shell, env_overrides=base)
    assert (behind.stdout.split()[-1], direct.stdout.split()[-1]) == ("1", "0"), behind.stderr + direct.stderr

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.7")
    assert get_adapter(request).get_client_ip(request) == "198.51.100.7"
