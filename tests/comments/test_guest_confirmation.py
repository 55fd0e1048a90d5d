"""A guest confirming their e-mail address re-screens their held comments: those held only for
the unconfirmed address are published (and the guest told); the rest keep their other reason."""

import re

import pytest
from django.urls import reverse

from comments import moderation, notifications
from comments.models import Comment, HeldFor, ModerationAction, WordListEntry
from tests import factories

pytestmark = pytest.mark.django_db

EMAIL = "greta@guest.example"


@pytest.fixture(autouse=True)
def _no_flood_wait(settings):
    settings.MARQUEE_MODERATION_FLOOD_SECONDS = 0


@pytest.fixture
def review():
    return factories.ReviewFactory(film__title="The Long Reel")


def post_as_guest(review, body, ip="192.0.2.1"):
    comment = Comment(review=review, guest_name="Greta Guest", guest_email=EMAIL, body=body, ip_address=ip)
    moderation.screen(comment)
    return moderation.post(comment)


def confirm(client, comment):
    token = notifications.make_guest_token(comment, salt=notifications.CONFIRM_SALT)
    return client.get(reverse("comments:guest-confirm", args=[token]))


def test_confirming_publishes_comments_held_only_for_the_address(
    client, review, mailoutbox, django_capture_on_commit_callbacks
):
    factories.CommentFactory(review=review, guest_name="Greta Guest", guest_email=EMAIL)  # known already
    with django_capture_on_commit_callbacks(execute=True):
        comment = post_as_guest(review, "I liked the ferry scene.")
    assert (comment.status, comment.held_for) == ("pending", HeldFor.UNVERIFIED_EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, comment)
    assert response.status_code == 200
    assert "now published" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == "approved"
    action = ModerationAction.objects.get(comment=comment, action="approve")
    assert action.actor is None and "confirmed" in action.note
    told = [m for m in mailoutbox if m.to == [EMAIL] and m.subject.endswith("is published")]
    assert len(told) == 1


def test_confirming_keeps_other_reasons_in_the_queue(client, review):
    first = post_as_guest(review, "My first comment here.")  # a new guest: held for two reasons
    WordListEntry.objects.create(phrase="refund", kind="watch")
    watched = post_as_guest(review, "I want a refund.", ip="192.0.2.2")
    assert watched.held_for == HeldFor.WATCH_WORD
    response = confirm(client, first)
    assert "now published" not in response.content.decode()
    first.refresh_from_db()
    watched.refresh_from_db()
    assert (first.status, first.held_for) == ("pending", HeldFor.NEW_COMMENTER)
    assert (watched.status, watched.held_for) == ("pending", HeldFor.WATCH_WORD)
    rescreen = ModerationAction.objects.filter(comment=first).first()
    assert (rescreen.action, rescreen.reason) == ("held", HeldFor.NEW_COMMENTER)


def test_the_comments_admin_page_shows_the_address_is_confirmed(client, review):
    comment = post_as_guest(review, "Held until I confirm.")
    client.force_login(factories.ModeratorFactory())
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    assert "e-mail not confirmed" in client.get(url).content.decode()
    confirm(client, comment)
    page = client.get(url).content.decode()
    assert "e-mail confirmed" in page and "e-mail not confirmed" not in page
    held_for = re.search(r'field-held_for_display.*?<div class="readonly">(.*?)</div>', page, re.S)
    assert held_for.group(1) == "New commenter"
