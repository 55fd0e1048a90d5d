"""allauth sign-up, e-mail verification, log in by username or e-mail, password reset and change."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "popcorn-and-a-matinee-7"


def sign_up(client, **overrides):
    data = {
        "username": "newreader",
        "email": "newreader@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }
    return client.post(reverse("account_signup"), data)


def link_in(message):
    return re.search(r"https?://\S+", message.body).group(0)


def test_sign_up_sends_a_verification_email_and_does_not_log_in(client, mailoutbox):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = get_user_model().objects.get(username="newreader")
    assert not user.has_verified_email()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["newreader@example.com"]
    assert "_auth_user_id" not in client.session


def test_following_the_link_verifies_and_logs_in(client, mailoutbox):
    sign_up(client)
    url = link_in(mailoutbox[0])
    assert client.get(url).status_code == 200  # confirms on POST, not on GET
    response = client.post(url)
    assert response.status_code == 302
    user = get_user_model().objects.get(username="newreader")
    assert user.has_verified_email()
    assert int(client.session["_auth_user_id"]) == user.pk


def test_unverified_account_cannot_log_in(client, mailoutbox):
    sign_up(client)
    client.logout()
    mailoutbox.clear()
    response = client.post(reverse("account_login"), {"login": "newreader", "password": NEW_PASSWORD})
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_sign_up_applies_djangos_password_validators(client):
    response = sign_up(client, password1="password", password2="password")
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="newreader").exists()
    assert "too common" in response.content.decode()


@pytest.mark.parametrize("username", ["settings", "Admin"])
def test_sign_up_refuses_reserved_usernames(client, username):
    response = sign_up(client, username=username)
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username__iexact=username).exists()


def test_sign_up_refuses_an_email_already_in_use(client):
    VerifiedUserFactory(email="taken@example.com")
    sign_up(client, email="Taken@example.com")
    assert not get_user_model().objects.filter(username="newreader").exists()


@pytest.mark.parametrize("login", ["reader7", "reader7@example.com", "READER7@example.com"])
def test_log_in_by_username_or_email(client, login):
    user = VerifiedUserFactory(username="reader7", email="reader7@example.com")
    response = client.post(reverse("account_login"), {"login": login, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_wrong_password_shows_an_error(client):
    VerifiedUserFactory(username="reader7")
    response = client.post(reverse("account_login"), {"login": "reader7", "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_log_out_is_a_post(client):
    client.force_login(VerifiedUserFactory())
    client.get(reverse("account_logout"))
    assert "_auth_user_id" in client.session
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client, mailoutbox):
    user = VerifiedUserFactory(email="forgetful@example.com")
    response = client.post(reverse("account_reset_password"), {"email": "forgetful@example.com"})
    assert response.status_code == 302
    url = link_in(mailoutbox[0])
    response = client.get(url)  # allauth moves the key into the session and redirects
    assert response.status_code == 302
    form_url = response["Location"]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_reset_for_an_unknown_address_sends_no_reset_link(client, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert all("password/reset/key" not in message.body for message in mailoutbox)


def test_change_password(client):
    user = VerifiedUserFactory()
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_add_a_second_email_address_needs_verification(client, mailoutbox):
    user = VerifiedUserFactory()
    client.force_login(user)
    client.post(reverse("account_email"), {"action_add": "", "email": "second@example.com"})
    address = EmailAddress.objects.get(user=user, email="second@example.com")
    assert not address.verified
    assert mailoutbox[-1].to == ["second@example.com"]


def test_user_factory_makes_unverified_accounts():
    assert not UserFactory().has_verified_email()
    assert VerifiedUserFactory().has_verified_email()


def test_emails_speak_for_the_site(client, mailoutbox, settings):
    sign_up(client)
    message = mailoutbox[0]
    assert message.subject.startswith("[Marquee] ")
    assert "Hello from Marquee!" in message.body and "example.com" not in message.body


def test_sign_up_page_speaks_the_sites_language(client):
    html = client.get(reverse("account_signup")).content.decode()
    assert "/members/your-username/" in html and "/members//" not in html
    assert "Create an account" in html and "Sign Up" not in html
    assert ">E-mail<" in html or "E-mail" in html


def test_sign_in_and_sign_out_pages_are_in_the_sites_look(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "account-entrance" in html and "Sign In" not in html and "Create an account" in html
    client.force_login(VerifiedUserFactory())
    html = client.get(reverse("account_logout")).content.decode()
    assert "Are you sure you want to sign out?" in html
    assert "account-nav" not in html and "Sign Out" not in html  # no settings sidebar
