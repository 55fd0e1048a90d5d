"""allauth's rate limits are on; over the limit a person gets a clear 429 page, never a 500."""

import pytest
from django.urls import reverse

from tests.factories import VerifiedUserFactory

pytestmark = pytest.mark.django_db


def assert_friendly_429(response):
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many attempts" in html
    assert 'class="site-header' in html  # the site layout, not a bare error


def test_failed_logins_for_one_account_are_limited(client):
    VerifiedUserFactory(username="target")
    responses = [
        client.post(reverse("account_login"), {"login": "target", "password": f"guess-{n}"}) for n in range(6)
    ]
    assert [r.status_code for r in responses[:5]] == [200] * 5
    # allauth shows the limit as a form error on the login page.
    assert "Too many failed login attempts" in responses[5].content.decode()


def test_logins_from_one_address_are_limited(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    statuses = [
        client.post(reverse("account_login"), {"login": "x", "password": "y"}).status_code for _ in range(4)
    ]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3] == 429


def test_signups_from_one_address_are_limited(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/m/ip"}
    for number in range(2):
        client.post(
            reverse("account_signup"),
            {
                "username": f"bot{number}",
                "email": f"bot{number}@example.com",
                "password1": "a-fine-long-password-9",
                "password2": "a-fine-long-password-9",
            },
        )
    assert_friendly_429(client.post(reverse("account_signup"), {"username": "bot9"}))


def test_password_resets_are_limited(client, mailoutbox):
    VerifiedUserFactory(email="target@example.com")
    statuses = [
        client.post(reverse("account_reset_password"), {"email": "target@example.com"}).status_code
        for _ in range(6)
    ]
    assert statuses[0] == 302
    assert 429 in statuses
    assert len(mailoutbox) < 6
    assert_friendly_429(client.post(reverse("account_reset_password"), {"email": "target@example.com"}))
