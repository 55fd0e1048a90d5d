"""The author's own comment: edit within the window (revisions, re-screened), delete any time,
and the same for guests through signed links; guests confirm their address by a signed link."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from comments import moderation, notifications
from comments.models import Comment, CommentRevision, HeldFor, ModerationAction, VerifiedGuestEmail
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    return factories.VerifiedUserFactory()


@pytest.fixture
def comment(author):
    comment = factories.CommentFactory(author=author, guest_name="", guest_email="", body="First thoughts.")
    return comment


def edit_url(comment):
    return reverse("comments:comment-edit", args=[comment.pk])


def delete_url(comment):
    return reverse("comments:comment-delete", args=[comment.pk])


def age(comment, **delta):
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - datetime.timedelta(**delta))


def test_author_edits_within_the_window_and_the_old_text_is_kept(client, author, comment):
    client.force_login(author)
    assert client.get(edit_url(comment)).status_code == 200
    response = client.post(edit_url(comment), {"body": "Second thoughts, [b]bold[/b]."})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Second thoughts, [b]bold[/b]."
    assert "<strong>bold</strong>" in comment.body_html or "<b>bold</b>" in comment.body_html
    assert comment.edited_at is not None
    assert comment.status == Comment.Status.APPROVED
    revision = CommentRevision.objects.get(comment=comment)
    assert revision.body == "First thoughts."
    assert ModerationAction.objects.filter(comment=comment, action="author_edit", actor=author).exists()


def test_edit_keeps_every_revision(client, author, comment):
    client.force_login(author)
    client.post(edit_url(comment), {"body": "two"})
    client.post(edit_url(comment), {"body": "three"})
    assert list(CommentRevision.objects.filter(comment=comment).values_list("body", flat=True)) == [
        "two",
        "First thoughts.",
    ]


def test_edit_window_is_a_setting_and_closes(client, settings, author, comment):
    client.force_login(author)
    age(comment, minutes=settings.MARQUEE_MODERATION_EDIT_MINUTES + 1)
    assert client.get(edit_url(comment)).status_code == 403
    assert client.post(edit_url(comment), {"body": "late"}).status_code == 403
    settings.MARQUEE_MODERATION_EDIT_MINUTES = 60
    assert client.post(edit_url(comment), {"body": "in time"}).status_code == 302


def test_only_the_author_may_edit_or_delete(client, comment):
    assert client.get(edit_url(comment)).status_code == 302  # to the login page
    assert client.post(delete_url(comment)).status_code == 302
    client.force_login(factories.VerifiedUserFactory())
    assert client.post(edit_url(comment), {"body": "hijack"}).status_code == 403
    assert client.post(delete_url(comment)).status_code == 403
    client.force_login(factories.ModeratorFactory())
    assert client.post(edit_url(comment), {"body": "editor"}).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "First thoughts." and comment.status == "approved"


def test_an_edit_that_adds_links_goes_back_to_pending(client, author, comment):
    client.force_login(author)
    review = comment.review
    review.refresh_from_db()
    count = review.approved_comment_count
    client.post(edit_url(comment), {"body": "http://a.example http://b.example http://c.example"})
    comment.refresh_from_db()
    assert (comment.status, comment.held_for) == (Comment.Status.PENDING, HeldFor.LINKS)
    review.refresh_from_db()
    assert review.approved_comment_count == count - 1


def test_an_edit_with_a_disallowed_word_is_spam(client, author, comment):
    factories.WordListEntryFactory(phrase="dreck")
    client.force_login(author)
    client.post(edit_url(comment), {"body": "dreck"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM


def test_a_banned_author_cannot_edit(client, author, comment):
    factories.BanFactory(user=author)
    client.force_login(author)
    response = client.post(edit_url(comment), {"body": "still here"})
    assert response.status_code == 403
    assert "until" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "First thoughts."
    assert not CommentRevision.objects.exists()


def test_author_deletes_at_any_time_leaving_a_tombstone(client, author, comment):
    reply = factories.CommentFactory(review=comment.review, parent=comment)
    age(comment, days=40)
    client.force_login(author)
    assert client.get(delete_url(comment)).status_code == 200
    assert client.post(delete_url(comment)).status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.held_for) == (Comment.Status.REMOVED, HeldFor.AUTHOR_DELETED)
    assert Comment.objects.filter(pk=reply.pk, status="approved").exists()
    assert ModerationAction.objects.filter(comment=comment, action="author_delete", actor=author).exists()
    assert client.post(delete_url(comment)).status_code == 404
    assert client.get(edit_url(comment)).status_code == 404


def test_editors_can_restore_an_author_deleted_comment(comment):
    moderation.author_delete(comment, by=comment.author)
    moderation.restore(comment, by=factories.ModeratorFactory())
    comment.refresh_from_db()
    assert (comment.status, comment.held_for) == ("approved", "")


# --- Guests: signed links ------------------------------------------------------------------


@pytest.fixture
def guest_comment():
    comment = factories.CommentFactory(guest_name="Pat", guest_email="pat@guest.example", body="Guest words.")
    return comment


def manage_token(comment):
    return notifications.make_guest_token(comment, salt=notifications.MANAGE_SALT)


def test_guest_manages_their_comment_through_the_signed_link(client, guest_comment):
    token = manage_token(guest_comment)
    page = client.get(reverse("comments:guest-manage", args=[guest_comment.pk, token]))
    assert page.status_code == 200
    assert "Guest words." in page.content.decode()
    response = client.post(
        reverse("comments:guest-edit", args=[guest_comment.pk, token]), {"body": "Better words."}
    )
    assert response.status_code == 302
    guest_comment.refresh_from_db()
    assert guest_comment.body == "Better words."
    assert CommentRevision.objects.get(comment=guest_comment).body == "Guest words."
    response = client.post(reverse("comments:guest-delete", args=[guest_comment.pk, token]))
    assert response.status_code == 302
    guest_comment.refresh_from_db()
    assert guest_comment.held_for == HeldFor.AUTHOR_DELETED


def test_guest_edit_window_applies_to_links_too(client, guest_comment):
    age(guest_comment, minutes=20)
    token = manage_token(guest_comment)
    assert (
        client.post(reverse("comments:guest-edit", args=[guest_comment.pk, token]), {"body": "x"}).status_code
        == 403
    )
    assert client.post(reverse("comments:guest-delete", args=[guest_comment.pk, token])).status_code == 302


def test_tampered_guest_link_fails_with_a_clear_message(client, guest_comment):
    token = manage_token(guest_comment)
    bad = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for name in ("comments:guest-manage", "comments:guest-edit", "comments:guest-delete"):
        response = client.post(reverse(name, args=[guest_comment.pk, bad]), {"body": "x"})
        if name == "comments:guest-manage":
            response = client.get(reverse(name, args=[guest_comment.pk, bad]))
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()
    guest_comment.refresh_from_db()
    assert guest_comment.body == "Guest words." and guest_comment.status == "approved"


def test_expired_guest_link_fails_with_a_clear_message(client, settings, guest_comment):
    token = manage_token(guest_comment)
    settings.MARQUEE_MODERATION_GUEST_LINK_DAYS = -1
    response = client.get(reverse("comments:guest-manage", args=[guest_comment.pk, token]))
    assert response.status_code == 400
    assert "expired" in response.content.decode()


def test_guest_link_for_another_comment_fails(client, guest_comment):
    other = factories.CommentFactory(guest_name="Pat", guest_email="pat@guest.example")
    response = client.post(reverse("comments:guest-delete", args=[other.pk, manage_token(guest_comment)]))
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.status == "approved"


def test_guest_link_stops_working_if_the_address_changes(client, guest_comment):
    token = manage_token(guest_comment)
    Comment.objects.filter(pk=guest_comment.pk).update(guest_email="someone@else.example")
    assert client.get(reverse("comments:guest-manage", args=[guest_comment.pk, token])).status_code == 400


def test_a_confirm_token_is_not_a_manage_token(client, guest_comment):
    token = notifications.make_guest_token(guest_comment, salt=notifications.CONFIRM_SALT)
    assert client.get(reverse("comments:guest-manage", args=[guest_comment.pk, token])).status_code == 400


def test_guest_confirms_their_address_by_following_the_link(client, guest_comment):
    token = notifications.make_guest_token(guest_comment, salt=notifications.CONFIRM_SALT)
    url = reverse("comments:guest-confirm", args=[token])
    response = client.get(url)
    assert response.status_code == 200
    assert "confirmed" in response.content.decode()
    assert VerifiedGuestEmail.is_verified("PAT@guest.example")
    assert client.get(url).status_code == 200  # again: still fine
    assert VerifiedGuestEmail.objects.count() == 1


def test_bad_or_expired_confirm_link(client, settings, guest_comment):
    token = notifications.make_guest_token(guest_comment, salt=notifications.CONFIRM_SALT)
    assert client.get(reverse("comments:guest-confirm", args=[token + "x"])).status_code == 400
    settings.MARQUEE_MODERATION_CONFIRM_DAYS = -1
    response = client.get(reverse("comments:guest-confirm", args=[token]))
    assert response.status_code == 400 and "expired" in response.content.decode()
    assert not VerifiedGuestEmail.objects.exists()
