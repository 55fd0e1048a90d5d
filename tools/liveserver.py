"""A production-like server for the audit tools (`make lighthouse`, `make screenshots`).

The same settings as `make serve` (DEBUG off, hashed and compressed static files, gunicorn with
gthread workers), on a free port, over the demo database; started, waited for, and stopped.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"

SERVE_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_STATIC_MANIFEST": "1",
    "DJANGO_SECRET_KEY": os.environ.get(
        "DJANGO_SECRET_KEY", f"local-audit-{socket.gethostname()}-not-for-production"
    ),
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_SECURE_COOKIES": "0",
    "DJANGO_HSTS_SECONDS": "0",
    "DJANGO_SERVE_MEDIA": "1",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving(workers=2):
    """Yield the base URL of a running gunicorn; stop it (and only it) afterwards."""
    env = {**os.environ, **SERVE_ENV}
    subprocess.run(
        [BIN / "python", "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            BIN / "gunicorn",
            "reviewsite.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--worker-class",
            "gthread",
            "--workers",
            str(workers),
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=2).close()  # noqa: S310 - our own server
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"gunicorn did not start on {base}")
                time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
