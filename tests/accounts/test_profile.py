"""Profile settings, display-name rules, the public profile and the preferences."""

import datetime

import pytest
from django.db import IntegrityError
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from accounts.models import display_name_taken
from comments.models import Comment
from tests.factories import CommentFactory, ReviewFactory, UserFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db


def save_settings(client, **data):
    return client.post(reverse("accounts:settings"), {"display_name": "", "bio": "", "website": "", **data})


def test_settings_save_profile_and_preferences(client):
    user = VerifiedUserFactory()
    assert user.email_on_reply and not user.always_show_spoilers  # the defaults
    client.force_login(user)
    response = save_settings(
        client,
        display_name="  Film   Owl ",
        bio="Sits at the back.",
        website="https://owl.example/",
        always_show_spoilers="on",
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Film Owl" and user.public_name == "Film Owl"
    assert user.bio == "Sits at the back." and user.website == "https://owl.example/"
    assert user.always_show_spoilers and not user.email_on_reply and not user.wants_reply_emails


@pytest.mark.parametrize("website", ["javascript:alert(1)", "ftp://files.example/", "data:text/html,hi"])
def test_website_must_be_http_or_https(client, website):
    user = VerifiedUserFactory()
    client.force_login(user)
    response = save_settings(client, website=website)
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.website == ""


@pytest.mark.parametrize("taken", ["ROWAN VALE", "rowan vale", "rowan7"])
def test_display_name_is_unique_case_insensitively_and_not_someone_elses_username(client, taken):
    VerifiedUserFactory(username="rowan7", display_name="Rowan Vale")
    user = VerifiedUserFactory()
    client.force_login(user)
    response = save_settings(client, display_name=taken)
    assert response.status_code == 200
    assert "already uses that name" in response.content.decode()


def test_keeping_your_own_display_name_is_fine(client):
    user = VerifiedUserFactory(display_name="Rowan Vale")
    client.force_login(user)
    assert save_settings(client, display_name="rowan vale").status_code == 302


def test_database_refuses_a_case_insensitive_duplicate_display_name():
    UserFactory(display_name="Rowan Vale")
    with pytest.raises(IntegrityError):
        UserFactory(display_name="ROWAN VALE")


def test_many_accounts_may_have_no_display_name():
    UserFactory(display_name="")
    UserFactory(display_name="")


def test_display_name_taken_covers_names_and_usernames():
    user = UserFactory(username="sam", display_name="Sam Reader")
    assert display_name_taken("SAM READER") and display_name_taken("Sam")
    assert not display_name_taken("Sam Reader", exclude=user)
    assert not display_name_taken("Someone New")


def test_public_profile_lists_approved_comments_newest_first_with_permalinks(client):
    person = VerifiedUserFactory(username="nora", display_name="Nora Quill", bio="Row F.")
    review = ReviewFactory()
    now = timezone.now()
    older = CommentFactory(review=review, author=person, guest_name="", guest_email="", body="Older thought.")
    newer = CommentFactory(review=review, author=person, guest_name="", guest_email="", body="Newer thought.")
    Comment.objects.filter(pk=older.pk).update(created_at=now - datetime.timedelta(days=2))
    CommentFactory(
        review=review, author=person, guest_name="", guest_email="", status="pending", body="Held one."
    )
    CommentFactory(
        review=review, author=person, guest_name="", guest_email="", status="removed", body="Gone one."
    )
    draft = ReviewFactory(status="draft")
    CommentFactory(review=draft, author=person, guest_name="", guest_email="", body="On a draft.")
    response = client.get(reverse("accounts:profile", args=["nora"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nora Quill" in html and "Row F." in html
    assert html.index("Newer thought.") < html.index("Older thought.")
    assert "Held one." not in html and "Gone one." not in html and "On a draft." not in html
    assert newer.get_absolute_url() in html and older.get_absolute_url() in html


def test_public_profile_is_paginated(client):
    person = VerifiedUserFactory(username="chatty")
    review = ReviewFactory()
    for number in range(25):
        CommentFactory(review=review, author=person, guest_name="", guest_email="", body=f"Thought {number}.")
    first = client.get(reverse("accounts:profile", args=["chatty"])).content.decode()
    second = client.get(reverse("accounts:profile", args=["chatty"]), {"page": 2}).content.decode()
    assert first.count('class="profile-comment') == 20 and second.count('class="profile-comment') == 5


def test_profile_url_and_unknown_or_inactive_people(client):
    person = VerifiedUserFactory(username="j.doe+films")
    assert person.get_absolute_url() == "/members/j.doe+films/"
    assert client.get(person.get_absolute_url()).status_code == 200
    assert client.get("/members/nobody-here/").status_code == 404
    person.is_active = False
    person.save()
    assert client.get(person.get_absolute_url()).status_code == 404


def test_profile_website_link_is_nofollow(client):
    person = VerifiedUserFactory(website="https://owl.example/")
    html = client.get(person.get_absolute_url()).content.decode()
    assert 'href="https://owl.example/" rel="nofollow ugc noopener"' in html


SPOILER = '<p>Intro.</p><details class="spoiler"><summary>Spoiler</summary><p>He was dead.</p></details>'


def render_spoilers(user):
    template = Template("{% load spoilers %}{{ html|safe|open_spoilers:user }}")
    return template.render(Context({"html": SPOILER, "user": user}))


def test_spoilers_stay_closed_by_default_and_for_guests():
    from django.contrib.auth.models import AnonymousUser

    assert "<details open" not in render_spoilers(AnonymousUser())
    assert "<details open" not in render_spoilers(UserFactory())


def test_always_show_spoilers_opens_them():
    html = render_spoilers(UserFactory(always_show_spoilers=True))
    assert '<details open class="spoiler">' in html
    assert "He was dead." in html


def test_open_spoilers_does_not_unescape_unsafe_text():
    template = Template("{% load spoilers %}{{ html|open_spoilers:user }}")
    html = template.render(Context({"html": SPOILER, "user": UserFactory(always_show_spoilers=True)}))
    assert "&lt;details" in html


def test_wants_reply_emails_follows_the_preference():
    assert UserFactory().wants_reply_emails
    assert not UserFactory(email_on_reply=False).wants_reply_emails
    assert not UserFactory(is_active=False).wants_reply_emails


def test_always_show_spoilers_opens_review_and_comment_spoilers_on_the_review_page(client):
    review = ReviewFactory()
    type(review).objects.filter(pk=review.pk).update(body_html=SPOILER)
    CommentFactory(review=review, body="Before. [spoiler]The twist.[/spoiler]")
    reader = VerifiedUserFactory()
    client.force_login(reader)
    closed = client.get(review.get_absolute_url()).content.decode()
    assert closed.count('<details class="spoiler"') == 1 and "<details open" not in closed
    assert '<input type="checkbox" class="spoiler-check">' in closed  # the comment's inline spoiler
    reader.always_show_spoilers = True
    reader.save()
    opened = client.get(review.get_absolute_url()).content.decode()
    assert opened.count('<details open class="spoiler"') == 1
    assert '<input type="checkbox" class="spoiler-check" checked>' in opened


def test_a_critics_name_is_reserved_for_the_critic(client):
    from tests.factories import CriticFactory

    critic_account = VerifiedUserFactory()
    CriticFactory(name="Margaret Hale", account=critic_account)
    reader = VerifiedUserFactory()
    client.force_login(reader)
    response = save_settings(client, display_name="margaret hale")
    assert "already uses that name" in response.content.decode()
    client.force_login(critic_account)
    assert save_settings(client, display_name="Margaret Hale").status_code == 302


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("Rowan\u200bVale", "RowanVale"), ("\u202eelaV nawoR", "elaV nawoR"), ("Rowan\x07", "Rowan")],
)
def test_display_name_is_stored_without_invisible_and_direction_characters(client, typed, stored):
    user = VerifiedUserFactory()
    client.force_login(user)
    assert save_settings(client, display_name=typed).status_code == 302
    user.refresh_from_db()
    assert user.display_name == stored


def test_display_name_folds_look_alike_forms(client):
    VerifiedUserFactory(display_name="Rowan Vale")
    client.force_login(VerifiedUserFactory())
    response = save_settings(client, display_name="\uff32owan Vale")  # full-width R
    assert "already uses that name" in response.content.decode()
