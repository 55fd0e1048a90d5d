"""Run by test_moderation_views.py in a subprocess against a file-backed SQLite database.

N threads post the same comment (same author, same review, same text) at the same moment
through the real posting view. Prints "stored=<n> statuses=<...> errors=<n>".
Usage: DATABASE_URL=sqlite:////tmp/x.sqlite3 python tests/comments/moderation_race.py THREADS
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


def main(threads):
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.MARQUEE_MODERATION_FLOOD_SECONDS = 0  # let every request reach the duplicate check
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    from tests import factories

    review = factories.ReviewFactory()
    url = reverse("comments:comment-post", args=[review.pk])
    token = make_security_token(review.pk, time.time() - 60)
    barrier = threading.Barrier(threads)
    statuses, errors, lock = Counter(), [], threading.Lock()

    def worker(number):
        client = Client(raise_request_exception=True)
        try:
            barrier.wait()
            response = client.post(
                url,
                {
                    "body": "Same words, twice.",
                    "name": "Pat",
                    "email": "pat@guest.example",
                    "security": token,
                },
                REMOTE_ADDR=f"10.0.0.{number + 1}",
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
    print(f"stored={stored} statuses={dict(sorted(statuses.items()))} errors={len(errors)}")
    for error in errors[:5]:
        print(error)


if __name__ == "__main__":
    main(int(sys.argv[1]))
