"""Notifications: after commit only, through the tasks API, one recipient each, no one else's
address, no header injection, one-click unsubscribe."""

import pytest
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished

from comments import moderation, notifications, tasks
from comments.models import Comment, HeldFor, Rejection, SentNotification, VerifiedGuestEmail
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def review():
    return factories.ReviewFactory()


@pytest.fixture
def parent_author():
    return factories.VerifiedUserFactory(email="parent@example.com", display_name="Parent Person")


@pytest.fixture
def parent(review, parent_author):
    comment = factories.CommentFactory(review=review, author=parent_author, guest_name="", guest_email="")
    return comment


def reply(review, parent, **kwargs):
    kwargs.setdefault("guest_name", "Replier")
    kwargs.setdefault("guest_email", "replier@guest.example")
    kwargs.setdefault("body", "I disagree, politely.")
    kwargs.setdefault("ip_address", "203.0.113.1")
    return Comment(review=review, parent=parent, **kwargs)


def post_approved(comment):
    comment.status = Comment.Status.APPROVED
    return moderation.post(comment)


def all_text(message):
    return message.message().as_string()


def test_reply_notification_goes_out_after_commit_only(
    review, parent, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_approved(reply(review, parent))
    assert mailoutbox == []  # nothing inside the transaction
    for callback in callbacks:
        callback()
    to_parent = [m for m in mailoutbox if m.to == ["parent@example.com"]]
    assert len(to_parent) == 1
    message = to_parent[0]
    assert "I disagree, politely." in message.body
    assert "/comments/" in message.body
    assert "replier@guest.example" not in all_text(message)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")


def test_reply_notification_respects_the_preference(
    review, parent, parent_author, mailoutbox, django_capture_on_commit_callbacks
):
    parent_author.email_on_reply = False
    parent_author.save()
    with django_capture_on_commit_callbacks(execute=True):
        post_approved(reply(review, parent))
    assert not [m for m in mailoutbox if m.to == ["parent@example.com"]]


def test_no_notification_for_replying_to_yourself(
    review, parent, parent_author, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_approved(reply(review, parent, author=parent_author, guest_name="", guest_email=""))
    assert mailoutbox == []


def test_guest_parent_is_notified_only_if_they_ticked_the_box(
    review, mailoutbox, django_capture_on_commit_callbacks
):
    ticked = factories.CommentFactory(review=review, guest_email="ticked@guest.example", notify_replies=True)
    unticked = factories.CommentFactory(review=review, guest_email="unticked@guest.example")
    with django_capture_on_commit_callbacks(execute=True):
        post_approved(reply(review, ticked, body="a"))
        post_approved(
            reply(review, unticked, body="b", guest_email="other@guest.example", ip_address="1.1.1.1")
        )
    recipients = [m.to for m in mailoutbox]
    assert ["ticked@guest.example"] in recipients
    assert ["unticked@guest.example"] not in recipients


def test_held_reply_notifies_when_approved_and_only_once(
    review, parent, mailoutbox, django_capture_on_commit_callbacks
):
    comment = reply(review, parent)
    comment.status, comment.held_for = Comment.Status.PENDING, HeldFor.NEW_COMMENTER
    with django_capture_on_commit_callbacks(execute=True):
        moderation.post(comment)
    assert not [m for m in mailoutbox if m.to == ["parent@example.com"]]
    editor = factories.ModeratorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve(comment, by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.reject(comment, by=editor, reason=Rejection.OFF_TOPIC, strikes=False)
        moderation.restore(comment, by=editor)
    assert len([m for m in mailoutbox if m.to == ["parent@example.com"]]) == 1
    assert SentNotification.objects.filter(comment=comment, kind="reply").count() == 1


def test_editors_get_one_message_each_when_a_comment_is_held(
    settings, review, mailoutbox, django_capture_on_commit_callbacks
):
    settings.MARQUEE_MODERATION_NOTIFY_EDITORS = "each"
    first = factories.ModeratorFactory(email="ed1@marquee.example")
    second = factories.ModeratorFactory(email="ed2@marquee.example")
    factories.EditorFactory(email="staff-not-editor@marquee.example")
    comment = Comment(
        review=review,
        guest_name="Guest",
        guest_email="secret@guest.example",
        body="Hold me",
        ip_address="1.2.3.4",
    )
    moderation.screen(comment)
    assert comment.status == Comment.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        moderation.post(comment)
    held = [m for m in mailoutbox if "held" in m.subject.lower()]
    assert sorted(m.to[0] for m in held) == [first.email, second.email]
    for message in held:
        assert len(message.to) == 1 and not message.cc and not message.bcc
        assert "secret@guest.example" not in all_text(message)
        assert reverse("admin:comments_comment_change", args=[comment.pk]) in message.body
        assert "Guest e-mail not verified" in message.body


def test_editor_notifications_can_be_turned_off(
    settings, review, mailoutbox, django_capture_on_commit_callbacks
):
    settings.MARQUEE_MODERATION_NOTIFY_EDITORS = "none"
    factories.ModeratorFactory(email="ed1@marquee.example")
    comment = Comment(
        review=review, author=factories.VerifiedUserFactory(), body="Hold me", ip_address="1.2.3.4"
    )
    moderation.screen(comment)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.post(comment)
    assert not [m for m in mailoutbox if m.to == ["ed1@marquee.example"]]


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_author_hears_when_their_held_comment_is_decided(
    review, mailoutbox, django_capture_on_commit_callbacks, decision
):
    author = factories.VerifiedUserFactory(email="author@example.com")
    comment = factories.CommentFactory(
        review=review, author=author, status="pending", held_for="new_commenter"
    )
    editor = factories.ModeratorFactory(email="ed@marquee.example")
    with django_capture_on_commit_callbacks(execute=True):
        if decision == "approve":
            moderation.approve(comment, by=editor)
        else:
            moderation.reject(comment, by=editor, reason=Rejection.PERSONAL_ATTACK, note="internal note")
    (message,) = [m for m in mailoutbox if m.to == ["author@example.com"]]
    if decision == "approve":
        assert "published" in message.subject
    else:
        assert "not published" in message.subject
        assert "Personal attack" in message.body
        assert "internal note" not in message.body
    assert "ed@marquee.example" not in all_text(message)


def test_no_decision_mail_when_an_already_approved_comment_is_rejected(
    review, mailoutbox, django_capture_on_commit_callbacks
):
    author = factories.VerifiedUserFactory(email="author@example.com")
    comment = factories.CommentFactory(review=review, author=author)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.reject(comment, by=factories.ModeratorFactory(), reason=Rejection.SPAM)
    assert not [m for m in mailoutbox if m.to == ["author@example.com"]]


def test_names_with_line_breaks_cannot_inject_headers(review, mailoutbox, django_capture_on_commit_callbacks):
    film = review.film
    film.title = "Evil\r\nBcc: film@evil.example"
    film.save()
    parent = factories.CommentFactory(review=review, guest_email="victim@guest.example", notify_replies=True)
    evil = reply(review, parent, guest_name="Eve\r\nBcc: spy@evil.example\nX-Injected: yes")
    with django_capture_on_commit_callbacks(execute=True):
        post_approved(evil)
    (message,) = [m for m in mailoutbox if m.to == ["victim@guest.example"]]
    assert "\n" not in message.subject and "\r" not in message.subject
    raw = message.message()
    assert raw["Bcc"] is None and raw["X-Injected"] is None
    assert message.recipients() == ["victim@guest.example"]


def test_header_text_folds_whitespace():
    assert notifications.header_text("a\r\nb\tc\n\n d") == "a b c d"


def test_one_click_unsubscribe_for_accounts(client, review, parent, parent_author):
    token = notifications.make_unsubscribe_token(parent)
    url = reverse("comments:unsubscribe", args=[token])
    assert client.get(url).status_code == 200
    parent_author.refresh_from_db()
    assert parent_author.email_on_reply  # GET only asks
    response = client.post(url, {"List-Unsubscribe": "One-Click"})  # no CSRF token: mail clients send none
    assert response.status_code == 200
    parent_author.refresh_from_db()
    assert not parent_author.email_on_reply


def test_one_click_unsubscribe_for_guests(client, review):
    parent = factories.CommentFactory(review=review, guest_email="g@guest.example", notify_replies=True)
    other = factories.CommentFactory(review=review, guest_email="G@guest.example", notify_replies=True)
    client.post(reverse("comments:unsubscribe", args=[notifications.make_unsubscribe_token(parent)]))
    assert not Comment.objects.filter(pk__in=[parent.pk, other.pk], notify_replies=True).exists()


def test_tampered_unsubscribe_link_fails(client, review, parent):
    token = notifications.make_unsubscribe_token(parent)
    assert client.post(reverse("comments:unsubscribe", args=[token + "x"])).status_code == 400
    assert client.get(reverse("comments:unsubscribe", args=["nonsense"])).status_code == 400


def test_guest_receipt_has_manage_and_confirm_links(review, mailoutbox, django_capture_on_commit_callbacks):
    comment = Comment(
        review=review, guest_name="Pat", guest_email="pat@guest.example", body="Hi", ip_address="1.2.3.4"
    )
    moderation.screen(comment)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.post(comment)
    (receipt,) = [m for m in mailoutbox if m.to == ["pat@guest.example"]]
    assert "/manage/" in receipt.body and "/comments/confirm/" in receipt.body
    VerifiedGuestEmail.objects.create(email="pat@guest.example")
    second = Comment(
        review=review,
        guest_name="Pat",
        guest_email="pat@guest.example",
        body="Hi again",
        ip_address="1.2.3.5",
    )
    second.status = Comment.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        moderation.post(second)
    receipts = [m for m in mailoutbox if m.to == ["pat@guest.example"]]
    assert len(receipts) == 2 and "/comments/confirm/" not in receipts[1].body


def test_no_mail_at_all_for_spam(review, mailoutbox, django_capture_on_commit_callbacks):
    factories.ModeratorFactory(email="ed@marquee.example")
    comment = Comment(
        review=review, guest_name="Bot", guest_email="bot@guest.example", body="x", ip_address="1.2.3.4"
    )
    moderation.screen(comment, tampered=True)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.post(comment)
    assert mailoutbox == []


def test_tasks_run_through_the_tasks_api(review, parent, django_capture_on_commit_callbacks):
    finished = []

    def record(sender, task_result, **kwargs):
        finished.append((task_result.task.name, task_result.args, task_result.status))

    task_finished.connect(record)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            comment = post_approved(reply(review, parent))
    finally:
        task_finished.disconnect(record)
    assert (tasks.send_reply_notification.name, [comment.pk], TaskResultStatus.SUCCESSFUL) in finished


def test_editors_hear_when_reports_send_a_comment_back(
    settings, review, mailoutbox, django_capture_on_commit_callbacks
):
    settings.MARQUEE_MODERATION_REPORT_THRESHOLD = 1
    factories.ModeratorFactory(email="ed@marquee.example")
    comment = factories.CommentFactory(review=review)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.report(comment, by=factories.UserFactory(), reason="spoiler")
    (message,) = [m for m in mailoutbox if m.to == ["ed@marquee.example"]]
    assert "Reported by readers" in message.body
