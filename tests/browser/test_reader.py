"""A reader's journey: home -> genre -> review -> spoiler (closed, then opened) -> search by actor."""

import io

import pytest
from playwright.sync_api import expect

from reviewsite import images
from tests.factories import (
    CreditFactory,
    CriticFactory,
    FilmFactory,
    GenreFactory,
    PersonFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def poster_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (400, 600), (40, 60, 110)).save(buffer, format="PNG")
    return images.clean_upload(SimpleUploadedFile("p.png", buffer.getvalue()))


@pytest.fixture
def films(db):
    horror = GenreFactory(name="Horror")
    comedy = GenreFactory(name="Comedy")
    critic = CriticFactory(name="Desmond Okafor", title="Film critic")
    get_out = FilmFactory(title="Get Out", slug="get-out-2017", year=2017, mpaa_rating="R")
    get_out.genres.set([horror])
    get_out.poster = poster_upload()
    get_out.save()
    CreditFactory(film=get_out, person=PersonFactory(name="Jordan Peele"), role="director")
    CreditFactory(film=get_out, person=PersonFactory(name="Daniel Kaluuya"), role="cast")
    paddington = FilmFactory(title="Paddington 2", year=2017, mpaa_rating="PG")
    paddington.genres.set([comedy])
    ReviewFactory(film=paddington, critic=critic, slug="paddington-2", headline="The kindest film")
    ReviewFactory(
        film=get_out,
        critic=critic,
        slug="get-out",
        headline="Meet the parents",
        lowdown="A horror film about politeness.",
        body="A garden party like no other.\n\n:::spoiler\nThe teacup sends him to the Sunken Place.\n:::\n\n"
        "See it with a crowd.",
    )


def test_reader_finds_a_review_by_genre_opens_a_spoiler_and_searches_by_actor(page, live_server, films):
    page.goto("/")
    expect(page.get_by_role("heading", name="Latest reviews")).to_be_visible()
    page.get_by_role("link", name="Horror").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Horror")
    expect(page.get_by_text("The kindest film")).to_have_count(0)

    page.get_by_role("link", name="Get Out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meet the parents")
    expect(page.get_by_role("note")).to_contain_text("sections that reveal the plot")

    spoiler = page.locator("details.spoiler")
    summary = spoiler.locator("summary")
    expect(summary).to_have_text("Spoiler: this section reveals the plot")
    expect(spoiler).not_to_have_attribute("open", "")
    expect(page.get_by_text("The teacup sends him to the Sunken Place.")).to_be_hidden()
    # Keyboard: focus the summary and open it with Enter.
    summary.focus()
    page.keyboard.press("Enter")
    expect(spoiler).to_have_attribute("open", "")
    expect(page.get_by_text("The teacup sends him to the Sunken Place.")).to_be_visible()
    # One drop cap: the review's first paragraph has it, the spoiler's first paragraph not.
    first_letter = "el => getComputedStyle(el, '::first-letter').float"
    assert page.locator(".review-body > p").first.evaluate(first_letter) == "left"
    assert spoiler.locator("p").first.evaluate(first_letter) == "none"

    search = page.get_by_role("search").get_by_label("Search films and reviews")
    search.fill("Kaluuya")
    search.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    films_found = page.locator(".film-results")
    expect(films_found.get_by_role("link", name="Get Out")).to_be_visible()
    films_found.get_by_role("link", name="Get Out").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Get Out")


def test_spoiler_opens_without_javascript(page_no_js, live_server, films):
    page = page_no_js
    page.goto("/reviews/get-out/")
    expect(page.get_by_text("The teacup sends him to the Sunken Place.")).to_be_hidden()
    page.locator("details.spoiler summary").click()
    expect(page.get_by_text("The teacup sends him to the Sunken Place.")).to_be_visible()


def test_review_page_fits_a_narrow_phone(page, live_server, films):
    page.set_viewport_size({"width": 360, "height": 740})
    for url in ("/", "/reviews/get-out/", "/reviews/?genre=horror", "/search/?q=get"):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, url
