"""allauth's pages and ours render in the site layout, with Bootstrap, and leak nothing."""

import pytest
from django.urls import reverse

from tests.factories import CommentFactory, ReviewFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db

ENTRANCE_PAGES = ["account_login", "account_signup", "account_reset_password"]
MANAGE_PAGES = ["account_email", "account_change_password", "socialaccount_connections"]
OWN_PAGES = ["accounts:settings", "accounts:export", "accounts:delete"]


@pytest.mark.parametrize("name", ENTRANCE_PAGES)
def test_entrance_pages_use_the_site_layout(client, name):
    response = client.get(reverse(name))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header' in html and "site-footer" in html
    assert "account-entrance" in html and 'class="form-control' in html
    assert "Menu:" not in html  # allauth's bare default layout


@pytest.mark.parametrize("name", MANAGE_PAGES + OWN_PAGES)
def test_account_pages_share_the_settings_navigation(client, name):
    client.force_login(VerifiedUserFactory())
    response = client.get(reverse(name))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-label="Your account"' in html and "site-footer" in html


@pytest.mark.parametrize("name", OWN_PAGES)
def test_account_pages_need_a_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_header_links_the_signed_in_name_to_settings(client):
    user = VerifiedUserFactory(display_name="Rowan Vale")
    client.force_login(user)
    html = client.get(reverse("account_email")).content.decode()
    assert 'href="/members/settings/"' in html and "Rowan Vale" in html


def test_no_account_page_shows_another_persons_email(client):
    other = VerifiedUserFactory(email="secret-other@example.com")
    CommentFactory(author=other, guest_name="", guest_email="", review=ReviewFactory())
    viewer = VerifiedUserFactory()
    client.force_login(viewer)
    pages = [reverse(name) for name in MANAGE_PAGES + OWN_PAGES] + [
        reverse("accounts:profile", args=[other.username])
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "secret-other@example.com" not in html, url
    client.logout()
    html = client.get(reverse("accounts:profile", args=[other.username])).content.decode()
    assert "secret-other@example.com" not in html
