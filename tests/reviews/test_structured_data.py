import json
import re
from decimal import Decimal

import pytest

from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    return json.loads(match.group(1))


def test_review_json_ld(client, catalogue):
    review = catalogue.reviews.get_out
    CommentFactory(review=review)
    data = json_ld(client.get("/reviews/get-out/").content.decode())
    assert data["@context"] == "https://schema.org" and data["@type"] == "Review"
    movie = data["itemReviewed"]
    assert movie["@type"] == "Movie" and movie["name"] == "Get Out"
    assert movie["url"] == "http://testserver/films/get-out-2017/"
    assert movie["dateCreated"] == "2024-05-17"
    assert movie["duration"] == "PT1H52M"
    assert movie["genre"] == ["Horror"]
    assert movie["contentRating"] == "MPAA R"
    assert [d["name"] for d in movie["director"]] == ["Jordan Peele"]
    assert [a["name"] for a in movie["actor"]] == ["Daniel Kaluuya"]
    assert data["reviewRating"] == {"@type": "Rating", "ratingValue": 4.5, "bestRating": 5, "worstRating": 0}
    assert data["author"] == {
        "@type": "Person",
        "name": "Desmond Okafor",
        "jobTitle": "Film critic",
        "url": "http://testserver/critics/desmond-okafor/",
    }
    assert data["publisher"]["@type"] == "Organization" and data["publisher"]["name"] == "Marquee"
    assert data["datePublished"].startswith(review.published_at.date().isoformat()[:4])
    assert "dateModified" in data
    assert data["description"] == "A horror film about politeness."
    assert data["commentCount"] == 1
    assert data["discussionUrl"] == "http://testserver/reviews/get-out/#comments"
    assert "Sunken" not in json.dumps(data)


def test_review_without_stars_has_no_rating(client, catalogue):
    review = catalogue.reviews.us
    review.stars = None
    review.save()
    data = json_ld(client.get("/reviews/us/").content.decode())
    assert "reviewRating" not in data


def test_json_ld_cannot_break_out_of_its_script(client, catalogue):
    review = catalogue.reviews.us
    review.lowdown = "</script><script>alert(1)</script>"
    review.stars = Decimal("2")
    review.save()
    html = client.get("/reviews/us/").content.decode()
    assert "</script><script>alert(1)" not in html
    assert json_ld(html)["description"] == "</script><script>alert(1)</script>"
