"""What a commenter meets around the form: the policy first, the sign-in choice, Preview, the
markup help, a form that keeps what was typed after any error, and Edit/Delete links that
explain themselves when they can't be used."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from comments import moderation
from comments.models import Comment, HeldFor
from comments.thread import SESSION_GUEST
from tests import factories
from tests.comments.conftest import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_flood_limits(settings):
    settings.MARQUEE_MODERATION_GUEST_IP_PER_HOUR = 1000
    settings.MARQUEE_MODERATION_ACCOUNT_PER_HOUR = 1000


def post(client, review, **fields):
    return client.post(reverse("comments:comment-post", args=[review.pk]), form_data(review, **fields))


def field_value(html, name):
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    return match.group(1) if match else None


# --- the policy and the sign-in choice ---------------------------------------------------------


def test_the_policy_comes_before_the_form_and_sign_in_sits_beside_it(client, review):
    html = client.get(review.get_absolute_url()).content.decode()
    respond = html[html.index('id="respond"') :]
    assert respond.index("Before you comment") < respond.index('id="comment-form"')
    signin = respond[respond.index('class="comment-signin"') : respond.index('id="comment-form"')]
    assert "Sign in to comment" in signin
    back = review.get_absolute_url().replace("/", "%2F") + "%23respond"
    assert f"/accounts/login/?next={back}" in signin and f"/accounts/signup/?next={back}" in signin


def test_single_sign_on_shows_beside_the_form_when_configured(client, review, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"APPS": [{"provider_id": "newsroom", "name": "Newsroom login"}]}
    }
    html = client.get(review.get_absolute_url()).content.decode()
    assert "Sign in with Newsroom login" in html
    assert "/accounts/oidc/newsroom/login/?process=login&amp;next=" in html


def test_signed_in_readers_see_no_sign_in_box(client, review):
    client.force_login(factories.VerifiedUserFactory())
    html = client.get(review.get_absolute_url()).content.decode()
    assert 'class="comment-signin"' not in html and "Posting as" in html


def test_markup_help_is_by_the_textarea(client, review):
    html = client.get(review.get_absolute_url()).content.decode()
    form = html[html.index('id="comment-form"') :]
    assert 'aria-describedby="body-help body-count"' in form
    for example in ("[b]bold[/b]", "[i]italic[/i]", "[spoiler]", '[quote="Name"]'):
        assert example in form
    assert "Up to 5,000 characters." in form  # the counter's text without JavaScript


# --- Preview -------------------------------------------------------------------------------


def test_preview_renders_the_markup_server_side_and_stores_nothing(client, review):
    data = form_data(
        review,
        preview="1",
        body="It ends with [spoiler]a twist[/spoiler]. [b]Loved[/b] it.",
        website="https://pat.example",
        notify_replies="on",
        remember="on",
    )
    response = client.post(reverse("comments:comment-post", args=[review.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('class="comment-preview"')
    preview = html[start : html.index("</section>", start)]
    assert "<strong>Loved</strong>" in preview and 'class="spoiler-inline"' in preview
    assert not Comment.objects.exists()
    # Everything typed comes back, with the anti-tamper token the page gave.
    assert "It ends with [spoiler]a twist[/spoiler]. [b]Loved[/b] it.</textarea>" in html
    assert field_value(html, "name") == "Pat Guest" and field_value(html, "email") == "pat@guest.example"
    assert field_value(html, "website") == "https://pat.example"
    assert field_value(html, "security") == data["security"]
    assert 'id="id_notify_replies" class="form-check-input" checked' in html
    assert 'id="id_remember" class="form-check-input" checked' in html


def test_preview_then_post_publishes_what_was_previewed(client, review):
    data = form_data(review, body="Previewed words.")
    client.post(reverse("comments:comment-post", args=[review.pk]), {**data, "preview": "1"})
    assert client.post(reverse("comments:comment-post", args=[review.pk]), data).status_code == 302
    assert Comment.objects.get().body == "Previewed words."


def test_preview_of_an_empty_comment_says_what_is_wrong(client, review):
    response = post(client, review, preview="1", body="")
    assert response.status_code == 400
    assert "Please write something before posting." in response.content.decode()


# --- the form keeps everything after any error ----------------------------------------------


def test_a_field_error_keeps_everything_typed(client, review):
    response = post(
        client, review, email="not-an-address", website="https://pat.example", notify_replies="on"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "A fine film, I thought.</textarea>" in html
    assert field_value(html, "name") == "Pat Guest" and field_value(html, "email") == "not-an-address"
    assert field_value(html, "website") == "https://pat.example"
    assert 'id="id_notify_replies" class="form-check-input" checked' in html
    assert 'aria-invalid="true"' in html and 'id="email-errors"' in html


def test_a_refusal_keeps_everything_typed(client, review, settings):
    settings.MARQUEE_MODERATION_FLOOD_SECONDS = 60
    assert post(client, review, body="First.").status_code == 302
    response = post(client, review, body="Second, too soon.", website="https://pat.example")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Second, too soon.</textarea>" in html and field_value(html, "website") == "https://pat.example"


def test_an_unverified_account_gets_its_text_back_to_keep(client, review):
    client.force_login(factories.UserFactory())
    response = post(client, review, body="Words I don't want to lose.")
    assert response.status_code == 403
    html = response.content.decode()
    assert "verify your e-mail address" in html
    assert "Words I don&#x27;t want to lose.</textarea>" in html
    assert not Comment.objects.exists()


def test_remember_me_remembers_the_reply_e_mail_choice_too(client, review):
    post(client, review, remember="on", notify_replies="on")
    assert client.session[SESSION_GUEST]["notify_replies"] is True
    html = client.get(review.get_absolute_url()).content.decode()
    assert 'id="id_notify_replies" class="form-check-input" checked' in html
    assert field_value(html, "name") == "Pat Guest"


# --- Edit and Delete explain themselves -----------------------------------------------------


@pytest.fixture
def author():
    return factories.VerifiedUserFactory()


def own_comment(author, **fields):
    return factories.CommentFactory(author=author, guest_name="", guest_email="", **fields)


@pytest.mark.parametrize(
    ("status", "held_for", "expected"),
    [
        ("spam", HeldFor.DISALLOWED_WORD, "Our filters set this comment aside"),
        ("rejected", HeldFor.NEW_COMMENTER, "An editor decided not to publish this comment"),
    ],
)
def test_edit_says_why_it_cannot_be_used(client, author, status, held_for, expected):
    comment = own_comment(author)
    Comment.objects.filter(pk=comment.pk).update(status=status, held_for=held_for)
    client.force_login(author)
    response = client.get(reverse("comments:comment-edit", args=[comment.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "This comment can't be edited" in html and expected in html
    assert reverse("comments:comment-delete", args=[comment.pk]) in html
    assert "Not allowed" not in html


def test_edit_after_the_window_says_how_long_the_window_is(client, author, settings):
    comment = own_comment(author)
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    client.force_login(author)
    html = client.get(reverse("comments:comment-edit", args=[comment.pk])).content.decode()
    assert (
        f"first {settings.MARQUEE_MODERATION_EDIT_MINUTES} minutes" in html
        and "You can still delete it" in html
    )


def test_delete_of_a_deleted_comment_says_so(client, author):
    comment = own_comment(author)
    moderation.author_delete(comment, by=author)
    client.force_login(author)
    for name in ("comments:comment-delete", "comments:comment-edit"):
        response = client.get(reverse(name, args=[comment.pk]))
        assert response.status_code == 404
        assert "You deleted this comment" in response.content.decode()


def test_held_message_explains_the_hold(client, review):
    response = post(client, review)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("awaiting moderation" in t and "confirm your e-mail address" in t for t in texts)


# --- small text fixes -----------------------------------------------------------------------


def test_ban_message_has_one_full_stop(settings):
    settings.TIME_ZONE = "UTC"
    ban = factories.BanFactory(expires_at=timezone.now().replace(hour=15) + datetime.timedelta(days=2))
    message = moderation.ban_message(ban)
    assert ".." not in message and "p.m." in message


def test_rejection_e_mail_points_at_the_policy_where_it_is(
    mailoutbox, author, django_capture_on_commit_callbacks
):
    comment = own_comment(author)
    Comment.objects.filter(pk=comment.pk).update(status="pending")
    comment.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.reject(comment, by=factories.ModeratorFactory(), reason="personal_attack")
    body = mailoutbox[-1].body
    assert "at the top" not in body and "beside the comment form" in body
