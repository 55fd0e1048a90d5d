import pytest
from django.contrib.auth.models import Group, Permission

from reviews.models import Review
from tests.factories import CriticFactory, FilmFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def critic_user():
    user = UserFactory(username="hale", is_staff=True)
    user.groups.add(Group.objects.get(name="Critics"))
    CriticFactory(name="Margaret Hale", account=user)
    return user


def test_critics_group_has_review_permissions():
    group = Group.objects.get(name="Critics")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_review", "change_review", "view_review", "view_film", "view_person"} <= codenames
    assert "delete_review" not in codenames and "edit_all_reviews" not in codenames
    assert "change_film" not in codenames


def test_critic_sees_and_edits_only_their_own_reviews(client, critic_user):
    own = ReviewFactory(critic=critic_user.critic, headline="My own review")
    other = ReviewFactory(headline="Somebody else's review")
    client.force_login(critic_user)
    listing = client.get("/admin/reviews/review/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "My own review" in html and "Somebody else" not in html
    assert client.get(f"/admin/reviews/review/{own.pk}/change/").status_code == 200
    assert client.get(f"/admin/reviews/review/{other.pk}/change/").status_code in (302, 403, 404)
    response = client.post(
        f"/admin/reviews/review/{other.pk}/change/",
        {
            "headline": "Hijacked",
            "film": other.film_id,
            "slug": other.slug,
            "lowdown": "x",
            "body": "x",
            "status": "published",
            "published_at_0": "2026-01-01",
            "published_at_1": "10:00",
            "comments_open": "on",
        },
    )
    assert response.status_code in (302, 403, 404)
    other.refresh_from_db()
    assert other.headline == "Somebody else's review"


def test_a_critics_new_review_is_always_theirs(client, critic_user):
    someone_else = CriticFactory()
    film = FilmFactory()
    client.force_login(critic_user)
    response = client.post(
        "/admin/reviews/review/add/",
        {
            "film": film.pk,
            "critic": someone_else.pk,
            "headline": "Fresh",
            "slug": "fresh",
            "lowdown": "Good.",
            "stars": "4",
            "body": "Body.",
            "status": "draft",
            "published_at_0": "2026-01-01",
            "published_at_1": "10:00",
            "comments_open": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Review.objects.get(slug="fresh").critic == critic_user.critic
    again = client.post(
        "/admin/reviews/review/add/",
        {
            "film": film.pk,
            "headline": "Twice",
            "slug": "twice",
            "lowdown": "Again.",
            "body": "Body.",
            "status": "draft",
            "published_at_0": "2026-01-01",
            "published_at_1": "10:00",
        },
    )
    assert again.status_code == 200
    assert "already reviewed this film" in again.content.decode()


def test_editors_see_all_reviews(client):
    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_review"))
    ReviewFactory(headline="First critic's"), ReviewFactory(headline="Second critic's")
    client.force_login(editor)
    html = client.get("/admin/reviews/review/").content.decode()
    assert "First critic&#x27;s" in html and "Second critic&#x27;s" in html


def test_superuser_linked_to_a_critic_still_sees_all(client):
    boss = UserFactory(is_staff=True, is_superuser=True)
    CriticFactory(account=boss)
    ReviewFactory(headline="Not mine")
    client.force_login(boss)
    assert "Not mine" in client.get("/admin/reviews/review/").content.decode()


def test_admin_review_star_validation_is_a_form_error(client):
    boss = UserFactory(is_staff=True, is_superuser=True)
    film, critic = FilmFactory(), CriticFactory()
    client.force_login(boss)
    response = client.post(
        "/admin/reviews/review/add/",
        {
            "film": film.pk,
            "critic": critic.pk,
            "headline": "H",
            "slug": "h",
            "lowdown": "L",
            "stars": "3.3",
            "body": "B",
            "status": "draft",
            "published_at_0": "2026-01-01",
            "published_at_1": "10:00",
        },
    )
    assert response.status_code == 200
    assert "in halves" in response.content.decode()


def test_admin_pages_load_for_editors(client):
    boss = UserFactory(is_staff=True, is_superuser=True)
    review = ReviewFactory()
    client.force_login(boss)
    for url in (
        "/admin/reviews/film/add/",
        f"/admin/reviews/film/{review.film_id}/change/",
        "/admin/reviews/critic/add/",
        "/admin/reviews/person/add/",
        f"/admin/reviews/review/{review.pk}/change/",
        "/admin/reviews/review/?status__exact=draft",
        "/admin/reviews/review/?q=headline",
    ):
        assert client.get(url).status_code == 200, url
