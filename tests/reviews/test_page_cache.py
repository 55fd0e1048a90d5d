"""The whole-page cache of the review page for anonymous, cookie-less readers (reviewsite/pagecache.py).

Whether a reader got the shared cached copy shows in what they read: `behind_the_cache` changes the
headline without touching the review, so only a freshly rendered page's <title> shows it (the
fragments inside the page are keyed by the review's `updated_at` and keep the old one too).
"""

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
from django.conf import settings
from django.core import signing
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client

from comments import moderation
from comments.forms import SIGNER_SALT
from comments.models import Comment, HeldFor
from reviews.models import Review
from reviewsite import pagecache
from tests import factories

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SECURITY = re.compile(r'name="security" value="([^"]+)"')


@pytest.fixture
def review(db):
    review = factories.ReviewFactory(film__title="The Long Reel", headline="A grand night out")
    for _ in range(3):
        factories.CommentFactory(review=review)
    review.refresh_from_db()
    return review


def behind_the_cache(review, headline="Changed behind the cache"):
    Review.objects.filter(pk=review.pk).update(headline=headline)
    return headline


def title(response):
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


def tokens(html):
    return CSRF.search(html).group(1), SECURITY.search(html).group(1)


def without_tokens(html):
    return SECURITY.sub("SECURITY", CSRF.sub("CSRF", html))


def test_a_hit_returns_the_same_page_with_fresh_tokens(client, review):
    first = client.get(review.get_absolute_url()).content.decode()
    behind_the_cache(review)
    later = time.time() + 100
    with mock.patch("comments.forms.time.time", return_value=later):
        second = client.get(review.get_absolute_url()).content.decode()
    assert without_tokens(first) == without_tokens(second)  # the cached copy: the old headline
    assert "A grand night out" in second and second.count('<article id="comment-') == 3
    assert tokens(first)[0] != tokens(second)[0]
    value = signing.Signer(salt=SIGNER_SALT).unsign(tokens(second)[1])
    assert value == f"{review.pk}:{int(later)}"
    assert "\x00" not in second


def test_a_cached_page_is_the_page_as_rendered_without_the_cache(client, review):
    client.get(review.get_absolute_url())
    cached = client.get(review.get_absolute_url())
    other = Client()
    other.cookies["messages"] = "not-a-cached-page"  # a reader the cache must not serve
    fresh = other.get(review.get_absolute_url())
    assert without_tokens(cached.content.decode()) == without_tokens(fresh.content.decode())
    assert cached["ETag"] and cached["Content-Type"] == "text/html; charset=utf-8"


def test_a_hit_costs_at_most_one_query(client, review, django_assert_max_num_queries):
    client.get(review.get_absolute_url())
    with django_assert_max_num_queries(1):
        response = client.get(review.get_absolute_url())
    assert response.status_code == 200 and b"A grand night out" in response.content


def test_the_tokens_of_a_cached_page_work_for_posting(review, settings):
    settings.MARQUEE_COMMENTS_FORM_MIN_SECONDS = 0
    settings.MARQUEE_MODERATION_FLOOD_SECONDS = 0
    reader = Client(enforce_csrf_checks=True)
    Client().get(review.get_absolute_url())  # another reader fills the cache
    page = reader.get(review.get_absolute_url())
    assert page.cookies[settings.CSRF_COOKIE_NAME].value
    csrf_token, security = tokens(page.content.decode())
    response = reader.post(
        f"/comments/review/{review.pk}/post/",
        {
            "csrfmiddlewaretoken": csrf_token,
            "security": security,
            "body": "Posted from a cached page.",
            "name": "Pat Guest",
            "email": "pat@guest.example",
            "honeypot": "",
        },
    )
    assert response.status_code == 302
    comment = Comment.objects.get(body="Posted from a cached page.")
    assert comment.status == Comment.Status.PENDING  # not spam: the anti-tamper token passed
    assert comment.held_for not in (HeldFor.TAMPER, HeldFor.HONEYPOT)


def test_a_cached_page_without_a_csrf_cookie_sets_one(client, review):
    client.get(review.get_absolute_url())
    response = Client().get(review.get_absolute_url())
    assert response.cookies[settings.CSRF_COOKIE_NAME].value


def test_signed_in_readers_never_get_the_cached_page(client, review):
    client.get(review.get_absolute_url())
    headline = behind_the_cache(review)
    reader = Client()
    reader.force_login(factories.VerifiedUserFactory())
    page = reader.get(review.get_absolute_url())
    assert headline in title(page) and headline not in title(client.get(review.get_absolute_url()))
    assert "private" in page["Cache-Control"]
    assert b"Sign out" in page.content


