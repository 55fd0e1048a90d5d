import itertools
import re
from email.utils import format_datetime

import pytest
from django.urls import reverse

from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def headlines(response):
    return {review.headline for review in response.context["reviews"]}


def test_home_lists_latest_reviews_genres_and_most_discussed(client, catalogue):
    CommentFactory(review=catalogue.reviews.us)
    CommentFactory(review=catalogue.reviews.us)
    CommentFactory(review=catalogue.reviews.get_out, status="pending")
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert [r.slug for r in response.context["latest"]] == ["paddington-2", "us", "get-out"]
    assert [r.slug for r in response.context["most_discussed"]] == ["us"]
    assert "Horror" in html and "Comedy" in html
    assert "Unfinished draft" not in html and "Scheduled for later" not in html
    assert '<link rel="canonical" href="http://testserver/">' in html
    assert "<title>Film reviews · Marquee</title>" in html


def test_archive_lists_published_reviews_newest_first(client, catalogue):
    response = client.get("/reviews/")
    assert [r.slug for r in response.context["reviews"]] == ["paddington-2", "us", "get-out"]
    html = response.content.decode()
    assert 'name="robots"' not in html
    assert '<link rel="canonical" href="http://testserver/reviews/">' in html


FILTERS = {
    "genre": ("horror", {"Meet the parents", "Doubles trouble"}),
    "stars": ("4", {"Meet the parents", "The kindest film"}),
    "rated": ("R", {"Meet the parents", "Doubles trouble"}),
    "year": ("2017", {"Meet the parents", "The kindest film"}),
    "critic": ("margaret-hale", {"Doubles trouble", "The kindest film"}),
}


@pytest.mark.parametrize(
    "names", [combo for size in range(1, 6) for combo in itertools.combinations(sorted(FILTERS), size)]
)
def test_archive_filters_combine(client, catalogue, names):
    params = {name: FILTERS[name][0] for name in names}
    expected = set.intersection(*(FILTERS[name][1] for name in names))
    response = client.get("/reviews/", params)
    assert response.status_code == 200
    assert headlines(response) == expected
    assert '<meta name="robots" content="noindex, follow">' in response.content.decode()


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", ["paddington-2", "us", "get-out"]),
        ("rating", ["paddington-2", "get-out", "us"]),
        ("discussed", ["get-out", "paddington-2", "us"]),
    ],
)
def test_archive_sorts(client, catalogue, sort, expected):
    catalogue.reviews.get_out.bump_thread(count_delta=3)
    catalogue.reviews.paddington.bump_thread(count_delta=1)
    response = client.get("/reviews/", {"sort": sort})
    assert [r.slug for r in response.context["reviews"]] == expected


def test_archive_links_keep_other_parameters(client, catalogue):
    html = client.get("/reviews/", {"genre": "horror", "sort": "rating"}).content.decode()
    assert 'href="?genre=horror&amp;sort=discussed"' in html


def test_archive_ignores_bad_parameters(client, catalogue):
    response = client.get(
        "/reviews/", {"genre": "nope", "stars": "eleven", "year": "x", "sort": "?", "rated": "Z"}
    )
    assert response.status_code == 200
    assert len(response.context["reviews"]) == 3
    assert client.get("/reviews/", {"page": "99"}).status_code == 404


def test_archive_pages_have_their_own_canonical_url(client, catalogue, settings):
    from reviews.views import ReviewListView

    ReviewListView.paginate_by, old = 2, ReviewListView.paginate_by
    try:
        html = client.get("/reviews/", {"page": 2}).content.decode()
    finally:
        ReviewListView.paginate_by = old
    assert '<link rel="canonical" href="http://testserver/reviews/?page=2">' in html
    assert "All reviews, page 2" in html


