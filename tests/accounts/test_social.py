"""Social sign-in with the generic OpenID Connect provider, its endpoints faked (no network)."""

from unittest import mock
from urllib.parse import parse_qs, urlparse

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.urls import reverse

from tests.factories import VerifiedUserFactory

pytestmark = pytest.mark.django_db

ISSUER = "https://id.example.test"
DISCOVERY = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/authorize",
    "token_endpoint": f"{ISSUER}/token",
    "userinfo_endpoint": f"{ISSUER}/userinfo",
    "jwks_uri": f"{ISSUER}/jwks",
    "token_endpoint_auth_methods_supported": ["client_secret_post"],
}


@pytest.fixture
def provider(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "weekly-id",
                    "name": "Weekly ID",
                    "client_id": "marquee",
                    "secret": "s3cret",
                    "settings": {"server_url": ISSUER},
                }
            ]
        }
    }


class FakeProvider:
    """Answers allauth's HTTP calls the way an OpenID Connect provider would."""

    def __init__(self, userinfo):
        self.userinfo = userinfo
        self.calls = []

    def __call__(self, method, url, **kwargs):
        self.calls.append((method, url))
        if url == f"{ISSUER}/.well-known/openid-configuration":
            return self.response(DISCOVERY)
        if url == DISCOVERY["token_endpoint"]:
            assert kwargs["data"]["code"] == "the-code"
            return self.response({"access_token": "the-token", "token_type": "Bearer", "expires_in": 3600})
        if url == DISCOVERY["userinfo_endpoint"]:
            assert kwargs["headers"]["Authorization"] == "Bearer the-token"
            return self.response(self.userinfo)
        raise AssertionError(f"unexpected request {method} {url}")

    @staticmethod
    def response(data):
        response = mock.Mock(status_code=200, headers={"content-type": "application/json"})
        response.json.return_value = data
        response.text = "{}"
        response.raise_for_status.return_value = None
        return response


def sign_in_with_provider(client, userinfo):
    fake = FakeProvider(userinfo)
    with mock.patch("requests.Session.request", side_effect=fake):
        login_url = reverse("openid_connect_login", kwargs={"provider_id": "weekly-id"})
        response = client.post(login_url)
        assert response.status_code == 302
        authorize = urlparse(response["Location"])
        assert (
            f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == DISCOVERY["authorization_endpoint"]
        )
        state = parse_qs(authorize.query)["state"][0]
        callback = reverse("openid_connect_callback", kwargs={"provider_id": "weekly-id"})
        response = client.get(callback, {"code": "the-code", "state": state})
    return response, fake


USERINFO = {
    "sub": "abc-123",
    "email": "ada@example.org",
    "email_verified": True,
    "name": "Ada Lumière",
    "preferred_username": "ada",
}


def test_buttons_show_only_when_a_provider_is_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    assert "Continue with" not in client.get(reverse("account_login")).content.decode()
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "weekly-id",
                    "name": "Weekly ID",
                    "client_id": "x",
                    "secret": "y",
                    "settings": {"server_url": ISSUER},
                }
            ]
        }
    }
    html = client.get(reverse("account_login")).content.decode()
    assert "Continue with Weekly ID" in html
    assert reverse("openid_connect_login", kwargs={"provider_id": "weekly-id"}) in html


def test_a_provider_configured_in_the_admin_shows_its_button(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    app = SocialApp.objects.create(
        provider="openid_connect",
        provider_id="staff-sso",
        name="Staff SSO",
        client_id="x",
        secret="y",
        settings={"server_url": ISSUER},
    )
    app.sites.add(Site.objects.get_current())
    assert "Continue with Staff SSO" in client.get(reverse("account_signup")).content.decode()


def test_a_new_person_signs_in_with_openid_connect(client, provider):
    response, fake = sign_in_with_provider(client, USERINFO)
    assert response.status_code == 302, response.content
    user = get_user_model().objects.get(email="ada@example.org")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert user.display_name == "Ada Lumière"
    assert user.has_verified_email()  # the provider verified it: the account can comment
    assert SocialAccount.objects.get(user=user).uid == "abc-123"
    assert ("POST", DISCOVERY["token_endpoint"]) in fake.calls


def test_a_social_login_links_to_the_account_with_the_same_verified_email(client, provider):
    existing = VerifiedUserFactory(username="ada_local", email="ada@example.org", display_name="Ada")
    response, _ = sign_in_with_provider(client, USERINFO)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == existing.pk
    assert get_user_model().objects.filter(email__iexact="ada@example.org").count() == 1
    assert SocialAccount.objects.get(uid="abc-123").user == existing
    existing.refresh_from_db()
    assert existing.display_name == "Ada"


def test_an_unverified_provider_email_does_not_take_over_an_account(client, provider):
    existing = VerifiedUserFactory(username="ada_local", email="ada@example.org")
    response, _ = sign_in_with_provider(client, {**USERINFO, "email_verified": False})
    assert client.session.get("_auth_user_id") != str(existing.pk)
    assert not SocialAccount.objects.filter(user=existing).exists()
    assert get_user_model().objects.count() == 1
    # allauth does not reveal that the address has an account: it shows "check your e-mail",
    # in the site layout.
    html = client.get(response["Location"]).content.decode()
    assert "account-entrance" in html and 'class="site-header' in html


def test_a_taken_display_name_is_not_copied_from_the_provider(client, provider):
    VerifiedUserFactory(display_name="ada lumière")
    sign_in_with_provider(client, USERINFO)
    user = get_user_model().objects.get(email="ada@example.org")
    assert user.display_name == ""
    assert EmailAddress.objects.get(user=user).verified


def test_provider_from_environment_settings(monkeypatch):
    import importlib

    from reviewsite import settings as site_settings

    monkeypatch.setenv("DJANGO_OIDC_SERVER_URL", ISSUER)
    monkeypatch.setenv("DJANGO_OIDC_CLIENT_ID", "marquee")
    monkeypatch.setenv("DJANGO_OIDC_CLIENT_SECRET", "s3cret")
    monkeypatch.setenv("DJANGO_OIDC_NAME", "Weekly ID")
    try:
        reloaded = importlib.reload(site_settings)
        app = reloaded.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]
        assert app["name"] == "Weekly ID" and app["settings"]["server_url"] == ISSUER
        assert app["client_id"] == "marquee" and app["secret"] == "s3cret"
    finally:
        monkeypatch.undo()  # the environment as it was (CI may set these), then the module too
        importlib.reload(site_settings)
