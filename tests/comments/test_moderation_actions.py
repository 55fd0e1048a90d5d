"""Moderation actions, their audit rows, undo, the strike ladder and bans by editors."""

import datetime

import pytest
from django.utils import timezone

from comments import moderation
from comments.models import Ban, Comment, HeldFor, ModerationAction, Rejection
from comments.moderation import Refused
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def review():
    return factories.ReviewFactory()


@pytest.fixture
def editor():
    return factories.ModeratorFactory()


def pending(review, **kwargs):
    kwargs.setdefault("held_for", HeldFor.NEW_COMMENTER)
    return factories.CommentFactory(review=review, status="pending", **kwargs)


def approved(review, **kwargs):
    comment = factories.CommentFactory(review=review, **kwargs)
    return comment


def counts(review):
    review.refresh_from_db()
    return review.approved_comment_count, review.thread_version


def test_approve_shows_the_comment_counts_it_and_records_who(review, editor):
    comment = pending(review)
    count, version = counts(review)
    moderation.approve(comment, by=editor)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert counts(review) == (count + 1, version + 1)
    action = ModerationAction.objects.get(comment=comment, action="approve")
    assert (action.actor, action.from_status, action.to_status) == (editor, "pending", "approved")
    assert action.created_at is not None


@pytest.mark.parametrize("reason", Rejection.values)
def test_reject_keeps_the_comment_with_reason_and_note(review, editor, reason):
    comment = pending(review)
    moderation.reject(comment, by=editor, reason=reason, note="see thread")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REJECTED
    action = ModerationAction.objects.get(comment=comment, action="reject")
    assert (action.actor, action.reason, action.note) == (editor, reason, "see thread")


def test_reject_refuses_unknown_reasons(review, editor):
    with pytest.raises(ValueError):
        moderation.reject(pending(review), by=editor, reason="because")


def test_rejecting_an_approved_comment_takes_it_off_the_count(review, editor):
    comment = approved(review)
    count, version = counts(review)
    moderation.reject(comment, by=editor, reason=Rejection.INCIVILITY)
    assert counts(review) == (count - 1, version + 1)


def test_mark_spam_and_remove(review, editor):
    spam = pending(review)
    moderation.mark_spam(spam, by=editor)
    assert Comment.objects.get(pk=spam.pk).status == "spam"
    assert ModerationAction.objects.filter(comment=spam, action="spam", actor=editor).exists()
    shown = approved(review)
    moderation.remove(shown, by=editor, reason="incivility")
    assert Comment.objects.get(pk=shown.pk).status == "removed"
    assert ModerationAction.objects.filter(comment=shown, action="remove", actor=editor).exists()


@pytest.mark.parametrize("undo_from", ["reject", "mark_spam", "remove"])
def test_restore_undoes_any_decision(review, editor, undo_from):
    comment = approved(review)
    count, _ = counts(review)
    if undo_from == "reject":
        moderation.reject(comment, by=editor, reason=Rejection.OFF_TOPIC, strikes=False)
    else:
        getattr(moderation, undo_from)(comment, by=editor)
    assert counts(review)[0] == count - 1
    moderation.restore(comment, by=editor)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert counts(review)[0] == count
    kinds = list(
        ModerationAction.objects.filter(comment=comment).order_by("pk").values_list("action", flat=True)
    )
    assert kinds[-1] == "restore" and len(kinds) == 2
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_status_change_rerenders_quoters_only_when_visibility_changes(review, editor, monkeypatch):
    calls = []
    monkeypatch.setattr(Comment, "rerender_quoters", lambda self: calls.append(self.pk))
    comment = pending(review)
    moderation.mark_spam(comment, by=editor)  # pending -> spam: never visible
    moderation.restore(comment, by=editor)  # spam -> pending: still not visible
    assert calls == []
    moderation.approve(comment, by=editor)
    assert calls == [comment.pk]


def test_actions_by_system_have_no_actor(review):
    comment = pending(review)
    moderation.approve(comment, by=None)
    assert ModerationAction.objects.get(comment=comment, action="approve").actor_name == "system"


# --- Strike ladder -------------------------------------------------------------------------


def test_three_rejections_in_30_days_suspend_for_7_days(review, editor):
    reader = factories.VerifiedUserFactory()
    comments = [pending(review, author=reader, body=f"c{n}") for n in range(3)]
    moderation.reject(comments[0], by=editor, reason=Rejection.INCIVILITY)
    moderation.reject(comments[1], by=editor, reason=Rejection.INCIVILITY)
    assert not Ban.objects.exists()
    moderation.reject(comments[2], by=editor, reason=Rejection.INCIVILITY)
    ban = Ban.objects.get()
    assert ban.user == reader and ban.kind == Ban.Kind.SUSPENSION and ban.created_by is None
    assert abs(ban.expires_at - (timezone.now() + datetime.timedelta(days=7))) < datetime.timedelta(minutes=1)
    step = ModerationAction.objects.get(action="suspend")
    assert step.actor is None and step.ban == ban
    # The author sees the reason when they try to post.
    with pytest.raises(Refused) as refused:
        moderation.screen(Comment(review=review, author=reader, body="hello", ip_address="10.0.0.1"))
    assert "until" in refused.value.message and "rejected" in refused.value.message


