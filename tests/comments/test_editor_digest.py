"""Editors' e-mail about held comments: a digest (at most one e-mail per editor per interval,
through the task worker), or one e-mail per held comment ("each"), or none."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from comments import moderation, tasks
from comments.models import Comment, EditorDigest
from tests import factories

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 12, 1, 15, 0, 20, tzinfo=datetime.UTC)


@pytest.fixture
def clock(monkeypatch):
    """timezone.now() under the test's control (comments' created_at included)."""

    class Clock:
        now = START

        def at(self, minutes):
            self.now = START + datetime.timedelta(minutes=minutes)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture
def editors(settings):
    settings.MARQUEE_MODERATION_NOTIFY_EDITORS = "digest"
    settings.MARQUEE_MODERATION_DIGEST_MINUTES = 30
    settings.MARQUEE_MODERATION_FLOOD_SECONDS = 0
    return [factories.ModeratorFactory(email=f"ed{n}@marquee.example") for n in (1, 2)]


@pytest.fixture
def hold(django_capture_on_commit_callbacks):
    review = factories.ReviewFactory(film__title="The Long Reel")

    def hold(body, name="Greta"):
        comment = Comment(
            review=review, guest_name=name, guest_email=f"{name.lower()}@guest.example", body=body
        )
        moderation.screen(comment)
        assert comment.status == "pending"
        with django_capture_on_commit_callbacks(execute=True):
            moderation.post(comment)
        return comment

    return hold


def editor_mail(mailoutbox, editor):
    return [m for m in mailoutbox if m.to == [editor.email] and "held for moderation" in m.subject]


def test_one_digest_per_editor_per_interval(
    editors, hold, clock, mailoutbox, django_capture_on_commit_callbacks
):
    first = hold("The first held comment.")
    # The first hold after a quiet spell goes out at once.
    for editor in editors:
        [mail] = editor_mail(mailoutbox, editor)
        assert mail.subject == "[Marquee] 1 comment held for moderation"
        assert "The first held comment." in mail.body and "Held for: Guest e-mail not verified" in mail.body
        assert f"/admin/comments/comment/{first.pk}/change/" in mail.body
    clock.at(5)
    second = hold("The second one.", name="Hal")
    clock.at(20)
    third = hold("The third one.", name="Ivy")
    clock.at(25)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve(third, by=editors[0])  # decided before the digest: not listed
    assert all(len(editor_mail(mailoutbox, editor)) == 1 for editor in editors)
    waiting = EditorDigest.objects.get(sent_at__isnull=True)
    assert waiting.due_at == START.replace(second=0) + datetime.timedelta(minutes=31)
    clock.at(30)
    call_command("send_editor_digests", stdout=io.StringIO())
    assert all(len(editor_mail(mailoutbox, editor)) == 1 for editor in editors)  # not due yet
    clock.at(31)
    call_command("send_editor_digests", stdout=io.StringIO())
    for editor in editors:
        mails = editor_mail(mailoutbox, editor)
        assert len(mails) == 2
        assert mails[1].subject == "[Marquee] 1 comment held for moderation"
        assert second.body in mails[1].body and third.body not in mails[1].body
        assert first.body not in mails[1].body
        assert "greta@guest.example" not in mails[1].body and "hal@guest.example" not in mails[1].body
    sent = list(EditorDigest.objects.order_by("sent_at").values_list("sent_at", flat=True))
    assert sent[1] - sent[0] >= datetime.timedelta(minutes=30)


def test_a_later_hold_sends_an_overdue_round_without_a_deferring_backend(editors, hold, clock, mailoutbox):
    hold("One.")
    clock.at(10)
    hold("Two.", name="Hal")
    clock.at(45)
    hold("Three.", name="Ivy")  # the immediate backend cannot wait: the round goes with this hold
    mails = editor_mail(mailoutbox, editors[0])
    assert len(mails) == 2
    assert "Two." in mails[1].body and "Three." in mails[1].body
    assert mails[1].subject == "[Marquee] 2 comments held for moderation"


def test_a_deferring_backend_gets_the_round_for_when_it_is_due(editors, clock, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    EditorDigest.objects.create(due_at=START, sent_at=START, comment_count=1, editor_count=2)
    clock.at(10)
    digest = tasks.schedule_editor_digest()
    tasks.schedule_editor_digest()  # a second hold in the same interval: the same round, enqueued once
    [result] = tasks.send_editor_digest.get_backend().results
    assert result.args == [digest.pk]
    assert result.task.run_after == digest.due_at == START.replace(second=0) + datetime.timedelta(minutes=31)


def test_each_sends_one_email_per_held_comment(editors, hold, settings, mailoutbox):
    settings.MARQUEE_MODERATION_NOTIFY_EDITORS = "each"
    hold("One.")
    hold("Two.", name="Hal")
    assert len([m for m in mailoutbox if m.to == [editors[0].email]]) == 2
    assert not EditorDigest.objects.exists()


def test_none_sends_nothing(editors, hold, settings, mailoutbox):
    settings.MARQUEE_MODERATION_NOTIFY_EDITORS = "none"
    hold("One.")
    assert not [m for m in mailoutbox if m.to[0].startswith("ed")]
