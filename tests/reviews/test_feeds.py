import xml.etree.ElementTree as ET

import pytest

from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(content):
    return ET.fromstring(content)  # noqa: S314 (our own server's output)


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/reviews/rss/",
        "/feeds/reviews/atom/",
        "/feeds/genres/horror/rss/",
        "/feeds/genres/horror/atom/",
        "/feeds/critics/desmond-okafor/rss/",
        "/feeds/critics/desmond-okafor/atom/",
    ],
)
def test_review_feeds_have_no_spoilers_and_no_drafts(client, catalogue, url):
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    parse(response.content)
    assert "Meet the parents" in body
    assert "garden party" in body.lower()
    assert "Sunken Place" not in body and "teacup" not in body
    assert "Unfinished draft" not in body and "Scheduled for later" not in body


def test_latest_feed_links_are_absolute_from_the_request(client, catalogue):
    root = parse(client.get("/feeds/reviews/rss/").content)
    links = [item.findtext("link") for item in root.iter("item")]
    assert links[0] == "http://testserver/reviews/paddington-2/"
    assert len(links) == 3


def test_genre_and_critic_feeds_only_hold_their_reviews(client, catalogue):
    root = parse(client.get("/feeds/genres/horror/atom/").content)
    assert {
        e.findtext(f"{ATOM}link") or e.find(f"{ATOM}link").get("href") for e in root.iter(f"{ATOM}entry")
    } == {
        "http://testserver/reviews/get-out/",
        "http://testserver/reviews/us/",
    }
    assert client.get("/feeds/critics/nobody/rss/").status_code == 404


def test_comments_feed_has_approved_comments_without_private_data(client, catalogue):
    review = catalogue.reviews.us
    CommentFactory(
        review=review,
        guest_name="Ann",
        guest_email="ann@secret.example",
        body="Loved it.",
        ip_address="203.0.113.9",
        user_agent="SecretBrowser/1.0",
    )
    CommentFactory(review=review, guest_name="Spammer", guest_email="spam@x.example", status="spam")
    CommentFactory(
        review=review, author=UserFactory(display_name="Reg Reader"), guest_name="", guest_email=""
    )
    response = client.get("/feeds/reviews/us/comments/rss/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ann" in body and "Reg Reader" in body
    assert "Spammer" not in body
    for secret in ("ann@secret.example", "@guest.example", "203.0.113.9", "SecretBrowser", "@example.com"):
        assert secret not in body
    root = parse(response.content)
    assert {item.findtext("link").rsplit("/", 2)[0] for item in root.iter("item")} == {
        "http://testserver/comments"
    }
    assert client.get("/feeds/reviews/us/comments/atom/").status_code == 200


def test_comments_feed_hides_readers_spoilers(client, catalogue):
    comment = CommentFactory(review=catalogue.reviews.us)
    type(comment).objects.filter(pk=comment.pk).update(
        body_html='<p>Yes.</p><details class="spoiler"><summary>Spoiler</summary><p>Twin swap.</p></details>'
    )
    body = client.get("/feeds/reviews/us/comments/rss/").content.decode()
    assert "Twin swap" not in body


def test_comments_feed_is_404_for_unpublished_reviews(client, catalogue):
    assert client.get("/feeds/reviews/us-draft/comments/rss/").status_code == 404


def test_sitemap_lists_published_things_only(client, catalogue):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = parse(response.content)
    locs = {e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    for url in (
        "/reviews/get-out/",
        "/reviews/us/",
        "/films/get-out-2017/",
        "/people/jordan-peele/",
        "/critics/margaret-hale/",
    ):
        assert f"http://testserver{url}" in locs
    assert not any("draft" in loc or "later" in loc for loc in locs)


def test_robots_txt_points_at_a_working_sitemap(client, catalogue):
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots
    assert client.get("/sitemap.xml").status_code == 200
