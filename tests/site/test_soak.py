"""The short soak (bench/soak.py): gunicorn, 50 clients posting through the real forms, one worker
SIGKILLed half-way; nothing the server acknowledged may be lost.

Runs on the database the suite runs on: a SQLite scratch file under `make test`, a scratch
PostgreSQL database `<name>_soak` beside the suite's when DATABASE_URL is PostgreSQL (.ci/run).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
SOAK_SECONDS = os.environ.get("SOAK_SECONDS", "15")


@pytest.mark.soak
def test_a_killed_worker_loses_no_acknowledged_post(tmp_path):
    result_file = tmp_path / "soak.json"
    completed = subprocess.run(
        [
            sys.executable,
            "bench/soak.py",
            "--seconds",
            SOAK_SECONDS,
            "--clients",
            "50",
            "--json",
            str(result_file),
        ],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = completed.stdout[-4000:] + completed.stderr[-4000:]
    assert completed.returncode == 0, output
    result = json.loads(result_file.read_text())
    assert result["killed_worker"], output
    assert result["acknowledged"] > 0 and result["found"] == result["acknowledged"], output
    assert result["lost"] == result["duplicated"] == result["server_errors"] == 0, output
    assert not result["count_mismatches"] and not result["version_mismatches"], output
    # Both moderation paths were exercised: approved posts bump the thread, held ones do not.
    assert {"approved", "pending"} <= set(result["stored_by_status"]), output
