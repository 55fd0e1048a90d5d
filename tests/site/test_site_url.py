"""Links in e-mail point where the reader was: the request's address (`make run PORT=8211`),
or DJANGO_SITE_URL when it is set (the address a task worker uses)."""

import re

import pytest
from django.urls import reverse

from comments import tasks
from comments.models import Comment
from reviewsite import siteurl
from tests import factories
from tests.comments.conftest import form_data

pytestmark = pytest.mark.django_db

PORT_8211 = {"HTTP_HOST": "127.0.0.1:8211"}


def links(message):
    return re.findall(r"https?://[^\s>]+", message.body)


@pytest.fixture
def review(db):
    return factories.ReviewFactory()


def test_guest_receipt_links_use_the_requests_address(
    client, review, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.MARQUEE_SITE_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("comments:comment-post", args=[review.pk]), form_data(review), **PORT_8211)
    found = [link for message in mailoutbox for link in links(message)]
    assert found and all(link.startswith("http://127.0.0.1:8211/") for link in found), found
    assert not any(":8000" in message.body for message in mailoutbox)


def test_the_site_url_setting_wins_when_set(
    client, review, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.MARQUEE_SITE_URL = "https://films.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("comments:comment-post", args=[review.pk]), form_data(review), **PORT_8211)
    found = [link for message in mailoutbox for link in links(message)]
    assert found and all(link.startswith("https://films.example.com/") for link in found), found


def test_a_task_run_elsewhere_uses_the_address_it_was_given(review, mailoutbox, settings):
    """The worker has no request: the address travels with the task."""
    settings.MARQUEE_SITE_URL = ""
    comment = factories.CommentFactory(review=review, status=Comment.Status.PENDING)
    tasks.send_guest_receipt.enqueue(comment.pk, site_url="http://films.internal:9000")
    assert all(link.startswith("http://films.internal:9000/") for link in links(mailoutbox[-1]))
    assert siteurl.site_url() == siteurl.FALLBACK  # nothing leaks out of the task


def test_allauth_mail_names_the_site_and_the_address_used(client, mailoutbox, settings):
    settings.MARQUEE_SITE_URL = ""
    client.post(
        reverse("account_signup"),
        {
            "username": "newreader",
            "email": "newreader@example.com",
            "password1": "popcorn-and-a-matinee-7",
            "password2": "popcorn-and-a-matinee-7",
        },
        **PORT_8211,
    )
    body = mailoutbox[0].body
    assert "Hello from Marquee!" in body
    assert "an account on 127.0.0.1:8211" in body
    assert "127.0.0.1:8000" not in body
    assert all(link.startswith("http://127.0.0.1:8211/") for link in links(mailoutbox[0]))
