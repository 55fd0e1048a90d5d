"""Concurrent posting on a file-backed SQLite database: nothing lost to "database is locked"."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("concurrent_posting.py")


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "sqlite").split(":")[0] not in ("sqlite", ""),
    reason="SQLite's locking is what this checks",
)
def test_eight_threads_posting_forty_comments_each_store_all_320(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'concurrent.sqlite3'}", "REDIS_URL": ""}
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "8", "40"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "stored=320 errors=0 statuses={302: 320}" in result.stdout, result.stdout + result.stderr[-3000:]
