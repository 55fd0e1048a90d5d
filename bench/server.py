"""Start gunicorn with the `make serve` settings on a free port, wait until it answers, stop it.

    with Server(workers=1, threads=1) as server:      # a scratch SQLite file
        server.url("/")
    Server(database_url="postgres://...", redis_url="redis://...")   # a given database and cache

Static files are collected once per scratch folder (hashed names, as `make serve` does).
Also usable from the command line, for poking at a bench server by hand:

    .venv/bin/python bench/server.py [--workers 4 --threads 4]   # prints its address, Ctrl-C stops
"""

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import common  # noqa: E402

PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def collectstatic(env):
    root = Path(env["DJANGO_STATIC_ROOT"])
    if (root / "staticfiles.json").exists():
        return
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=common.ROOT, env=env, check=True
    )


class Server:
    def __init__(
        self, *, database_url=None, redis_url="", workers=1, threads=1, env=None, port=None, log=None
    ):
        self.env = {**os.environ, **common.environment(database_url, redis_url), **(env or {})}
        self.workers, self.threads = workers, threads
        self.port = port or free_port()
        self.process = None
        self.log = log  # a file for gunicorn's output (errors, "database is locked"); default: ours

    def url(self, path=""):
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self, timeout=60):
        if self.env.get("DJANGO_STATIC_MANIFEST") == "1":
            collectstatic(self.env)
        self._log_file = open(self.log, "a") if self.log else None  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "reviewsite.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--worker-class",
                "gthread",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--backlog",
                "2048",
                "--log-level",
                "warning",
            ],
            cwd=common.ROOT,
            env=self.env,
            start_new_session=True,
            stdout=self._log_file,
            stderr=subprocess.STDOUT if self._log_file else None,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url("/robots.txt"), timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer on port {self.port} within {timeout} s")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if getattr(self, "_log_file", None):
            self._log_file.close()
            self._log_file = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    common.setup_django(os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL", ""))
    with Server(
        database_url=os.environ.get("DATABASE_URL"),
        redis_url=os.environ.get("REDIS_URL", ""),
        workers=args.workers,
        threads=args.threads,
    ) as server:
        print(f"Serving on {server.url('/')} (Ctrl-C stops)")
        with contextlib.suppress(KeyboardInterrupt):
            server.process.wait()


if __name__ == "__main__":
    try:
        main()
    finally:
        common.cleanup()  # the scratch folder (SQLite file, static files)