def test_review_page_shows_film_box_body_and_critic(client, catalogue):
    from tests.factories import BookFactory

    BookFactory(critic=catalogue.okafor, title="Night Shift at the Drive-In", year=2019)
    response = client.get("/reviews/get-out/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Meet the parents",
        "A horror film about politeness.",
        "Jordan Peele",
        "known for",
        "Daniel Kaluuya",
        "for some language",
        "112 minutes",
        "May 17, 2024",
        "About <bdi>Desmond Okafor</bdi>",
        "Night Shift at the Drive-In",
        'class="spoiler-notice',
        "<title>Get Out (2017) review: Meet the parents · Marquee</title>",
        '<link rel="canonical" href="http://testserver/reviews/get-out/">',
        '<meta name="description" content="A horror film about politeness.">',
        '<meta property="og:type" content="article">',
        '<meta name="twitter:card"',
    ):
        assert text in html, text
    # The thread comes after the "About the critic" box.
    assert html.index("About <bdi>Desmond Okafor</bdi>") < html.index("</article>")


def test_known_for_links_to_its_review_when_there_is_one(client, catalogue):
    html = client.get("/reviews/get-out/").content.decode()
    assert '<a href="/reviews/us/"><cite>Us</cite></a>' in html


def test_spoiler_text_is_not_in_meta_tags(client, catalogue):
    html = client.get("/reviews/get-out/").content.decode()
    head = html.split("</head>")[0]
    assert "Sunken Place" not in head
    assert "Sunken Place" in html


def test_drafts_and_scheduled_reviews_are_404_to_the_public(client, catalogue, user):
    for slug in ("us-draft", "paddington-later"):
        assert client.get(f"/reviews/{slug}/").status_code == 404
    client.force_login(user)
    assert client.get("/reviews/us-draft/").status_code == 404


