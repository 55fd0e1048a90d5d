"""Posting a comment: guests and accounts, the anti-tamper form, parents, closed reviews."""

import time

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse

from comments.forms import make_security_token
from comments.models import Comment
from comments.thread import SESSION_GUEST, SESSION_PENDING
from tests import factories
from tests.comments.conftest import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_flood_limits(settings):
    settings.MARQUEE_MODERATION_FLOOD_SECONDS = 0
    settings.MARQUEE_MODERATION_GUEST_IP_PER_HOUR = 1000
    settings.MARQUEE_MODERATION_ACCOUNT_PER_HOUR = 1000


def post(client, review, **fields):
    return client.post(reverse("comments:comment-post", args=[review.pk]), form_data(review, **fields))


def message_texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- guests -----------------------------------------------------------------------------------


def test_guest_comment_awaits_moderation_and_lands_on_it(client, review):
    response = post(client, review, body="Loved the [b]projector[/b] scene.", website="https://pat.example")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert (comment.guest_name, comment.guest_email, comment.guest_website) == (
        "Pat Guest",
        "pat@guest.example",
        "https://pat.example",
    )
    assert (
        comment.author is None and comment.body_html == "<p>Loved the <strong>projector</strong> scene.</p>"
    )
    assert comment.ip_address == "127.0.0.1"
    assert response.status_code == 302
    assert response["Location"] == f"{review.get_absolute_url()}#comment-{comment.pk}"
    assert any("awaiting moderation" in text for text in message_texts(response))
    assert client.session[SESSION_PENDING] == [comment.pk]
    assert response.cookies.get("sessionid")


def test_guest_sees_their_pending_comment_and_nobody_else_does(client, review):
    post(client, review, body="Only I can see this for now")
    comment = Comment.objects.get()
    page = client.get(review.get_absolute_url()).content.decode()
    assert f'id="comment-{comment.pk}"' in page and "Awaiting moderation" in page
    assert "Only I can see this for now" in page
    other = factories.UserFactory()
    from django.test import Client

    stranger = Client()
    assert "Only I can see this for now" not in stranger.get(review.get_absolute_url()).content.decode()
    stranger.force_login(other)
    assert "Only I can see this for now" not in stranger.get(review.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("email", ""),
        ("email", "not-an-email"),
        ("name", "x" * 81),
        ("body", ""),
        ("body", "x" * 5001),
    ],
)
def test_guest_fields_are_validated(client, review, field, value):
    response = post(client, review, **{field: value})
    assert response.status_code == 400
    assert not Comment.objects.exists()


@pytest.mark.parametrize("website", ["javascript:alert(1)", "ftp://files.example/x", "data:text/html,hi"])
def test_website_must_be_http_or_https(client, review, website):
    response = post(client, review, website=website)
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_website_without_scheme_gets_https(client, review):
    post(client, review, website="pat.example")
    assert Comment.objects.get().guest_website == "https://pat.example"


@pytest.mark.parametrize("name", ["reader", "READER", "Sam Reader", "margaret hale"])
def test_names_of_members_and_critics_are_reserved(client, review, name):
    factories.UserFactory(username="reader", display_name="Sam Reader")
    factories.CriticFactory(name="Margaret Hale")
    response = post(client, review, name=name)
    assert response.status_code == 400
    assert "reserved" in response.content.decode()
    assert not Comment.objects.exists()


def test_typed_text_is_kept_when_the_form_has_errors(client, review):
    response = post(client, review, body="My carefully written thoughts", email="")
    assert "My carefully written thoughts" in response.content.decode()


def test_guest_is_remembered_only_with_consent(client, review):
    post(client, review, body="first")
    assert SESSION_GUEST not in client.session
    post(client, review, body="second", remember="on", name="Robin Guest", email="robin@guest.example")
    assert client.session[SESSION_GUEST]["email"] == "robin@guest.example"
    page = client.get(review.get_absolute_url()).content.decode()
    assert 'value="Robin Guest"' in page and 'value="robin@guest.example"' in page
    post(client, review, body="third", name="Robin Guest", email="robin@guest.example")
    assert SESSION_GUEST not in client.session


def test_notify_me_of_replies_is_stored(client, review):
    post(client, review, notify_replies="on")
    assert Comment.objects.get().notify_replies is True


# --- accounts ---------------------------------------------------------------------------------


def test_signed_in_reader_posts_as_themselves(client, review):
    reader = factories.VerifiedUserFactory(display_name="Sam Reader")
    client.force_login(reader)
    response = post(client, review, name="", email="", body="As myself")
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.author == reader and comment.guest_name == "" and comment.guest_email == ""
    assert comment.author_name == "Sam Reader"
    assert not comment.is_critic and not comment.is_staff


def test_unverified_account_cannot_comment(client, review):
    client.force_login(factories.UserFactory())
    page = client.get(review.get_absolute_url()).content.decode()
    assert 'href="/accounts/email/"' in page and 'id="comment-form"' not in page
    response = post(client, review)
    assert response.status_code == 403
    assert 'href="/accounts/email/"' in response.content.decode()
    assert not Comment.objects.exists()


