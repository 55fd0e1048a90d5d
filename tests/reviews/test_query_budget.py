"""Pages make a constant number of queries whatever the number of items (measured at 1 and 50)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    BookFactory,
    CreditFactory,
    CriticFactory,
    FilmFactory,
    GenreFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db


def make_reviews(count):
    genres = [GenreFactory(name=f"Genre {n}") for n in range(3)]
    critic = CriticFactory(slug="the-critic")
    reviews = []
    for n in range(count):
        film = FilmFactory(title=f"Budget film {n}")
        film.genres.set(genres)
        CreditFactory(film=film, role="director")
        CreditFactory(film=film, role="cast", person__name=f"Star Person {n}")
        reviews.append(ReviewFactory(film=film, critic=critic, headline=f"Budget headline {n}"))
    return reviews


PAGES = {
    "/": 4,
    "/reviews/": 6,
    "/reviews/?genre=genre-1&sort=rating&stars=3&rated=PG-13&year=2024&critic=the-critic": 6,
    "/search/?q=budget": 4,
    "/critics/": 2,
    "/critics/the-critic/": 5,
    "/genres/genre-1/": 4,
}


@pytest.mark.parametrize("count", [1, 50])
@pytest.mark.parametrize("url", list(PAGES))
def test_list_pages_have_a_constant_query_count(client, django_assert_max_num_queries, count, url):
    make_reviews(count)
    with django_assert_max_num_queries(PAGES[url]):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 50])
def test_review_page_makes_at_most_four_queries_besides_the_thread(
    client, django_assert_max_num_queries, settings, count
):
    review = make_reviews(1)[0]
    for _n in range(count):
        CreditFactory(film=review.film, role="cast")
        BookFactory(critic=review.critic)
    # The thread is the comments app's; its own budget is 2 queries, so the page's total is 6.
    with django_assert_max_num_queries(6):
        response = client.get(review.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 50])
def test_review_page_without_the_thread_makes_at_most_four_queries(client, count):
    review = make_reviews(1)[0]
    for _ in range(count):
        CreditFactory(film=review.film, role="cast")
        BookFactory(critic=review.critic)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(review.get_absolute_url()).status_code == 200
    ours = [q["sql"] for q in queries.captured_queries if "comments_comment" not in q["sql"]]
    assert len(ours) <= 4, "\n\n".join(ours)


def test_not_modified_costs_one_query(client, django_assert_max_num_queries):
    review = make_reviews(1)[0]
    etag = client.get(review.get_absolute_url())["ETag"]
    with django_assert_max_num_queries(1):
        assert client.get(review.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.parametrize("url", ["/films/budget-film-0/", "/people/{person}/"])
@pytest.mark.parametrize("count", [1, 50])
def test_film_and_person_pages_are_constant(client, django_assert_max_num_queries, url, count):
    reviews = make_reviews(1)
    film = reviews[0].film
    person = film.credits.first().person
    for _ in range(count):
        CreditFactory(film=film, role="cast")
        ReviewFactory(film=FilmFactory(), critic=reviews[0].critic).film.credits.create(
            person=person, role="cast"
        )
    with django_assert_max_num_queries(4):
        assert client.get(url.format(person=person.slug)).status_code == 200


@pytest.mark.parametrize("signed_in", [False, True])
def test_review_page_after_an_approval_makes_at_most_six_queries(
    client, django_assert_max_num_queries, signed_in
):
    """The first request after an editor approves a comment: the page and the thread's page are
    built again from cached fragments (film box, critic box, every other comment)."""
    from comments import moderation
    from tests.factories import CommentFactory, VerifiedUserFactory

    review = make_reviews(1)[0]
    for _ in range(40):
        CommentFactory(review=review)
    if signed_in:
        client.force_login(VerifiedUserFactory())
    client.get(review.get_absolute_url())
    moderation.approve(CommentFactory(review=review, status="pending", body="Approved just now."))
    with django_assert_max_num_queries(6):
        response = client.get(review.get_absolute_url())
    assert "Approved just now." in response.content.decode()
    with django_assert_max_num_queries(1 if not signed_in else 4):
        client.get(review.get_absolute_url())
