"""Hostile input through the real forms, judged by parsing what readers get (issue 12, item 6).

Each public XSS vector in `tests/security/vectors.py` (OWASP, bleach, ammonia, PortSwigger; the
file cites each one) goes in where the public and our critics write: comment bodies, guest names
and websites (the comment form), display names and bios (the settings form), review Markdown, its
headline and lowdown (a critic, through the admin form), and search queries. Comments are approved
through `comments/moderation.py`. Then the review page, profiles, search results and the feeds are
parsed with html5lib, as a browser or feed reader would, and held to the allowlist
(`vectors.problems`). tests/browser/test_xss.py loads the same pages in Chromium.
"""

import time
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from comments import moderation
from comments.forms import make_security_token
from comments.models import Comment
from reviews.models import Review
from reviewsite.html import COMMENT_ATTRIBUTES, COMMENT_TAGS
from tests import factories
from tests.security.vectors import VECTORS, WEBSITES, judge_fragment, judge_page

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
PAYLOADS = [vector for _, vector in VECTORS]


@pytest.fixture(autouse=True)
def _open_floodgates(settings):
    settings.MARQUEE_MODERATION_FLOOD_SECONDS = 0
    settings.MARQUEE_MODERATION_GUEST_IP_PER_HOUR = 100_000
    settings.MARQUEE_MODERATION_ACCOUNT_PER_HOUR = 100_000
    settings.MARQUEE_MODERATION_MAX_LINKS = 1000
    settings.MARQUEE_COMMENTS_PER_PAGE = 1000


def assert_clean(found, where):
    assert not found, f"{where}:\n" + "\n".join(found[:20])


def feed_fragments(content):
    """(tag, text) of every element of a feed whose text a reader may show as HTML."""
    root = ET.fromstring(content)  # noqa: S314 (our own server's output)
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name in ("description", "summary", "content", "title", "name") and element.text:
            yield name, element.text


def judge_feed(content, *, tags, attributes, user_links=False, check_titles=False):
    """Descriptions are HTML to a feed reader. Titles are text (RSS Best Practices, Atom type="text"),
    but many readers show them as HTML: where readers' names make them (`check_titles`), no markup."""
    found = []
    for name, text in feed_fragments(content):
        if name in ("description", "summary", "content"):
            found += judge_fragment(text, tags=tags, attributes=attributes, user_links=user_links)
        elif check_titles and "<" in text:
            found.append(f"<{name}> would be markup: {text!r:.80}")
    return found


def name_from(vector):
    """The vector as a name: names refuse angle brackets, so the rest of it goes in."""
    return vector.replace("<", "").replace(">", "")[:80].strip() or "Bracket Only"


def post_guest_comment(client, review, **fields):
    data = {
        "body": "A fine film.",
        "name": "Pat Guest",
        "email": "pat@guest.example",
        "website": "",
        "parent": "",
        "security": make_security_token(review.pk, time.time() - 10),
        "honeypot": "",
    }
    data.update(fields)
    return client.post(reverse("comments:comment-post", args=[review.pk]), data)


def approve_all(review):
    editor = factories.EditorFactory()
    for comment in Comment.objects.filter(review=review).exclude(status="approved"):
        moderation.approve(comment, by=editor)


@pytest.fixture
def review(db):
    return factories.ReviewFactory(status="published", film__title="The Long Reel", slug="the-long-reel")


def test_there_are_at_least_forty_vectors_from_the_four_sources():
    sources = {source.split(":")[0].split()[0] for source, _ in VECTORS}
    assert len(VECTORS) >= 40
    assert {"OWASP", "bleach", "ammonia", "PortSwigger"} <= sources


