"""Logs never contain e-mail addresses or passwords.

Every record that reaches the root logger is captured (level DEBUG, and DEBUG on, so Django
would log SQL with its parameters if `django.db.backends` were not held at INFO) while people
sign up, sign in, post as guests, reset passwords and hit errors, including a 500 raised in
the middle of a post that carried both. Each record is checked as a handler writes it: the
message with its arguments and the traceback. (factory_boy's own debug records, which name the
test password, are the tests' tooling, not the site's, and are left out.)
"""

import logging
import re
import time

import pytest
from django.urls import reverse

from comments import moderation
from comments.forms import make_security_token
from tests import factories

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PASSWORD = "matinee-secret-password-41"
WRONG_PASSWORD = "wrong-secret-password-42"
SECRETS = (PASSWORD, WRONG_PASSWORD, factories.DEFAULT_PASSWORD)


def _written(record):
    """What a handler writes for this record: name, level, message, and any traceback."""
    return logging.Formatter("%(name)s %(levelname)s %(message)s").format(record) + repr(record.args)


def assert_clean(records):
    records = [record for record in records if not record.name.startswith("factory")]
    assert records, "nothing was logged: the capture is not working"
    for record in records:
        text = _written(record)
        assert not EMAIL.search(text), f"an e-mail address in the log: {EMAIL.search(text)[0]!r} in {text!r}"
        for secret in SECRETS:
            assert secret not in text, f"a password in the log: {text!r}"


@pytest.fixture
def logs(caplog, settings):
    settings.DEBUG = True  # Django logs SQL (with parameters) only when DEBUG is on
    caplog.set_level(logging.DEBUG)
    return caplog


def _guest_post(client, review, **data):
    return client.post(
        reverse("comments:comment-post", args=[review.pk]),
        {
            "body": "The ferry scene stayed with me.",
            "name": "Pat Guest",
            "email": "pat.guest@guest.example",
            "security": make_security_token(review.pk, time.time() - 60),
            **data,
        },
    )


def test_sign_up_sign_in_and_password_reset_log_no_address_or_password(client, logs, mailoutbox):
    signup = {"username": "newreader", "email": "new.reader@example.com"}
    client.post(reverse("account_signup"), {**signup, "password1": PASSWORD, "password2": WRONG_PASSWORD})
    client.post(reverse("account_signup"), {**signup, "password1": PASSWORD, "password2": PASSWORD})
    user = factories.VerifiedUserFactory(email="known.reader@example.com")
    client.post(reverse("account_login"), {"login": "known.reader@example.com", "password": WRONG_PASSWORD})
    client.post(reverse("account_login"), {"login": "nobody@example.com", "password": PASSWORD})
    client.post(reverse("account_login"), {"login": user.email, "password": factories.DEFAULT_PASSWORD})
    client.post(reverse("account_logout"))
    client.post(reverse("account_reset_password"), {"email": user.email})
    client.post(reverse("account_reset_password"), {"email": "unknown.person@example.com"})
    assert len(mailoutbox) >= 2  # the flows really ran: verification and reset mail went out
    logging.getLogger("marquee.test").info("checked %s", "marker")  # the capture itself works
    assert_clean(logs.records)


def test_guest_posting_and_refusals_log_no_address(client, logs, settings):
    review = factories.ReviewFactory()
    _guest_post(client, review)  # posted (held: unverified e-mail)
    _guest_post(client, review, body="")  # form error: 400
    _guest_post(client, review, body="Again, at once.")  # flood: 429
    factories.BanFactory(email="banned.guest@guest.example", user=None)
    _guest_post(client, review, email="banned.guest@guest.example", body="Let me in.")  # banned: logged
    assert any("banned" in record.getMessage() for record in logs.records)
    assert_clean(logs.records)


def test_errors_log_no_address_or_password(client, logs, monkeypatch):
    review = factories.ReviewFactory()
    client.get("/no-such-page/?email=someone@example.com")  # 404 with an address in the query
    client.raise_request_exception = False

    def broken(comment):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(moderation, "post", broken)
    response = _guest_post(client, review, website="https://pat.example/", remember="on")
    assert response.status_code == 500
    assert any(record.levelno >= logging.ERROR and record.exc_info for record in logs.records)
    client.post(reverse("account_login"), {"login": "pat.guest@guest.example", "password": PASSWORD})
    assert_clean(logs.records)
