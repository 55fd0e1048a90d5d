import pytest
from allauth.account.models import EmailAddress
from PIL import Image

from accounts import demo

pytestmark = pytest.mark.django_db


def test_demo_accounts_have_verified_emails_profiles_and_avatars():
    users = demo.load()
    assert set(users) == {"editor", "critic", "reader"}
    for user in users.values():
        assert user.has_verified_email()
        assert user.display_name and user.bio
        with user.avatar.open("rb") as stored, Image.open(stored) as image:
            assert image.size == (128, 128)


def test_demo_load_is_idempotent():
    first = demo.load()
    names = {role: user.avatar.name for role, user in first.items()}
    second = demo.load()
    assert {role: user.avatar.name for role, user in second.items()} == names
    assert EmailAddress.objects.count() == 3