def test_guest_comments_names_and_websites(client, review):
    stored = 0
    for number, vector in enumerate(PAYLOADS):
        response = post_guest_comment(
            client,
            review,
            body=f"{number}: {vector}",
            name=name_from(vector),
            email=f"guest{number}@guest.example",
            website=WEBSITES[number % len(WEBSITES)],
        )
        assert response.status_code in (302, 400), (vector, response.status_code)
        if response.status_code == 400:  # a website the form refuses: the rest goes in without it
            response = post_guest_comment(
                client,
                review,
                body=f"{number}: {vector}",
                name=name_from(vector),
                email=f"guest{number}@guest.example",
            )
        assert response.status_code == 302, (
            vector,
            response.context["form"].errors if response.context else "",
        )
        stored += 1
    approve_all(review)
    assert Comment.objects.filter(review=review, status="approved").count() == stored == len(PAYLOADS)
    client.cookies.clear()  # an anonymous reader: the shared, cached page

    page = client.get(review.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="comment-body"') >= len(PAYLOADS)
    assert_clean(judge_page(html), "review page")
    assert_clean(judge_page(client.get(review.get_absolute_url()).content.decode()), "review page, cached")
    for url in (
        f"/feeds/reviews/{review.slug}/comments/rss/",
        f"/feeds/reviews/{review.slug}/comments/atom/",
    ):
        feed = client.get(url)
        assert feed.status_code == 200
        found = judge_feed(
            feed.content, tags=COMMENT_TAGS, attributes=COMMENT_ATTRIBUTES, user_links=True, check_titles=True
        )
        assert_clean(found, url)


@pytest.mark.parametrize("vector", [v for v in PAYLOADS if "<" in v or ">" in v][:8])
def test_names_with_angle_brackets_are_refused(client, review, vector):
    response = post_guest_comment(client, review, name=vector[:80])
    assert response.status_code == 400
    assert "leave out &lt; and &gt;" in response.content.decode()
    assert not Comment.objects.exists()


def test_comment_permalink_report_and_reply_pages(client, review):
    comment = None
    for number, vector in enumerate(PAYLOADS[:15]):
        post_guest_comment(
            client, review, body=vector, name=name_from(vector), email=f"g{number}@guest.example"
        )
    approve_all(review)
    reader = factories.VerifiedUserFactory()
    client.force_login(reader)
    for comment in Comment.objects.filter(review=review):
        for url in (f"/comments/{comment.pk}/report/", f"/comments/{comment.pk}/reply/"):
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
            assert_clean(judge_page(response.content.decode()), url)


def test_display_names_bios_and_their_comments(client, review):
    people = []
    for number, vector in enumerate(PAYLOADS):
        person = factories.VerifiedUserFactory(username=f"hostile{number}")
        client.force_login(person)
        response = client.post(
            reverse("accounts:settings"),
            {
                "display_name": f"{number} {name_from(vector)}"[:80],
                "bio": vector[:300],
                "website": WEBSITES[number % len(WEBSITES)],
            },
        )
        assert response.status_code in (200, 302), vector
        if response.status_code == 200:  # the website was refused: save the rest
            response = client.post(
                reverse("accounts:settings"),
                {"display_name": f"{number} {name_from(vector)}"[:80], "bio": vector[:300], "website": ""},
            )
        assert response.status_code == 302, (vector, response.content[:500])
        person.refresh_from_db()
        assert person.bio == vector[:300].strip()
        response = client.post(
            reverse("comments:comment-post", args=[review.pk]),
            {"body": f"{number} {vector}", "security": make_security_token(review.pk, time.time() - 10)},
        )
        assert response.status_code == 302, vector
        people.append(person)
    approve_all(review)
    client.logout()
    assert_clean(judge_page(client.get(review.get_absolute_url()).content.decode()), "review page")
    for person in people:
        response = client.get(reverse("accounts:profile", args=[person.username]))
        assert response.status_code == 200
        assert_clean(judge_page(response.content.decode()), f"profile of {person.username}")
    # Signed in, the header and the settings page show one's own name.
    client.force_login(people[0])
    assert_clean(judge_page(client.get(reverse("accounts:settings")).content.decode()), "settings")
    assert_clean(judge_page(client.get(review.get_absolute_url()).content.decode()), "review page, signed in")


def test_review_markdown_by_a_critic_through_the_admin(client):
    critic_account = factories.UserFactory(username="hale", is_staff=True)
    critic_account.groups.add(Group.objects.get(name="Critics"))
    critic = factories.CriticFactory(name="Margaret Hale", account=critic_account, slug="margaret-hale")
    client.force_login(critic_account)
    body = "\n\n".join(
        [
            *PAYLOADS,
            *(f"Inline `{vector}` code." for vector in PAYLOADS[:10]),
            *(f"    {vector}" for vector in PAYLOADS[:10]),
            ":::spoiler " + PAYLOADS[0],
            PAYLOADS[1],
            ":::",
            "The end of the hostile review.",
        ]
    )
    assert len(body) < 40_000
    response = client.post(
        "/admin/reviews/review/add/",
        {
            "film": factories.FilmFactory(title="The Hostile Reel").pk,
            "headline": PAYLOADS[2][:200],
            "slug": "hostile",
            "lowdown": PAYLOADS[3][:300],
            "stars": "3",
            "body": body,
            "status": "published",
            "published_at_0": "2020-01-01",
            "published_at_1": "10:00",
            "comments_open": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    review = Review.objects.get(slug="hostile")
    assert review.critic == critic
    client.logout()
    html = client.get(review.get_absolute_url()).content.decode()
    assert "The end of the hostile review." in html  # no vector swallowed the rest of the review
    assert_clean(judge_page(html), "review page")
    for url in (
        "/",
        "/reviews/",
        f"/critics/{critic.slug}/",
        f"/films/{review.film.slug}/",
        "/search/?q=hostile",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_clean(judge_page(response.content.decode()), url)
    for url in ("/feeds/reviews/rss/", "/feeds/reviews/atom/", f"/feeds/critics/{critic.slug}/rss/"):
        response = client.get(url)
        # Review feeds carry escaped text in paragraphs: nothing else may appear.
        assert_clean(judge_feed(response.content, tags={"p"}, attributes={}), url)


@pytest.mark.parametrize("vector", PAYLOADS, ids=[source for source, _ in VECTORS])
def test_search_queries(client, vector):
    factories.ReviewFactory(status="published")
    response = client.get("/search/", {"q": vector})
    assert response.status_code in (200, 400)
    assert_clean(judge_page(response.content.decode()), "search")
    response = client.get("/reviews/", {"genre": vector, "critic": vector, "sort": vector, "year": vector})
    assert response.status_code == 200
    assert_clean(judge_page(response.content.decode()), "archive filters")


def test_the_judge_catches_what_it_must():
    """The judge itself: each of these must be reported, or the suite proves nothing."""
    bad = [
        "<p onclick=alert(1)>x</p>",
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" jav&#x09;ascript:alert(1)">x</a>',
        "<script>alert(1)</script>",
        "<iframe src=x></iframe>",
        '<a href="https://a.example/"><a href="https://b.example/">x</a></a>',
        "<img src=x onerror=alert(1)>",
        '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
    ]
    for html in bad:
        assert judge_page(f"<!doctype html><title>t</title><div class='comment-body'>{html}</div>"), html
    assert judge_fragment(
        '<a href="https://x.example/">x</a>',
        tags=COMMENT_TAGS,
        attributes=COMMENT_ATTRIBUTES,
        user_links=True,
    )
    assert not judge_fragment(
        '<p><a href="https://x.example/" rel="nofollow ugc">x</a></p>',
        tags=COMMENT_TAGS,
        attributes=COMMENT_ATTRIBUTES,
        user_links=True,
    )