def test_critic_reply_is_approved_with_badge(client, review, add_comment):
    critic_account = factories.VerifiedUserFactory()
    review.critic.account = critic_account
    review.critic.save()
    top = add_comment(review)
    client.force_login(critic_account)
    response = post(client, review, parent=str(top.pk), body="Thanks for reading!")
    reply = Comment.objects.get(parent=top)
    assert reply.status == Comment.Status.APPROVED and reply.is_critic and reply.depth == 1
    assert response["Location"] == f"{review.get_absolute_url()}#comment-{reply.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "comment-badge-critic" in page and "Thanks for reading!" in page
    review.refresh_from_db()
    assert review.approved_comment_count == 2


def test_editor_comment_has_staff_badge(client, review):
    editor = factories.EditorFactory()
    factories.VerifiedUserFactory._meta.model  # noqa: B018 - the factory exists
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=editor, email=editor.email, verified=True, primary=True)
    client.force_login(editor)
    post(client, review, body="From the desk")
    comment = Comment.objects.get()
    assert comment.is_staff and comment.status == Comment.Status.APPROVED
    assert "comment-badge-staff" in client.get(review.get_absolute_url()).content.decode()


# --- the anti-tamper form ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "security",
    [
        "",  # missing
        "forged:token:value",
        "tampered" + make_security_token(1, time.time() - 60),
    ],
)
def test_missing_or_forged_token_is_spam_silently(client, review, security):
    response = post(client, review, security=security)
    comment = Comment.objects.get()
    assert (comment.status, comment.held_for) == (Comment.Status.SPAM, "tamper")
    assert response.status_code == 302
    assert any("awaiting moderation" in text for text in message_texts(response))
    assert "Awaiting moderation" in client.get(review.get_absolute_url()).content.decode()


def test_a_form_from_the_future_is_spam(client, review):
    assert post(client, review, age=-300).status_code == 302
    comment = Comment.objects.get()
    assert (comment.status, comment.held_for) == (Comment.Status.SPAM, "tamper")


@pytest.mark.parametrize(
    ("age", "reason", "told"),
    [(1, "too_fast", "within a few seconds"), (2 * 60 * 60 + 5, "expired_form", "open for hours")],
)
def test_a_quick_or_old_form_is_held_with_its_reason_not_spammed(client, review, age, reason, told):
    """A fast typist's "Agreed!" (or autofill, or a long think) is a person, not a bot."""
    reader = factories.VerifiedUserFactory()
    factories.CommentFactory(review=factories.ReviewFactory(), author=reader)  # a known commenter
    client.force_login(reader)
    response = post(client, review, age=age, body="Agreed!")
    comment = Comment.objects.get(review=review)
    assert (comment.status, comment.held_for) == (Comment.Status.PENDING, reason)
    assert any(told in text for text in message_texts(response))
    # Their Edit link works: a held comment is theirs to edit.
    assert client.get(reverse("comments:comment-edit", args=[comment.pk])).status_code == 200


def test_a_quick_form_that_would_be_held_anyway_keeps_the_first_reason(client, review):
    post(client, review, age=1)
    assert Comment.objects.get().held_for == "unverified_email"


def test_a_quick_post_by_staff_is_approved(client, review):
    client.force_login(factories.VerifiedUserFactory(is_staff=True))
    post(client, review, age=1)
    assert Comment.objects.get().status == Comment.Status.APPROVED


def test_token_for_another_review_is_spam(client, review):
    other = factories.ReviewFactory()
    post(client, review, security=make_security_token(other.pk, time.time() - 30))
    assert Comment.objects.get().status == Comment.Status.SPAM


def test_filled_honeypot_is_spam(client, review):
    response = post(client, review, honeypot="http://spam.example")
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.status, comment.held_for) == (Comment.Status.SPAM, "honeypot")


def test_the_rendered_form_carries_a_token_for_this_review(client, review):
    page = client.get(review.get_absolute_url()).content.decode()
    assert f'name="security" value="{review.pk}:' in page
    assert 'name="honeypot"' in page


# --- parents ----------------------------------------------------------------------------------


@pytest.mark.parametrize("parent", ["abc", "1.5", "-3", "99999", "1e3", "9" * 40])
def test_bad_parent_ids_are_a_form_error(client, review, parent):
    response = post(client, review, parent=parent)
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_reply_to_a_comment_on_another_review_is_an_error(client, review, add_comment):
    elsewhere = add_comment(factories.ReviewFactory())
    response = post(client, review, parent=str(elsewhere.pk))
    assert response.status_code == 400
    assert "this review" in response.content.decode()
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("status", ["pending", "removed", "rejected", "spam"])
def test_reply_to_a_hidden_comment_is_an_error(client, review, add_comment, status):
    hidden = add_comment(review, status=status)
    response = post(client, review, parent=str(hidden.pk))
    assert response.status_code == 400
    assert Comment.objects.count() == 1