def test_staff_previews_are_never_cached(client, review):
    review.status = "draft"
    review.save()
    staff = Client()
    staff.force_login(factories.EditorFactory(is_staff=True))
    assert b"Not published." in staff.get(review.get_absolute_url()).content
    assert client.get(review.get_absolute_url()).status_code == 404
    headline = behind_the_cache(review)
    page = staff.get(review.get_absolute_url())
    assert headline in title(page) and "private" in page["Cache-Control"]


@pytest.mark.parametrize("cookie", [settings.SESSION_COOKIE_NAME, "messages"])
def test_requests_with_a_session_or_messages_cookie_are_not_served_from_the_cache(client, review, cookie):
    client.get(review.get_absolute_url())
    headline = behind_the_cache(review)
    other = Client()
    other.cookies[cookie] = "anything"
    assert headline in title(other.get(review.get_absolute_url()))
    assert headline not in title(client.get(review.get_absolute_url()))


def test_a_newly_approved_comment_shows_on_the_very_next_request(client, review):
    pending = factories.CommentFactory(review=review, status="pending", body="Held back, then approved.")
    assert b"Held back, then approved." not in client.get(review.get_absolute_url()).content
    assert b"Held back, then approved." not in client.get(review.get_absolute_url()).content
    moderation.approve(pending)
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Held back, then approved." in page and "4 thoughts on The Long Reel" in page


def test_after_a_thread_change_the_page_is_built_from_cached_fragments_and_the_new_thread(
    client, review, django_assert_max_num_queries
):
    client.get(review.get_absolute_url())
    pending = factories.CommentFactory(review=review, status="pending", body="Approved since.")
    moderation.approve(pending)
    # The film box, critic box and the other comments come from their fragments: the review,
    # then the thread's layout, the page's keys and the new comment in full.
    with django_assert_max_num_queries(4):
        page = client.get(review.get_absolute_url()).content.decode()
    other = Client()
    other.cookies["messages"] = "not-a-cached-page"
    fresh = other.get(review.get_absolute_url()).content.decode()
    assert without_tokens(page) == without_tokens(fresh)
    assert "Approved since." in page and "4 thoughts on The Long Reel" in page
    assert '"commentCount": 4' in page and "\x00" not in page


def test_the_thread_heading_says_thought_for_one_comment(client, review):
    client.get(review.get_absolute_url())
    for comment in review.comments.order_by("pk")[1:]:
        moderation.remove(comment)
    page = client.get(review.get_absolute_url()).content.decode()
    assert "1 thought on The Long Reel" in page and '"commentCount": 1' in page


def test_a_review_edit_renders_the_page_again(client, review):
    client.get(review.get_absolute_url())
    review.headline = "A headline edited after caching"
    review.save()
    page = client.get(review.get_absolute_url()).content.decode()
    assert "A headline edited after caching" in page and page.count('<article id="comment-') == 3


@pytest.mark.parametrize("change", ["review", "film", "critic"])
def test_an_edit_shows_on_the_very_next_request(client, review, change):
    client.get(review.get_absolute_url())
    client.get(review.get_absolute_url())
    if change == "review":
        review.headline = "An edited headline"
        review.save()
        expected = "An edited headline"
    elif change == "film":
        review.film.synopsis = "An edited synopsis."
        review.film.save()
        expected = "An edited synopsis."
    else:
        review.critic.bio = "An edited biography."
        review.critic.save()
        expected = "An edited biography."
    assert expected in client.get(review.get_absolute_url()).content.decode()


def test_pages_of_the_thread_do_not_collide(client, review, settings):
    settings.MARQUEE_COMMENTS_PER_PAGE = 2
    first, last = review.comments.order_by("path")[0], review.comments.order_by("path")[2]
    for _ in range(2):
        page_one = client.get(review.get_absolute_url()).content.decode()
        page_two = client.get(f"{review.get_absolute_url()}?page=2").content.decode()
        assert f'id="comment-{first.pk}"' in page_one and f'id="comment-{last.pk}"' not in page_one
        assert f'id="comment-{last.pk}"' in page_two and f'id="comment-{first.pk}"' not in page_two


def test_other_query_strings_are_rendered_but_not_cached(client, review):
    url = f"{review.get_absolute_url()}?utm_source=newsletter"
    paged = f"{review.get_absolute_url()}?page=1"
    assert client.get(url).status_code == 200 and client.get(paged).status_code == 200
    headline = behind_the_cache(review)
    assert headline in title(client.get(url))
    assert headline not in title(client.get(paged))


