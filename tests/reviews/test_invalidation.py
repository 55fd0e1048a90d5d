"""Every change to what a review page shows reaches its readers on the next request.

The page is cached whole for anonymous readers and in fragments for everyone (film box, review
body, critic box, thread), all keyed by versions that reviews/signals.py and comments/moderation.py
move. Each case warms both kinds of reader, makes one change through the ORM as the admin would
(save, delete, re-link), and reads the page again.
"""

import pytest
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(db):
    genre = factories.GenreFactory(name="Noir")
    critic = factories.CriticFactory(name="Ruth Calloway", bio="Reviews films for the weekly.")
    factories.BookFactory(critic=critic, title="Night Shifts at the Bijou")
    film = factories.FilmFactory(title="The Long Reel", synopsis="A projectionist finds a reel.")
    film.genres.add(genre)
    director = factories.PersonFactory(name="Agnes Varda Jones", known_for="Cleo at Noon")
    factories.CreditFactory(film=film, person=director, role="director")
    factories.CreditFactory(film=film, person__name="Marlow Finch", role="cast")
    review = factories.ReviewFactory(film=film, critic=critic, headline="Reels within reels")
    factories.CommentFactory(review=review, body="A first thought on the reel.")
    return review


@pytest.fixture
def readers(page):
    """An anonymous reader and a signed-in one, both with the page already cached."""
    signed_in = Client()
    signed_in.force_login(factories.VerifiedUserFactory())
    clients = [Client(), signed_in]
    for client in clients:
        for _ in range(2):
            assert client.get(page.get_absolute_url()).status_code == 200
    return clients


def read(client, review):
    return client.get(review.get_absolute_url()).content.decode()


def rename_person(review):
    person = review.film.credits.get(role="director").person
    person.name = "Agnes Renamed"
    person.save()
    return "Agnes Renamed", "Agnes Varda Jones"


def delete_person(review):
    review.film.credits.get(role="cast").person.delete()
    return None, "Marlow Finch"


def delete_credit(review):
    review.film.credits.get(role="director").delete()
    return None, "Agnes Varda Jones"


def add_credit(review):
    factories.CreditFactory(film=review.film, person__name="Newcomer Lee", role="cast")
    return "Newcomer Lee", None


def change_known_for(review):
    person = review.film.credits.get(role="director").person
    person.known_for = "Vagabond Days"
    person.save()
    return "Vagabond Days", "Cleo at Noon"


def rename_genre(review):
    genre = review.film.genres.get()
    genre.name = "Neo-noir"
    genre.save()
    return "Neo-noir", ">Noir<"


def delete_genre(review):
    review.film.genres.get().delete()
    return None, ">Noir<"


def unlink_genre(review):
    review.film.genres.clear()
    return None, ">Noir<"


def link_genre_from_the_genre(review):
    factories.GenreFactory(name="Mystery").films.add(review.film)
    return ">Mystery<", None


def edit_film(review):
    review.film.synopsis = "A projectionist loses a reel."
    review.film.save()
    return "A projectionist loses a reel.", "A projectionist finds a reel."


def edit_critic(review):
    review.critic.bio = "Left the weekly for the radio."
    review.critic.save()
    return "Left the weekly for the radio.", "Reviews films for the weekly."


def add_book(review):
    factories.BookFactory(critic=review.critic, title="The Second Feature")
    return "The Second Feature", None


def edit_book(review):
    book = review.critic.books.get()
    book.title = "Days at the Bijou"
    book.save()
    return "Days at the Bijou", "Night Shifts at the Bijou"


def delete_book(review):
    review.critic.books.get().delete()
    return None, "Night Shifts at the Bijou"


def edit_review(review):
    review.body = "A rewritten first paragraph."
    review.save()
    return "A rewritten first paragraph.", "A second paragraph."


def approve_comment(review):
    from comments import moderation

    moderation.approve(factories.CommentFactory(review=review, status="pending", body="Approved later."))
    return "Approved later.", "1 thought on"


def remove_comment(review):
    from comments import moderation

    moderation.remove(review.comments.get())
    return "0 thoughts on", "A first thought on the reel."


CHANGES = [
    rename_person,
    delete_person,
    delete_credit,
    add_credit,
    change_known_for,
    rename_genre,
    delete_genre,
    unlink_genre,
    link_genre_from_the_genre,
    edit_film,
    edit_critic,
    add_book,
    edit_book,
    delete_book,
    edit_review,
    approve_comment,
    remove_comment,
]


@pytest.mark.parametrize("change", CHANGES, ids=[change.__name__ for change in CHANGES])
def test_a_change_shows_on_the_next_request_for_every_reader(page, readers, change):
    shown, gone = change(page)
    page.refresh_from_db()
    for client in readers:
        html = read(client, page)
        if shown:
            assert shown in html
        if gone:
            assert gone not in html


def test_a_renamed_commenter_shows_under_the_new_name(page, readers):
    author = factories.VerifiedUserFactory(display_name="Ida Before")
    factories.CommentFactory(review=page, author=author, guest_name="", guest_email="")
    for client in readers:
        assert "Ida Before" in read(client, page)
    author.display_name = "Ida After"
    author.save()
    for client in readers:
        html = read(client, page)
        assert "Ida After" in html and "Ida Before" not in html


def test_a_commenters_new_avatar_shows_in_the_cached_thread(page, readers):
    from PIL import Image

    from accounts import avatars

    author = factories.VerifiedUserFactory(display_name="Ida Pictured")
    factories.CommentFactory(review=page, author=author, guest_name="", guest_email="")
    for client in readers:
        assert 'class="avatar-mini tone-' in read(client, page)  # initials, no picture yet
    avatars.set_avatar(author, Image.new("RGB", (200, 200), (30, 90, 200)))
    for client in readers:
        assert f'src="{author.avatar_small.url}"' in read(client, page)
    avatars.clear_avatar(author)
    for client in readers:
        assert 'avatar-mini" src=' not in read(client, page) and "/avatars/" not in read(client, page)


def test_changing_a_template_changes_the_version_of_every_cached_piece(tmp_path, monkeypatch):
    """Cached HTML lives in the "html" cache alias, whose version is this digest: a deploy that
    changes a template (or sets DJANGO_HTML_VERSION) never serves HTML the old one made."""
    from reviewsite.settings import html_version

    (tmp_path / "templates" / "comments").mkdir(parents=True)
    (tmp_path / "requirements.txt").write_text("Django==5.2\n")
    template = tmp_path / "templates" / "comments" / "_comment.html"
    template.write_text('<article class="comment">')
    before = html_version(tmp_path)
    assert html_version(tmp_path) == before  # stable between processes
    template.write_text('<article class="comment comment-card">')
    changed = html_version(tmp_path)
    assert changed != before
    monkeypatch.setenv("DJANGO_HTML_VERSION", "deploy-42")
    assert html_version(tmp_path) not in (before, changed)


def test_rendered_html_is_cached_under_that_version(settings):
    from django.core.cache import caches

    assert caches["html"].version == settings.CACHES["html"]["VERSION"] != caches["default"].version


def test_the_admins_bulk_delete_reaches_the_page(page, readers):
    """The admin's "delete selected" deletes through a queryset: the receivers still run."""
    from django.urls import reverse

    admin = Client()
    admin.force_login(factories.EditorFactory(is_superuser=True))
    cast = page.film.credits.get(role="cast").person
    response = admin.post(
        reverse("admin:reviews_person_changelist"),
        {"action": "delete_selected", "_selected_action": [cast.pk], "post": "yes"},
    )
    assert response.status_code == 302
    for client in readers:
        assert "Marlow Finch" not in read(client, page)