def test_old_rejections_do_not_count(review, editor):
    reader = factories.VerifiedUserFactory()
    for n in range(2):
        moderation.reject(pending(review, author=reader, body=f"old{n}"), by=editor, reason=Rejection.SPAM)
    ModerationAction.objects.update(created_at=timezone.now() - datetime.timedelta(days=31))
    moderation.reject(pending(review, author=reader, body="new"), by=editor, reason=Rejection.SPAM)
    assert not Ban.objects.exists()


def test_restored_rejections_do_not_count(review, editor):
    reader = factories.VerifiedUserFactory()
    first = pending(review, author=reader, body="a")
    moderation.reject(first, by=editor, reason=Rejection.SPAM)
    moderation.restore(first, by=editor)
    for body in ["b", "c"]:
        moderation.reject(pending(review, author=reader, body=body), by=editor, reason=Rejection.SPAM)
    assert not Ban.objects.exists()


def test_a_further_rejection_after_a_suspension_bans_permanently(review, editor):
    reader = factories.VerifiedUserFactory()
    for n in range(3):
        moderation.reject(
            pending(review, author=reader, body=f"c{n}"), by=editor, reason=Rejection.INCIVILITY
        )
    suspension = Ban.objects.get()
    Ban.objects.filter(pk=suspension.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    moderation.reject(pending(review, author=reader, body="again"), by=editor, reason=Rejection.INCIVILITY)
    permanent = Ban.objects.get(kind=Ban.Kind.PERMANENT)
    assert permanent.expires_at is None and permanent.user == reader
    assert ModerationAction.objects.filter(action="ban", actor=None, ban=permanent).exists()
    with pytest.raises(Refused) as refused:
        moderation.screen(Comment(review=review, author=reader, body="hello", ip_address="10.0.0.1"))
    assert "banned" in refused.value.message


def test_strike_ladder_works_for_guests_by_email(review, editor):
    for n in range(3):
        moderation.reject(
            pending(review, guest_email="loud@guest.example", body=f"c{n}"), by=editor, reason=Rejection.SPAM
        )
    assert Ban.objects.get().email == "loud@guest.example"


def test_strike_ladder_can_be_turned_off(settings, review, editor):
    settings.MARQUEE_MODERATION_STRIKES_ENABLED = False
    reader = factories.VerifiedUserFactory()
    for n in range(4):
        moderation.reject(pending(review, author=reader, body=f"c{n}"), by=editor, reason=Rejection.SPAM)
    assert not Ban.objects.exists()


# --- Bans by editors ----------------------------------------------------------------------


def test_ban_author_rejects_their_pending_comments(review, editor):
    reader = factories.VerifiedUserFactory()
    first, second = pending(review, author=reader, body="1"), pending(review, author=reader, body="2")
    shown = factories.CommentFactory(review=review, author=reader, body="3")
    ban = moderation.ban_author(first, by=editor, duration=datetime.timedelta(days=1), reason="Trolling")
    assert ban.user == reader and ban.created_by == editor and ban.kind == Ban.Kind.MANUAL
    assert {c.status for c in Comment.objects.filter(pk__in=[first.pk, second.pk])} == {"rejected"}
    assert Comment.objects.get(pk=shown.pk).status == "approved"
    assert ModerationAction.objects.filter(action="ban", ban=ban, actor=editor).exists()
    assert ModerationAction.objects.filter(action="reject", actor=editor).count() == 2
    assert Ban.objects.count() == 1  # the rejections were not strikes


def test_permanent_ban_for_a_guest_by_email_and_ip(review, editor):
    comment = pending(review, guest_email="Spam@Guest.example", ip_address="203.0.113.9")
    ban = moderation.ban_author(comment, by=editor, duration=None, reason="Spam", include_ip=True)
    assert (ban.email, ban.ip_network, ban.expires_at) == ("spam@guest.example", "203.0.113.9", None)


def test_ban_author_can_leave_pending_comments(review, editor):
    comment = pending(review)
    moderation.ban_author(comment, by=editor, duration=None, reason="x", reject_pending=False)
    assert Comment.objects.get(pk=comment.pk).status == "pending"


def test_old_comments_judged_during_a_suspension_do_not_escalate(review, editor):
    reader = factories.VerifiedUserFactory()
    backlog = [pending(review, author=reader, body=f"c{n}") for n in range(5)]
    for comment in backlog[:3]:
        moderation.reject(comment, by=editor, reason=Rejection.INCIVILITY)
    assert Ban.objects.get().kind == Ban.Kind.SUSPENSION
    for comment in backlog[3:]:  # written before the suspension
        moderation.reject(comment, by=editor, reason=Rejection.INCIVILITY)
    assert list(Ban.objects.values_list("kind", flat=True)) == [Ban.Kind.SUSPENSION]
