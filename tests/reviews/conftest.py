import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tests.factories import (
    CreditFactory,
    CriticFactory,
    FilmFactory,
    GenreFactory,
    PersonFactory,
    ReviewFactory,
)


@pytest.fixture
def catalogue(db):
    """Three published reviews across genres, ratings, years and critics, plus a draft and a scheduled one."""
    horror = GenreFactory(name="Horror")
    comedy = GenreFactory(name="Comedy")
    hale = CriticFactory(name="Margaret Hale", slug="margaret-hale")
    okafor = CriticFactory(name="Desmond Okafor", slug="desmond-okafor")
    director = PersonFactory(name="Jordan Peele", slug="jordan-peele", known_for="Us")
    actor = PersonFactory(name="Daniel Kaluuya", slug="daniel-kaluuya")
    get_out = FilmFactory(title="Get Out", slug="get-out-2017", year=2017, mpaa_rating="R")
    get_out.genres.set([horror])
    CreditFactory(film=get_out, person=director, role="director")
    CreditFactory(film=get_out, person=actor, role="cast", character_name="Chris Washington")
    us = FilmFactory(title="Us", slug="us-2019", year=2019, mpaa_rating="R")
    us.genres.set([horror])
    paddington = FilmFactory(title="Paddington 2", slug="paddington-2-2017", year=2017, mpaa_rating="PG")
    paddington.genres.set([comedy])
    now = timezone.now()
    reviews = SimpleNamespace(
        get_out=ReviewFactory(
            film=get_out,
            critic=okafor,
            slug="get-out",
            headline="Meet the parents",
            lowdown="A horror film about politeness.",
            stars=Decimal("4.5"),
            body="A garden party.\n\n:::spoiler\nThe teacup sends him to the Sunken Place.\n:::",
            published_at=now - datetime.timedelta(days=3),
        ),
        us=ReviewFactory(
            film=us,
            critic=hale,
            slug="us",
            headline="Doubles trouble",
            lowdown="Scarier than the first.",
            stars=Decimal("3"),
            published_at=now - datetime.timedelta(days=2),
        ),
        paddington=ReviewFactory(
            film=paddington,
            critic=hale,
            slug="paddington-2",
            headline="The kindest film",
            lowdown="Marmalade and manners.",
            stars=Decimal("5"),
            published_at=now - datetime.timedelta(days=1),
        ),
        draft=ReviewFactory(
            film=us, critic=okafor, slug="us-draft", status="draft", headline="Unfinished draft"
        ),
        scheduled=ReviewFactory(
            film=paddington,
            critic=okafor,
            slug="paddington-later",
            headline="Scheduled for later",
            published_at=now + datetime.timedelta(days=3),
        ),
    )
    return SimpleNamespace(
        reviews=reviews,
        horror=horror,
        comedy=comedy,
        hale=hale,
        okafor=okafor,
        director=director,
        actor=actor,
        films=SimpleNamespace(get_out=get_out, us=us, paddington=paddington),
    )
