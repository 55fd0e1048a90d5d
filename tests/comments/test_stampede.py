"""After an editor approves a comment on a busy page, one request builds the new page of the
thread while the other readers wait for it, and every one of them sees the new comment."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.request import urlopen

import pytest

from comments import moderation, thread
from tests import factories

READERS = 20


@pytest.mark.django_db(transaction=True)
def test_readers_right_after_an_approval_build_the_thread_page_once(live_server, monkeypatch):
    review = factories.ReviewFactory(film__title="The Long Reel")
    for number in range(30):
        factories.CommentFactory(review=review, body=f"Thought number {number}.")
    url = live_server.url + review.get_absolute_url()
    assert "Thought number 29." in urlopen(url).read().decode()  # noqa: S310 - our live server
    moderation.approve(factories.CommentFactory(review=review, status="pending", body="Newly approved."))

    builds = []
    build = thread.render_page

    def slow_build(*args, **kwargs):
        builds.append(threading.get_ident())
        time.sleep(0.3)  # long enough for every other reader to arrive while it runs
        return build(*args, **kwargs)

    monkeypatch.setattr(thread, "render_page", slow_build)
    start = threading.Barrier(READERS)

    def read(_):
        start.wait()
        return urlopen(url, timeout=30).read().decode()  # noqa: S310 - our live server

    with ThreadPoolExecutor(READERS) as pool:
        pages = list(pool.map(read, range(READERS)))
    assert len(builds) == 1
    assert all("Newly approved." in page and "31 thoughts on The Long Reel" in page for page in pages)


@pytest.mark.django_db
def test_a_reader_builds_the_page_itself_when_the_builder_is_gone(monkeypatch):
    review = factories.ReviewFactory()
    factories.CommentFactory(review=review, body="Still shown.")
    review.refresh_from_db()
    monkeypatch.setattr(thread, "BUILD_WAIT_SECONDS", 0.1)
    number, _ = thread.thread_page(review)
    thread.html_cache().clear()
    # Another process took the lock and died: after the short wait this reader builds the page.
    key = f"thread-page:{review.pk}:{review.thread_version}:1:{50}:{number}"
    assert thread.html_cache().add(f"{key}:building", 1)
    began = time.monotonic()
    _, html = thread.thread_page(review)
    assert "Still shown." in html
    assert 0.1 <= time.monotonic() - began < 2
