"""Restore and the desk's undo: a comment returns to the state it was in before the decision
taken back (read from the audit trail), with the queue, the counts and the e-mails right."""

import pytest

from comments import moderation
from comments.models import Ban, Comment, HeldFor, ModerationAction, Rejection
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def review():
    return factories.ReviewFactory(film__title="The Long Reel")


@pytest.fixture
def editor():
    return factories.ModeratorFactory()


def held(review, **kwargs):
    kwargs.setdefault("held_for", HeldFor.UNVERIFIED_EMAIL)
    kwargs.setdefault("guest_email", "greta@guest.example")
    kwargs.setdefault("guest_name", "Greta Guest")
    comment = Comment(review=review, body=kwargs.pop("body", "Held words."), status="pending", **kwargs)
    return moderation.post(comment)


def count(review):
    review.refresh_from_db()
    return review.approved_comment_count


def test_restoring_a_rejected_held_comment_returns_it_to_the_queue(
    review, editor, mailoutbox, django_capture_on_commit_callbacks
):
    comment = held(review)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.reject(comment, by=editor, reason=Rejection.OFF_TOPIC)
    assert [m.subject for m in mailoutbox if m.to == ["greta@guest.example"]][-1].endswith(
        "was not published"
    )
    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.restore(comment, by=editor)
    comment.refresh_from_db()
    # Not published: back in the queue, held for what it was held for, and nobody e-mailed.
    assert (comment.status, comment.held_for) == ("pending", HeldFor.UNVERIFIED_EMAIL)
    assert comment in Comment.objects.in_moderation()
    assert count(review) == 0
    assert len(mailoutbox) == sent
    restore = ModerationAction.objects.filter(comment=comment).first()
    assert (restore.action, restore.from_status, restore.to_status) == ("restore", "rejected", "pending")
    # When an editor then approves it, its author hears that it is published.
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve(comment, by=editor)
    assert mailoutbox[-1].subject.endswith("is published") and mailoutbox[-1].to == ["greta@guest.example"]
    assert count(review) == 1


def test_restoring_a_rejected_published_comment_shows_it_again(review, editor):
    comment = factories.CommentFactory(review=review)
    moderation.reject(comment, by=editor, reason=Rejection.INCIVILITY, strikes=False)
    assert count(review) == 0
    moderation.restore(comment, by=editor)
    assert Comment.objects.get(pk=comment.pk).status == "approved"
    assert count(review) == 1


def test_restores_take_back_decisions_one_at_a_time(review, editor):
    comment = held(review)
    moderation.approve(comment, by=editor)
    moderation.mark_spam(comment, by=editor)
    moderation.restore(comment, by=editor)
    assert Comment.objects.get(pk=comment.pk).status == "approved"
    moderation.restore(comment, by=editor)
    assert Comment.objects.get(pk=comment.pk).status == "pending"
    with pytest.raises(moderation.CannotUndo):
        moderation.restore(comment, by=editor)
    assert Comment.objects.get(pk=comment.pk).status == "pending"


def test_restoring_the_pipelines_spam_sends_it_to_the_queue(review, editor):
    comment = Comment(review=review, guest_name="Bot", guest_email="bot@spam.example", body="Cheap pills")
    comment.status, comment.held_for = "spam", HeldFor.HONEYPOT
    moderation.post(comment)
    moderation.restore(comment, by=editor)
    comment.refresh_from_db()
    assert (comment.status, comment.held_for) == ("pending", HeldFor.HONEYPOT)


def test_restoring_an_author_deleted_held_comment_goes_back_to_the_queue(review, editor):
    comment = held(review, held_for=HeldFor.LINKS)
    moderation.author_delete(comment)
    moderation.restore(comment, by=editor)
    comment.refresh_from_db()
    assert (comment.status, comment.held_for) == ("pending", HeldFor.LINKS)


def test_undo_takes_back_only_the_latest_decision(review, editor):
    comment = held(review)
    approval = moderation.approve(comment, by=editor) and ModerationAction.objects.get(action="approve")
    moderation.reject(comment, by=editor, reason=Rejection.OTHER, strikes=False)
    with pytest.raises(moderation.CannotUndo):
        moderation.undo(approval, by=editor)
    assert Comment.objects.get(pk=comment.pk).status == "rejected"


def test_undoing_an_approval_before_the_worker_runs_sends_no_email(
    review, editor, mailoutbox, django_capture_on_commit_callbacks
):
    comment = held(review)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        moderation.approve(comment, by=editor)
    moderation.undo(ModerationAction.objects.get(action="approve"), by=editor)
    for callback in callbacks:  # the worker gets to the "published" e-mail only now
        callback()
    assert not [m for m in mailoutbox if "published" in m.subject]
    assert Comment.objects.get(pk=comment.pk).status == "pending"


def test_undoing_a_ban_lifts_it_and_returns_the_rejected_comments(review, editor):
    reader = factories.VerifiedUserFactory()
    first = held(review, author=reader, guest_email="", guest_name="", held_for=HeldFor.NEW_COMMENTER)
    second = held(review, author=reader, guest_email="", guest_name="", held_for=HeldFor.LINKS, body="b")
    ban = moderation.ban_author(first, by=editor, reason="Abuse")
    with pytest.raises(moderation.Refused):
        moderation.screen(Comment(review=review, author=reader, body="Let me in.", ip_address="192.0.2.9"))
    assert set(Comment.objects.filter(author=reader).values_list("status", flat=True)) == {"rejected"}
    last = ModerationAction.objects.filter(actor=editor).first()
    assert last.ban == ban
    moderation.undo(last, by=editor)
    ban.refresh_from_db()
    assert not ban.is_active
    assert not Ban.objects.matching(user=reader)
    statuses = dict(Comment.objects.filter(author=reader).values_list("pk", "held_for"))
    assert statuses == {first.pk: HeldFor.NEW_COMMENTER, second.pk: HeldFor.LINKS}
    assert set(Comment.objects.filter(author=reader).values_list("status", flat=True)) == {"pending"}
    assert ModerationAction.objects.filter(action="lift_ban", ban=ban, actor=editor).exists()
    # The posting path's cached ban list forgot it: the author may post again.
    again = Comment(review=review, author=reader, body="I am back.", ip_address="192.0.2.9")
    moderation.screen(again)
    assert again.status in ("approved", "pending")
