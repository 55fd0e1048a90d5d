"""Run by the concurrency tests in a subprocess against a file-backed SQLite database.

THREADS threads post POSTS comments each through the real posting view. With --identical they
all post the same comment (same guest, review and text) at the same moment, to race the
duplicate check. With --one-account LIMIT they all post as one signed-in account whose hourly
cap is LIMIT, to race the flood check. Prints "stored=<n> errors=<n> statuses=<...>".

Usage: DATABASE_URL=sqlite:////tmp/x.sqlite3 \
    python tests/comments/concurrent_posting.py THREADS POSTS [--identical | --one-account LIMIT]
"""

import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviewsite.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from comments.forms import make_security_token  # noqa: E402
from comments.models import Comment  # noqa: E402


def payload(number, post, *, identical):
    if identical:
        return {"body": "Same words, twice.", "name": "Pat", "email": "pat@guest.example"}
    return {
        "body": f"Thread {number}, comment {post}: the second act drags.",
        "name": f"Guest {number}",
        "email": f"guest{number}@guest.example",
    }


def main(threads, posts, *, identical=False, one_account_limit=None):
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Let every request reach the step under test (storage, or the duplicate check).
    settings.MARQUEE_MODERATION_FLOOD_SECONDS = 0
    settings.MARQUEE_MODERATION_GUEST_IP_PER_HOUR = 100_000
    settings.MARQUEE_MODERATION_GUEST_EMAIL_PER_HOUR = 100_000
    settings.MARQUEE_MODERATION_ACCOUNT_PER_HOUR = one_account_limit or 100_000
    call_command("migrate", verbosity=0)
    from tests import factories

    review = factories.ReviewFactory()
    account = factories.VerifiedUserFactory() if one_account_limit else None
    url = reverse("comments:comment-post", args=[review.pk])
    token = make_security_token(review.pk, time.time() - 60)
    barrier = threading.Barrier(threads)
    statuses, errors, lock = Counter(), [], threading.Lock()

    def worker(number):
        client = Client(raise_request_exception=True)
        if account is not None:
            client.force_login(account)
        try:
            barrier.wait()
            for post in range(posts):
                response = client.post(
                    url,
                    {**payload(number, post, identical=identical), "security": token},
                    REMOTE_ADDR=f"10.0.{number}.{post + 1}",
                )
                with lock:
                    statuses[response.status_code] += 1
        except Exception as exc:  # noqa: BLE001 - reported to the test
            with lock:
                errors.append(repr(exc))
        finally:
            connection.close()

    workers = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    stored = Comment.objects.filter(review=review).count()
    print(f"stored={stored} errors={len(errors)} statuses={dict(sorted(statuses.items()))}")
    for error in errors[:5]:
        print(error)


if __name__ == "__main__":
    options = sys.argv[3:]
    main(
        int(sys.argv[1]),
        int(sys.argv[2]),
        identical="--identical" in options,
        one_account_limit=int(options[1]) if options[:1] == ["--one-account"] else None,
    )