def test_reply_gets_its_path_and_depth(client, review, add_comment):
    top = add_comment(review)
    child = add_comment(review, parent=top)
    post(client, review, parent=str(child.pk), body="third level")
    reply = Comment.objects.get(body="third level")
    assert reply.depth == 2
    assert reply.path == f"{top.pk:010d}{child.pk:010d}{reply.pk:010d}"


# --- closed reviews, refusals -----------------------------------------------------------------


def test_closed_review_refuses_with_403_and_stores_nothing(client, review, add_comment):
    add_comment(review, body="An old thought")
    review.comments_open = False
    review.save()
    response = post(client, review)
    assert response.status_code == 403
    assert Comment.objects.count() == 1
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Comments are closed" in page and "An old thought" in page
    assert 'id="comment-form"' not in page and "comment-reply-link" not in page


def test_review_past_its_close_date_is_closed(client, review, settings):
    review.comments_close_at = review.published_at
    review.save()
    assert post(client, review).status_code == 403
    assert not Comment.objects.exists()


def test_draft_review_takes_no_comments(client):
    draft = factories.ReviewFactory(status="draft")
    assert post(client, draft).status_code == 404


def test_post_only(client, review):
    assert client.get(reverse("comments:comment-post", args=[review.pk])).status_code == 405


def test_duplicate_is_409_with_a_link_to_the_first_and_keeps_the_text(client, review):
    first = post(client, review, body="Same words twice")
    assert first.status_code == 302
    again = post(client, review, body="Same words twice")
    assert again.status_code == 409
    content = again.content.decode()
    original = Comment.objects.get()
    assert "Same words twice" in content
    assert f"/comments/{original.pk}/" in content or f"#comment-{original.pk}" in content


def test_flood_is_429_with_the_text_kept(client, review, settings):
    settings.MARQUEE_MODERATION_FLOOD_SECONDS = 60
    post(client, review, body="first thought")
    response = post(client, review, body="second thought, quickly")
    assert response.status_code == 429
    assert "second thought, quickly" in response.content.decode()
    assert Comment.objects.count() == 1


def test_form_token_endpoint_gives_a_fresh_token(client, review):
    response = client.get(reverse("comments:form-token", args=[review.pk]))
    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
    token = response.json()["security"]
    assert token.startswith(f"{review.pk}:")
    from comments.forms import token_problem

    assert token_problem(token, review.pk) == "too_fast"
    assert token_problem(token, review.pk, now=time.time() + 10) is None


def test_signed_in_reader_sees_their_own_pending_comment(client, review):
    reader = factories.VerifiedUserFactory()
    client.force_login(reader)
    post(client, review, name="", email="", body="Held for a first look")
    comment = Comment.objects.get()
    assert comment.status == "pending"
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Held for a first look" in page and "Awaiting moderation" in page


def test_poster_address_behind_the_proxy_is_the_one_it_forwarded(client, review, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client.post(
        reverse("comments:comment-post", args=[review.pk]),
        form_data(review),
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9",
    )
    assert Comment.objects.get().ip_address == "203.0.113.9"


def test_forwarded_for_is_ignored_without_a_proxy(client, review):
    client.post(
        reverse("comments:comment-post", args=[review.pk]),
        form_data(review),
        REMOTE_ADDR="198.51.100.4",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert Comment.objects.get().ip_address == "198.51.100.4"


def test_a_known_commenters_reply_costs_a_fixed_number_of_queries(
    client, review, settings, django_assert_max_num_queries
):
    """Session and user, review, parent, duplicate check, flood count (and PostgreSQL's lock),
    the insert and its path, fingerprint, counters, the reply notice, the page for the redirect:
    the same for a thread of 3 comments as of 60 on four pages."""
    budget = 14 if connection.vendor == "postgresql" else 13
    settings.MARQUEE_COMMENTS_PER_PAGE = 20
    reader = factories.VerifiedUserFactory()
    factories.CommentFactory(review=factories.ReviewFactory(), author=reader)  # a known commenter
    client.force_login(reader)
    parents = [factories.CommentFactory(review=review) for _ in range(3)]
    post(client, review, parent=str(parents[0].pk), body="Warming the caches.")
    with django_assert_max_num_queries(budget):
        response = post(client, review, parent=str(parents[1].pk), body="A reply on a short thread.")
    assert response.status_code == 302 and response["Location"].endswith(
        f"#comment-{Comment.objects.latest('pk').pk}"
    )
    for _ in range(57):
        factories.CommentFactory(review=review)
    with django_assert_max_num_queries(budget):
        response = post(client, review, body="A new thread, on page 4.")
    newest = Comment.objects.latest("pk")
    assert newest.status == Comment.Status.APPROVED
    assert response["Location"] == f"{review.get_absolute_url()}?page=4#comment-{newest.pk}"
