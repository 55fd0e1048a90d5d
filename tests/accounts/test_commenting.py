"""Where accounts meet comments: verified e-mail before commenting, names reserved from guests."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from comments.forms import make_security_token
from comments.models import Comment
from tests.factories import CriticFactory, ReviewFactory, UserFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "popcorn-and-a-matinee-7"


def comment_data(review, **fields):
    return {
        "body": "The last reel is the best thing this year.",
        "parent": "",
        "security": make_security_token(review.pk, time.time() - 10),
        "honeypot": "",
        **fields,
    }


def post_comment(client, review, **fields):
    return client.post(reverse("comments:comment-post", args=[review.pk]), comment_data(review, **fields))


def guest_fields(name):
    return {"name": name, "email": "guest@guest.example", "website": ""}


def test_sign_up_then_verify_then_comment(client, mailoutbox):
    review = ReviewFactory()
    client.post(
        reverse("account_signup"),
        {"username": "newreader", "email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    user = get_user_model().objects.get(username="newreader")
    client.force_login(user)  # even signed in somehow, an unverified account cannot comment
    response = post_comment(client, review)
    assert response.status_code == 403
    assert "verify your e-mail address" in response.content.decode()
    assert not Comment.objects.filter(author=user).exists()

    link = re.search(r"https?://\S+", mailoutbox[0].body).group(0)
    client.post(link)
    assert user.has_verified_email()
    response = post_comment(client, review)
    assert response.status_code == 302
    comment = Comment.objects.get(author=user)
    assert comment.author_name == "newreader" and comment.guest_email == ""


def test_unverified_account_sees_why_it_cannot_comment(client):
    review = ReviewFactory()
    client.force_login(UserFactory())
    html = client.get(review.get_absolute_url()).content.decode()
    assert "Please verify your e-mail address before commenting" in html


@pytest.mark.parametrize("name", ["Rowan Vale", "ROWAN VALE", "rowan7"])
def test_guests_cannot_post_under_a_members_name(client, name):
    VerifiedUserFactory(username="rowan7", display_name="Rowan Vale")
    review = ReviewFactory()
    response = post_comment(client, review, **guest_fields(name))
    assert response.status_code == 400
    assert "reserved" in response.content.decode()
    assert not Comment.objects.exists()


def test_guests_cannot_post_under_a_critics_name(client):
    CriticFactory(name="Margaret Hale")
    review = ReviewFactory()
    response = post_comment(client, review, **guest_fields("margaret hale"))
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_a_members_comment_shows_their_display_name_and_profile_link(client):
    member = VerifiedUserFactory(username="nora", display_name="Nora Quill")
    review = ReviewFactory()
    client.force_login(member)
    post_comment(client, review)
    comment = Comment.objects.get(author=member)
    assert comment.author_name == "Nora Quill"
    profile = client.get(member.get_absolute_url()).content.decode()
    assert comment.get_absolute_url() in profile


def test_owner_sees_their_pending_comments_on_their_profile_others_do_not(client):
    member = VerifiedUserFactory(username="nora")
    review = ReviewFactory()
    client.force_login(member)
    post_comment(client, review, body="Waiting for an editor.")
    assert Comment.objects.get(author=member).status == "pending"  # a new commenter is held
    assert "Waiting for an editor." in client.get(member.get_absolute_url()).content.decode()
    client.logout()
    assert "Waiting for an editor." not in client.get(member.get_absolute_url()).content.decode()
