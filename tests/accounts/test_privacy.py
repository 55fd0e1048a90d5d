"""The reader's own data: download it, delete the account; a guest's data from the admin."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts import privacy
from comments.models import Comment
from tests.factories import (
    DEFAULT_PASSWORD,
    CommentFactory,
    EditorFactory,
    ReviewFactory,
    VerifiedUserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    user = VerifiedUserFactory(display_name="Nora Quill", bio="Row F.", email_on_reply=False)
    client.force_login(user)
    return user


def account_comment(author, **kwargs):
    comment = CommentFactory(author=author, guest_name="", guest_email="", **kwargs)
    Comment.objects.filter(pk=comment.pk).update(ip_address="203.0.113.9", user_agent="Firefox/140")
    comment.refresh_from_db()
    return comment


def test_export_needs_the_password(client, member):
    response = client.post(reverse("accounts:export"), {"password": "wrong"})
    assert response.status_code == 200
    assert "not your password" in response.content.decode()
    assert "attachment" not in response.get("Content-Disposition", "")


def test_export_contains_profile_preferences_and_every_comment_with_status(client, member):
    review = ReviewFactory()
    approved = account_comment(member, review=review, body="Loved the **score**.")
    pending = account_comment(member, review=review, status="pending", body="One more thing.")
    CommentFactory(review=review, body="someone else's")
    response = client.post(reverse("accounts:export"), {"password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["username"] == member.username
    assert data["profile"]["display_name"] == "Nora Quill"
    assert data["profile"]["email"] == member.email
    assert data["profile"]["bio"] == "Row F."
    assert data["preferences"] == {"email_on_reply": False, "always_show_spoilers": False}
    comments = {c["id"]: c for c in data["comments"]}
    assert set(comments) == {approved.pk, pending.pk}
    assert comments[approved.pk]["status"] == "approved" and comments[pending.pk]["status"] == "pending"
    assert comments[approved.pk]["body"] == "Loved the **score**."
    assert comments[approved.pk]["review"] == review.headline
    assert data["reports"] == []


def test_delete_needs_the_password(client, member):
    client.post(reverse("accounts:delete"), {"password": "wrong"})
    assert get_user_model().objects.filter(pk=member.pk).exists()


def test_delete_anonymises_comments_and_keeps_the_thread(client, member):
    review = ReviewFactory()
    mine = account_comment(member, review=review, body="My take.")
    reply = CommentFactory(review=review, parent=mine, body="A reply to Nora.")
    version_before = type(review).objects.get(pk=review.pk).thread_version
    response = client.post(reverse("accounts:delete"), {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=member.pk).exists()
    assert not EmailAddress.objects.filter(email=member.email).exists()
    mine.refresh_from_db()
    assert mine.author is None and mine.author_name == "Deleted user"
    assert mine.guest_email == "" and mine.ip_address is None and mine.user_agent == ""
    assert mine.status == "approved" and mine.body == "My take."
    reply.refresh_from_db()
    assert reply.parent_id == mine.pk and reply.status == "approved"
    review.refresh_from_db()
    assert review.thread_version > version_before  # cached thread fragments are stale now


def test_delete_can_remove_the_comments_leaving_tombstones(client, member):
    review = ReviewFactory()
    mine = account_comment(member, review=review, body="Regrettable opinion.")
    CommentFactory(review=review, parent=mine)
    type(review).objects.filter(pk=review.pk).update(approved_comment_count=2)
    client.post(reverse("accounts:delete"), {"password": DEFAULT_PASSWORD, "remove_comments": "on"})
    mine.refresh_from_db()
    assert mine.status == "removed" and mine.body == "" and mine.body_html == ""
    assert mine.guest_name == "Deleted user"
    assert mine.replies.count() == 1  # the thread stays whole
    review.refresh_from_db()
    assert review.approved_comment_count == 1


def test_delete_ends_every_session(client, member):
    from django.test import Client

    other_device = Client()
    other_device.force_login(member)
    assert other_device.get(reverse("accounts:settings")).status_code == 200
    client.post(reverse("accounts:delete"), {"password": DEFAULT_PASSWORD})
    assert "_auth_user_id" not in client.session
    response = other_device.get(reverse("accounts:settings"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_delete_removes_the_avatar_files(member, django_capture_on_commit_callbacks):
    from PIL import Image

    from accounts.avatars import set_avatar

    set_avatar(member, Image.new("RGB", (200, 200), "red"))
    storage, names = member.avatar.storage, [member.avatar.name, member.avatar_small.name]
    with django_capture_on_commit_callbacks(execute=True):
        privacy.delete_account(member)
    assert not any(storage.exists(name) for name in names)


def test_password_attempts_are_rate_limited(client, member):
    statuses = [client.post(reverse("accounts:delete"), {"password": "wrong"}).status_code for _ in range(12)]
    assert statuses[0] == 200 and statuses[-1] == 429
    assert get_user_model().objects.filter(pk=member.pk).exists()


def test_guest_export_and_erase_from_the_admin(client):
    editor = EditorFactory(is_superuser=True)
    client.force_login(editor)
    review = ReviewFactory()
    guest = CommentFactory(
        review=review, guest_name="Pat", guest_email="pat@guest.example", body="Guest words."
    )
    Comment.objects.filter(pk=guest.pk).update(ip_address="198.51.100.4", user_agent="Safari")
    CommentFactory(review=review, guest_name="Lee", guest_email="lee@guest.example")
    url = reverse("admin:accounts_user_guest_data")
    assert client.get(url).status_code == 200
    response = client.post(url, {"email": "PAT@guest.example", "export": "Export"})
    data = json.loads(response.content)
    assert [c["id"] for c in data["comments"]] == [guest.pk]
    assert data["comments"][0]["name"] == "Pat"
    response = client.post(url, {"email": "pat@guest.example", "erase": "Erase"})
    assert response.status_code == 302
    guest.refresh_from_db()
    assert guest.guest_name == "Deleted user" and guest.guest_email == ""
    assert guest.ip_address is None and guest.user_agent == "" and guest.status == "approved"
    assert Comment.objects.filter(guest_email="lee@guest.example").exists()


def test_guest_data_page_is_for_moderators_only(client):
    client.force_login(EditorFactory())  # staff without comment permissions
    assert client.get(reverse("admin:accounts_user_guest_data")).status_code == 403


def test_deleting_a_banned_account_keeps_the_ban_on_its_address(client, member):
    from comments.models import Ban

    Ban.objects.create(user=member, reason="Personal attacks.")
    client.post(reverse("accounts:delete"), {"password": DEFAULT_PASSWORD})
    ban = Ban.objects.get()
    assert ban.user is None and ban.email == member.email.lower()
    assert Ban.objects.matching(email=member.email)