def test_hosts_do_not_share_a_cached_page(client, review, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    client.get(review.get_absolute_url())
    page = client.get(review.get_absolute_url(), HTTP_HOST="other.example").content.decode()
    assert 'href="http://other.example/reviews/' in page


def test_publishing_a_review_updates_the_pages_that_name_its_film_as_known_for(client, catalogue):
    us = Review.objects.get(slug="us")
    us.status = "draft"
    us.save()
    html = client.get("/reviews/get-out/").content.decode()
    assert "<cite>Us</cite>" in html and 'href="/reviews/us/"' not in html
    client.get("/reviews/get-out/")
    us.status = "published"
    us.save()
    assert '<a href="/reviews/us/"><cite>Us</cite></a>' in client.get("/reviews/get-out/").content.decode()


def test_head_requests_get_the_cached_page_headers(client, review):
    page = client.get(review.get_absolute_url())
    head = client.head(review.get_absolute_url())
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == page["ETag"] and head["Content-Length"] == page["Content-Length"]


# --- reviewsite.pagecache on its own -----------------------------------------------------------


def counting(render):
    calls = []

    def counted(extra_context):
        calls.append(extra_context)
        return render(extra_context)

    return counted, calls


def test_values_in_slots_are_fresh_and_the_page_is_rendered_once(rf):
    request = rf.get("/somewhere/")
    render, calls = counting(
        lambda extra: HttpResponse(
            f"<p>{extra['csrf_token']}</p><p>{pagecache.fresh_value(request, 'csrf')}</p>"
        )
    )
    key = pagecache.cache_key(request, "v1")
    first = pagecache.serve(request, key, render).content.decode()
    second = pagecache.serve(request, key, render).content.decode()
    assert len(calls) == 1
    assert re.fullmatch(r"<p>(\w{64})</p><p>\1</p>", first) and re.fullmatch(
        r"<p>(\w{64})</p><p>\1</p>", second
    )
    assert first != second


def test_a_page_that_took_a_token_outside_the_slots_is_not_stored(rf):
    request = rf.get("/somewhere/")
    render, calls = counting(lambda extra: HttpResponse(f"<p>{get_token(request)}</p>"))
    key = pagecache.cache_key(request, "v1")
    pagecache.serve(request, key, render)
    pagecache.serve(request, key, render)
    assert len(calls) == 2


def test_keys_differ_by_extra_parts_host_and_page_and_refuse_other_query_strings(rf, settings):
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    keys = {
        pagecache.cache_key(rf.get("/r/", HTTP_HOST="a.example"), "v1"),
        pagecache.cache_key(rf.get("/r/", HTTP_HOST="a.example"), "v2"),
        pagecache.cache_key(rf.get("/r/", HTTP_HOST="b.example"), "v1"),
        pagecache.cache_key(rf.get("/r/?page=2", HTTP_HOST="a.example"), "v1"),
    }
    assert len(keys) == 4 and None not in keys
    assert pagecache.cache_key(rf.get("/r/?page=2&x=1", HTTP_HOST="a.example"), "v1") is None
    assert pagecache.cache_key(rf.get("/r/?page=abc", HTTP_HOST="a.example"), "v1") is None


def test_readers_missing_the_same_page_at_once_render_it_once_and_all_get_it(rf):
    renders, started = [], threading.Barrier(8)

    def render(extra):
        renders.append(1)
        time.sleep(0.3)  # long enough for every other reader to arrive while it renders
        return HttpResponse(f"<p>the new page</p><p>{extra['csrf_token']}</p>")

    key = pagecache.cache_key(rf.get("/busy/"), "v2")

    def read(_):
        started.wait()
        return pagecache.serve(rf.get("/busy/"), key, render).content.decode()

    with ThreadPoolExecutor(8) as pool:
        pages = list(pool.map(read, range(8)))
    assert len(renders) == 1
    assert all(page.startswith("<p>the new page</p>") for page in pages)


def test_readers_waiting_for_a_page_that_is_not_stored_render_it_themselves(rf):
    renders, started = [], threading.Barrier(4)

    def render(extra):
        renders.append(1)
        time.sleep(0.2)
        response = HttpResponse("<p>not for the cache</p>")
        response.set_cookie("flavour", "per-reader")  # a page that sets a cookie is never stored
        return response

    key = pagecache.cache_key(rf.get("/own/"), "v1")

    def read(_):
        started.wait()
        began = time.monotonic()
        pagecache.serve(rf.get("/own/"), key, render)
        return time.monotonic() - began

    with ThreadPoolExecutor(4) as pool:
        waits = list(pool.map(read, range(4)))
    assert len(renders) == 4
    assert max(waits) < pagecache.BUILD_WAIT_SECONDS  # nobody waited out the whole timeout


# --- A busy thread: pages a little behind its latest change -------------------------------------


def later(seconds):
    """pagecache's clock, `seconds` on."""
    now = time.time()
    return mock.patch.object(pagecache.time, "time", lambda: now + seconds)


def test_within_the_stale_window_readers_get_the_page_as_it_was_with_its_own_validators(
    client, review, settings
):
    settings.MARQUEE_PAGE_CACHE_STALE_SECONDS = 0.5
    before = client.get(review.get_absolute_url())
    pending = factories.CommentFactory(review=review, status="pending", body="Approved a moment ago.")
    moderation.approve(pending)
    soon = client.get(review.get_absolute_url())
    assert b"Approved a moment ago." not in soon.content
    assert soon["ETag"] == before["ETag"] and soon["Last-Modified"] == before["Last-Modified"]
    with later(0.6):
        after = client.get(review.get_absolute_url())
        assert b"Approved a moment ago." in after.content and b"4 thoughts on" in after.content
        assert after["ETag"] != before["ETag"]
        # A browser holding the old page's ETag gets the new page, not a 304.
        assert client.get(review.get_absolute_url(), HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


def test_with_no_stale_window_a_change_shows_on_the_next_request(client, review, settings):
    settings.MARQUEE_PAGE_CACHE_STALE_SECONDS = 0
    client.get(review.get_absolute_url())
    moderation.approve(factories.CommentFactory(review=review, status="pending", body="No window."))
    assert b"No window." in client.get(review.get_absolute_url()).content


def test_while_the_new_page_renders_other_readers_get_the_stale_one_at_once(rf, settings):
    settings.MARQUEE_PAGE_CACHE_STALE_SECONDS = 0.5
    key = pagecache.cache_key(rf.get("/busy/"), 2026)
    pagecache.serve(rf.get("/busy/"), key, lambda extra: HttpResponse("<p>version 1</p>"), version="v1")
    rendering, done = threading.Event(), threading.Event()

    def slow_render(extra):
        rendering.set()
        done.wait(5)
        return HttpResponse("<p>version 2</p>")

    with later(0.6), ThreadPoolExecutor(1) as pool:
        builder = pool.submit(pagecache.serve, rf.get("/busy/"), key, slow_render, version="v2")
        assert rendering.wait(5)
        began = time.monotonic()
        other = pagecache.serve(rf.get("/busy/"), key, slow_render, version="v2").content
        waited = time.monotonic() - began
        done.set()
        assert builder.result().content == b"<p>version 2</p>"
    assert other == b"<p>version 1</p>" and waited < 0.1
    assert pagecache.serve(rf.get("/busy/"), key, slow_render, version="v2").content == b"<p>version 2</p>"


def test_a_stale_page_is_not_served_long_after_its_window(rf, settings):
    settings.MARQUEE_PAGE_CACHE_STALE_SECONDS = 0.5
    key = pagecache.cache_key(rf.get("/old/"), 2026)
    pagecache.serve(rf.get("/old/"), key, lambda extra: HttpResponse("<p>old</p>"), version="v1")
    lock = f"{key}:building"
    pagecache.caches["html"].add(lock, 1)  # a builder that died holding the lock
    gone = later(0.5 + pagecache.BUILD_WAIT_SECONDS + 1)
    with gone, mock.patch.object(pagecache, "BUILD_WAIT_SECONDS", 0.05):
        page = pagecache.serve(rf.get("/old/"), key, lambda extra: HttpResponse("<p>new</p>"), version="v2")
    assert page.content == b"<p>new</p>"


def test_with_a_shared_cache_each_process_keeps_its_own_copy_of_the_current_page(rf, settings):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-pages"},
    }
    key = pagecache.cache_key(rf.get("/shared/"), 2026)
    shared = pagecache.caches["html"]
    pagecache.serve(rf.get("/shared/"), key, lambda extra: HttpResponse("<p>v1</p>"), version="v1")
    with mock.patch.object(shared, "get", wraps=shared.get) as shared_get:
        again = pagecache.serve(rf.get("/shared/"), key, lambda extra: HttpResponse("no"), version="v1")
        assert again.content == b"<p>v1</p>" and shared_get.call_count == 0
        # A new version: this process's copy is not enough; another process may have built it.
        shared.set(key, shared.get(key)._replace(version="v2", pieces=(b"<p>v2</p>",)))
        newer = pagecache.serve(rf.get("/shared/"), key, lambda extra: HttpResponse("no"), version="v2")
        assert newer.content == b"<p>v2</p>"
    pagecache.caches["pages"].clear()