def test_staff_preview_unpublished_reviews_with_a_banner(client, catalogue, editor):
    client.force_login(editor)
    response = client.get("/reviews/paddington-later/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not published." in html and "Scheduled for" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "Not published." not in client.get("/reviews/us/").content.decode()


def test_film_page(client, catalogue):
    response = client.get("/films/get-out-2017/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Meet the parents" in html and "as Chris Washington" in html
    assert '<meta property="og:type" content="video.movie">' in html
    assert "<title>Get Out (2017) · Marquee</title>" in html
    # Unpublished reviews of a film stay hidden.
    assert "Unfinished draft" not in client.get("/films/us-2019/").content.decode()


def test_person_page_lists_directed_and_starred_among_reviewed_films(client, catalogue):
    response = client.get("/people/jordan-peele/")
    assert response.status_code == 200
    assert [c.film.title for c in response.context["directed"]] == ["Get Out"]
    html = client.get("/people/daniel-kaluuya/").content.decode()
    assert "Starred in" in html and 'href="/reviews/get-out/"' in html


def test_critic_pages(client, catalogue):
    response = client.get("/critics/")
    assert response.status_code == 200
    counts = {c.slug: c.review_count for c in response.context["critics"]}
    assert counts == {"margaret-hale": 2, "desmond-okafor": 1}
    response = client.get("/critics/desmond-okafor/")
    assert headlines(response) == {"Meet the parents"}
    assert "/feeds/critics/desmond-okafor/rss/" in response.content.decode()


def test_genre_page(client, catalogue):
    response = client.get("/genres/horror/")
    assert response.status_code == 200
    assert headlines(response) == {"Meet the parents", "Doubles trouble"}
    assert client.get("/genres/no-such-genre/").status_code == 404


def test_list_pages_never_show_spoiler_text(client, catalogue):
    for url in ("/", "/reviews/", "/genres/horror/", "/critics/desmond-okafor/", "/films/get-out-2017/"):
        assert "Sunken Place" not in client.get(url).content.decode(), url


def test_pages_have_one_h1(client, catalogue):
    for url in (
        "/",
        "/reviews/",
        "/reviews/get-out/",
        "/films/get-out-2017/",
        "/people/jordan-peele/",
        "/critics/",
        "/critics/margaret-hale/",
        "/genres/horror/",
        "/search/?q=us",
    ):
        html = client.get(url).content.decode()
        assert len(re.findall(r"<h1[\s>]", html)) == 1, url


# --- Conditional GET ---------------------------------------------------------------------


def test_review_page_answers_304_to_anonymous_revalidation(client, catalogue):
    first = client.get("/reviews/us/")
    assert first.has_header("ETag") and first.has_header("Last-Modified")
    assert "Cookie" in first["Vary"]
    again = client.get("/reviews/us/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    again = client.get("/reviews/us/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r.film.save(),
        lambda r: r.critic.save(),
        lambda r: r.bump_thread(count_delta=1),
        lambda r: r.save(),
    ],
    ids=["film", "critic", "thread", "review"],
)
def test_review_page_validators_change_with_content(client, catalogue, change):
    review = catalogue.reviews.us
    etag = client.get("/reviews/us/")["ETag"]
    review.refresh_from_db()
    change(review)
    response = client.get("/reviews/us/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_no_304_for_signed_in_users_or_session_or_messages_cookies(client, catalogue, user):
    etag = client.get("/reviews/us/")["ETag"]
    client.cookies["sessionid"] = "guest-with-a-pending-comment"
    response = client.get("/reviews/us/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and not response.has_header("ETag")
    del client.cookies["sessionid"]
    client.cookies["messages"] = "x"
    assert client.get("/reviews/us/", HTTP_IF_NONE_MATCH=etag).status_code == 200
    del client.cookies["messages"]
    client.force_login(user)
    response = client.get("/reviews/us/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_last_modified_is_the_latest_change(client, catalogue):
    review = catalogue.reviews.us
    review.bump_thread()
    review.refresh_from_db()
    expected = format_datetime(
        max(review.updated_at, review.thread_changed_at).replace(microsecond=0), usegmt=True
    )
    assert client.get(reverse("reviews:review-detail", args=["us"]))["Last-Modified"] == expected


def test_archive_rating_filter_reads_right(client, catalogue):
    html = client.get("/reviews/").content.decode()
    assert "1 star or more" in html and "1 stars" not in html and "4 stars or more" in html


def test_stars_have_a_visible_text_equivalent(client, catalogue):
    review = catalogue.reviews.us
    html = client.get(review.get_absolute_url()).content.decode()
    score = format(review.stars.normalize(), "f")
    assert "." not in score or not score.endswith("0")
    assert f'<span class="stars-score" aria-hidden="true">{score}/5</span>' in html
    assert f'<span class="visually-hidden">{score} out of 5 stars</span>' in html


def test_person_page_has_a_filmography_by_role_with_years_and_our_reviews(client, catalogue):
    from tests.factories import CreditFactory, FilmFactory

    unreviewed = FilmFactory(title="Nope", year=2022)
    peele = catalogue.reviews.get_out.film.credits.get(role="director").person
    CreditFactory(film=unreviewed, person=peele, role="writer")
    response = client.get(f"/people/{peele.slug}/")
    html = response.content.decode()
    assert [heading for heading, _ in response.context["filmography"]] == ["Directed", "Wrote"]
    assert (
        '<span class="filmography-year">2022</span>' in html
        and f'href="{unreviewed.get_absolute_url()}"' in html
    )
    assert [r.slug for r in response.context["reviews"]] == ["get-out"]
    assert "Our reviews of Jordan Peele" in html
    # No photo: a generated stand-in with the initials, in a tone seeded by the name.
    assert re.search(r'class="headshot headshot-placeholder rounded tone-\d" aria-hidden="true">JP<', html)


def test_missing_posters_get_a_typographic_stand_in(client, catalogue):
    html = client.get("/reviews/").content.decode()
    assert re.search(r'class="poster poster-placeholder tone-\d" aria-hidden="true">', html)
    assert '<span class="poster-placeholder-title">Get Out</span>' in html
