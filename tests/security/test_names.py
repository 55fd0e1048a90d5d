"""One rule for names (issue 12, item 3): guests and accounts cannot pass as critics or members.

Names are stored normalised (NFKC, no invisible or direction characters) and compared by their
confusable skeleton (accounts/names.py) against critics' names, accounts' usernames and display
names, by `accounts.models.display_name_taken` for guests (comments/forms.py), display names
(accounts/forms.py) and new usernames (accounts/adapters.py).
"""

import pytest
from django.urls import reverse

from accounts import names
from accounts.models import User, display_name_taken
from comments.models import Comment
from tests import factories
from tests.comments.conftest import form_data

pytestmark = pytest.mark.django_db

ZWSP, RLO, LRI, PDI = "\u200b", "\u202e", "\u2066", "\u2069"
IMPERSONATIONS = [
    pytest.param(f"Marga{ZWSP}ret Hale", id="zero-width-space"),
    pytest.param(f"Margaret{ZWSP}Hale", id="zero-width-space-for-the-space"),
    pytest.param("\uff2dargaret Hale", id="full-width-M"),
    pytest.param(
        "\uff2d\uff41\uff52\uff47\uff41\uff52\uff45\uff54\u3000\uff28\uff41\uff4c\uff45", id="all-full-width"
    ),
    pytest.param("M\u0430rg\u0430ret H\u0430le", id="cyrillic-a"),
    pytest.param("Margar\u0435t Hal\u0435", id="cyrillic-ie"),
    pytest.param(f"{RLO}Margaret Hale", id="right-to-left-override"),
    pytest.param(f"{LRI}Margaret Hale{PDI}", id="isolates"),
    pytest.param("MARGARET  HALE", id="case-and-spacing"),
    pytest.param("Margaret Ha1e", id="digit-one-for-l"),
    pytest.param("Rnargaret Hale", id="rn-for-m"),
    pytest.param("Margaret Hal\u00e9", id="accent"),
    pytest.param("Margaret.Hale", id="punctuation"),
    pytest.param("\uff32owan Vale", id="full-width-R-member"),
    pytest.param("r\u043ew\u0430n", id="cyrillic-username"),
]


@pytest.fixture
def people(db):
    factories.CriticFactory(name="Margaret Hale")
    return factories.UserFactory(username="rowan", display_name="Rowan Vale")


@pytest.fixture(autouse=True)
def _no_flood_limits(settings):
    settings.MARQUEE_MODERATION_FLOOD_SECONDS = 0
    settings.MARQUEE_MODERATION_GUEST_IP_PER_HOUR = 1000


@pytest.mark.parametrize("name", IMPERSONATIONS)
def test_guests_cannot_post_under_a_look_alike_name(client, people, name):
    review = factories.ReviewFactory(status="published")
    response = client.post(reverse("comments:comment-post", args=[review.pk]), form_data(review, name=name))
    assert response.status_code == 400
    assert "reserved" in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize("name", IMPERSONATIONS)
def test_accounts_cannot_take_a_look_alike_display_name(client, people, name):
    reader = factories.VerifiedUserFactory(display_name="Film Owl")
    client.force_login(reader)
    response = client.post(reverse("accounts:settings"), {"display_name": name, "bio": "", "website": ""})
    assert response.status_code == 200
    assert "already uses that name" in response.content.decode()
    reader.refresh_from_db()
    assert reader.display_name == "Film Owl"


def test_guest_names_are_stored_normalised(client, people):
    review = factories.ReviewFactory(status="published")
    typed = f"{RLO}Pat{ZWSP} \uff27uest\u00a0 \u0007"
    client.post(reverse("comments:comment-post", args=[review.pk]), form_data(review, name=typed))
    assert Comment.objects.get().guest_name == "Pat Guest"


def test_a_right_to_left_override_cannot_reorder_the_page(client, people):
    """The override is stripped on input, and the name is isolated in <bdi> where shown."""
    review = factories.ReviewFactory(status="published")
    client.post(reverse("comments:comment-post", args=[review.pk]), form_data(review, name=f"{RLO}ytreP"))
    comment = Comment.objects.get()
    assert comment.guest_name == "ytreP"
    assert RLO not in comment.guest_name


def test_distinct_names_stay_free():
    factories.CriticFactory(name="Margaret Hale")
    for name in ("Margaret Hall", "Marge", "山田太郎", "Zoë Brandt", "Иван Петров"):
        assert not display_name_taken(name), name


def test_an_account_keeps_its_own_name_and_the_critic_their_name(people):
    assert not display_name_taken("Rowan Vale", exclude=people)
    assert display_name_taken("Rowan Vale")
    critic_account = factories.UserFactory()
    factories.CriticFactory(name="Desmond Okafor", account=critic_account)
    assert not display_name_taken("Desmond Okafor", exclude=critic_account)
    assert display_name_taken("Desm0nd Okafor", exclude=people)


def test_skeletons_are_kept_on_save_and_used_by_the_query():
    user = factories.UserFactory(username="hale", display_name="Ｍargaret")
    assert user.display_name_skeleton == names.skeleton("Margaret")
    User.objects.filter(pk=user.pk).update(display_name_skeleton="")  # the query reads the column
    assert not display_name_taken("Margaret")


def test_signup_refuses_a_username_that_looks_like_a_critic(client, people):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "username": "MargaretHale",
            "password1": "a long enough pass 123",
            "password2": "a long enough pass 123",
        },
    )
    assert response.status_code == 200
    assert "looks like the name" in response.content.decode()
    assert not User.objects.filter(username__iexact="margarethale").exists()


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (f"A{ZWSP}B", "AB"),
        ("\uff21\uff22", "AB"),
        (f"{RLO}abc", "abc"),
        ("a\u00a0\u2003b", "a b"),
        ("a\r\nb", "a b"),
        ("a\x00b", "ab"),
        ("", ""),
    ],
)
def test_clean(raw, clean):
    assert names.clean(raw) == clean
