"""Regression tests for what hostile testing of the landed site found (issue 12, items 1-4).

Each fails on the code before its fix: live HTML in feeds, a review save that held a worker for
minutes, a long media path that answered 500. (Names: tests/security/test_names.py.)
"""

import time
import xml.etree.ElementTree as ET

import html5lib
import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import path

from reviews import markup
from reviews.models import Review
from reviewsite import urls as site_urls
from reviewsite import views as site_views
from reviewsite.html import without_details
from tests.factories import CommentFactory, CriticFactory, FilmFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
PAYLOAD = "<img src=x onerror=alert(1)>"

# The site's URLs with Django serving /media/, as `DJANGO_SERVE_MEDIA=1` (make serve) has them.
urlpatterns = [*site_urls.urlpatterns, path("media/<path:path>", site_views.media)]


def descriptions(content):
    root = ET.fromstring(content)  # noqa: S314 (our own server's output)
    return [e.text or "" for e in root.iter() if e.tag in ("description", f"{ATOM}summary")]


def html_elements(fragment):
    return [el.tag.split("}")[-1] for el in html5lib.parseFragment(fragment, treebuilder="etree").iter()]


@pytest.mark.parametrize("url", ["/feeds/reviews/rss/", "/feeds/reviews/atom/"])
def test_feed_descriptions_keep_a_critics_code_as_text(client, url):
    ReviewFactory(
        lowdown=f"Lowdown with {PAYLOAD}",
        body=f"Watch for `{PAYLOAD}` in the credits.\n\n    {PAYLOAD}\n\nThe end.",
        status="published",
    )
    found = descriptions(client.get(url).content)[-1]  # the item's, after the channel's
    # What a feed reader parses as HTML: paragraphs, and the payload as text in them.
    assert set(html_elements(found)) <= {"DOCUMENT_FRAGMENT", "p"}
    assert "<img" not in found and "&lt;img src=x onerror=alert(1)&gt;" in found


def test_comment_feed_hides_nested_spoilers_whole(client):
    review = ReviewFactory(status="published")
    CommentFactory(review=review, body="[spoiler]outer [spoiler]inner[/spoiler] still secret[/spoiler] after")
    content = client.get(f"/feeds/reviews/{review.slug}/comments/rss/").content.decode()
    assert "secret" not in content and "inner" not in content
    assert "after" in content and "Spoiler hidden" in content


def test_without_details_counts_nesting():
    html = "<p>a</p><details><p>x</p><details>y</details><p>z</p></details><p>b</p>"
    assert without_details(html, "[hidden]") == "<p>a</p>[hidden]<p>b</p>"
    assert without_details("<p>a</p><details>never closed", "[hidden]") == "<p>a</p>[hidden]"


@pytest.mark.parametrize(
    "body", ["[" * 10_000, "<div>" * 50_000, "<div>" * 8_000, "<a " * 13_000, "*a" * 19_000], ids=str.__len__
)
def test_pathological_bodies_render_within_the_deadline(body):
    markup.render.cache_clear()
    started = time.monotonic()
    rendered = markup.render(body)
    assert time.monotonic() - started < markup.RENDER_SECONDS + 1.5
    assert "<div><div>" not in rendered.html
    if not rendered.complete:  # shown as typed, escaped
        assert markup.problem(body)


def test_long_ordinary_reviews_still_render_as_markdown():
    body = ("A *fine* film with [a link](https://example.com). " * 25 + "\n\n") * 25  # ~33,000 characters
    rendered = markup.render(body)
    assert rendered.complete and "<em>fine</em>" in rendered.html and markup.problem(body) is None


def test_a_body_over_the_cap_is_refused_with_its_length():
    message = markup.problem("x" * (markup.MAX_LENGTH + 1))
    assert "at most 40,000 characters" in message and "40,001" in message


def test_plain_fallback_keeps_spoilers_folded():
    rendered = markup.render("[" * 10_000 + "\n\n:::spoiler\nThe butler.\n:::")
    assert not rendered.complete
    assert '<details class="spoiler">' in rendered.html and "butler" not in rendered.public_text


@pytest.fixture
def critic_client(client):
    user = UserFactory(username="hale", is_staff=True)
    user.groups.add(Group.objects.get(name="Critics"))
    CriticFactory(name="Margaret Hale", account=user)
    client.force_login(user)
    return client


@pytest.mark.parametrize("body", ["[" * 10_000, "<div>" * 50_000], ids=["brackets", "divs"])
def test_admin_refuses_a_pathological_body_quickly_with_a_message(critic_client, body):
    started = time.monotonic()
    response = critic_client.post(
        "/admin/reviews/review/add/",
        {
            "film": FilmFactory().pk,
            "headline": "Hostile",
            "slug": "hostile",
            "lowdown": "x",
            "body": body,
            "status": "draft",
            "published_at_0": "2026-01-01",
            "published_at_1": "10:00",
            "comments_open": "on",
        },
    )
    assert time.monotonic() - started < 5
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["body"]
    assert "characters" in errors[0]
    assert not Review.objects.filter(slug="hostile").exists()


@pytest.mark.urls(__name__)
def test_a_very_long_media_path_is_a_404(client):
    assert client.get("/media/" + "a" * 3000).status_code == 404
    assert client.get("/media/" + "a/" * 1500 + "x.jpg").status_code == 404
    assert client.get("/media/avatars/%00.png").status_code == 404


def test_media_view_turns_file_system_errors_into_404():
    from django.http import Http404

    with pytest.raises(Http404):
        site_views.media(RequestFactory().get("/media/x"), "a" * 3000)
