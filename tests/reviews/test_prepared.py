"""Queries compiled once and run with fresh values (reviewsite/prepared.py) return what the ORM does."""

import datetime

import pytest
from django.utils import timezone

from reviews.models import Credit, Review
from reviews.views import critic_books, film_credits
from reviewsite.prepared import prepared
from tests.factories import (
    BookFactory,
    CreditFactory,
    CriticFactory,
    FilmFactory,
    PersonFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db


def _published_slugs(film_id, now):
    return Review.objects.published(now=now).exclude(film_id=film_id).order_by("slug").values_list("slug")


def test_a_prepared_query_runs_with_each_calls_values():
    early, late = ReviewFactory(slug="early"), ReviewFactory(slug="late")
    Review.objects.filter(pk=late.pk).update(published_at=timezone.now() + datetime.timedelta(days=2))
    soon = timezone.now() + datetime.timedelta(days=3)
    for film_id, now in (
        (early.film_id, timezone.now()),
        (late.film_id, soon),
        (0, soon),
        (0, timezone.now()),
    ):
        expected = [list(row) for row in _published_slugs(film_id, now)]
        rows = prepared("test-published", _published_slugs, using="default", film_id=film_id, now=now)
        assert [list(row) for row in rows] == expected


def test_a_prepared_query_takes_no_booleans():
    with pytest.raises(TypeError):
        prepared(
            "test-bool", lambda flag: Review.objects.filter(comments_open=flag), using="default", flag=True
        )


def test_film_credits_match_the_orm_with_known_for_slugs():
    film = FilmFactory(title="Get Out")
    other = FilmFactory(title="Us")
    ReviewFactory(film=other, slug="us-old", published_at=timezone.now() - datetime.timedelta(days=9))
    ReviewFactory(film=other, slug="us-new")
    ReviewFactory(film=other, slug="us-scheduled", published_at=timezone.now() + datetime.timedelta(days=1))
    ReviewFactory(film=film, slug="get-out")
    director = CreditFactory(film=film, role="director", person=PersonFactory(known_for="us"))
    cast = CreditFactory(film=film, role="cast", person=PersonFactory(known_for="Get Out"))  # its own film
    CreditFactory(film=film, role="composer")
    CreditFactory(film=other, role="cast")
    credits = film_credits(film)
    assert [credit.pk for credit in credits] == [director.pk, cast.pk]
    assert [credit.known_for_slug for credit in credits] == ["us-new", None]
    assert credits[0].person.known_for == "us" and credits[0].role == Credit.Role.DIRECTOR
    assert credits[0].film is film
    assert film_credits(other)[0].person.known_for == ""


def test_critic_books_in_their_order():
    critic = CriticFactory()
    second, first = BookFactory(critic=critic, order=2), BookFactory(critic=critic, order=1)
    BookFactory()
    assert [book.pk for book in critic_books(critic)] == [first.pk, second.pk]
    assert critic_books(CriticFactory()) == []
