import pytest
from django.db import connection
from django.utils.html import escape

from reviews import search
from reviews.models import Review
from tests.factories import FilmFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def test_finds_films_by_title_cast_and_director(client, catalogue):
    for query in ("get out", "Kaluuya", "jordan peele"):
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200
        assert "Get Out" in [film.title for film in response.context["films"]], query


def test_title_matches_rank_first(client, catalogue):
    # "Us" is a title; it is also inside other words, and Jordan Peele is known for it.
    films = [film.title for film in search.search_films("us")]
    assert films[0] == "Us"
    reviews = [r.slug for r in search.search_reviews("Us")]
    assert reviews[0] == "us"


def test_finds_reviews_by_headline_lowdown_and_body(client, catalogue):
    assert [r.slug for r in client.get("/search/", {"q": "parents"}).context["reviews"]] == ["get-out"]
    assert [r.slug for r in client.get("/search/", {"q": "politeness"}).context["reviews"]] == ["get-out"]
    assert [r.slug for r in client.get("/search/", {"q": "garden party"}).context["reviews"]] == ["get-out"]


def test_spoiler_text_is_neither_searched_nor_shown(client, catalogue):
    response = client.get("/search/", {"q": "Sunken Place"})
    assert list(response.context["reviews"]) == []
    html = client.get("/search/", {"q": "parents"}).content.decode()
    assert "Sunken" not in html and "garden party" in html.lower()


def test_drafts_are_not_found(client, catalogue):
    assert list(client.get("/search/", {"q": "Unfinished"}).context["reviews"]) == []


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("", 200, "Type a film title"),
        ("   ", 200, "Type a film title"),
        ("%%%", 200, "punctuation alone"),
        ("x" * 201, 400, "too long"),
    ],
)
def test_empty_long_and_odd_queries_get_a_message(client, catalogue, query, status, message):
    response = client.get("/search/", {"q": query})
    assert response.status_code == status
    assert message in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE reviews_review; --",
        "zq\x00zq",
        "100%",
        "!!! foo",
        '"unbalanced',
        "-not",
        "ÅÄÖ ünïcödé",
        "x" * 200,
        '"><script>alert(1)</script>',
    ],
)
def test_odd_queries_match_literally_and_harm_nothing(client, catalogue, query):
    reviews_before = Review.objects.count()
    response = client.get("/search/", {"q": query})
    html = response.content.decode()
    assert response.status_code == 200
    # Nothing in the catalogue contains these strings: no result, and the reader is told so.
    assert list(response.context["films"]) == [] and list(response.context["reviews"]) == []
    assert "No review matches" in html
    assert "<script>alert(1)</script>" not in html
    shown = search.clean_query(query)
    assert f'value="{escape(query)}"' in html or chr(0) in query
    assert f"No review matches “{escape(shown)}”" in html
    assert Review.objects.count() == reviews_before  # the DROP TABLE stayed text


@pytest.mark.parametrize("query", ["_", "\\", "%%", "--"])
def test_punctuation_alone_is_explained_not_searched(client, catalogue, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "punctuation alone matches nothing" in response.content.decode()
    assert list(response.context["reviews"]) == []


def test_search_percent_matches_literally(client, catalogue):
    ReviewFactory(film=FilmFactory(title="100% Wolf"), headline="Half wolf")
    assert [f.title for f in client.get("/search/", {"q": "100%"}).context["films"]] == ["100% Wolf"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
def test_postgres_full_text_stems_words(client, catalogue):
    # "politely" and "politeness" share the stem "polit" in the english configuration.
    assert [r.slug for r in client.get("/search/", {"q": "polite"}).context["reviews"]] == ["get-out"]
