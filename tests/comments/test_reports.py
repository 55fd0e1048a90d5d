"""Readers' reports: once per reader, with a reason; enough of them send a comment back to the queue."""

import pytest
from django.urls import reverse

from comments import moderation
from comments.models import Comment, HeldFor, ModerationAction, Report
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment():
    comment = factories.CommentFactory()
    return comment


def report_url(comment):
    return reverse("comments:comment-report", args=[comment.pk])


def test_anonymous_reader_is_sent_to_log_in(client, comment):
    for response in (client.get(report_url(comment)), client.post(report_url(comment), {"reason": "spam"})):
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    assert not Report.objects.exists()


def test_reader_sees_the_form_with_every_reason(client, comment):
    client.force_login(factories.VerifiedUserFactory())
    response = client.get(report_url(comment))
    assert response.status_code == 200
    for _, label in Report.Reason.choices:
        assert label in response.content.decode()


def test_reader_reports_once(client, comment):
    reader = factories.VerifiedUserFactory()
    client.force_login(reader)
    response = client.post(report_url(comment), {"reason": "spoiler", "note": "Ending given away"})
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.reporter, report.reason, report.note) == (reader, "spoiler", "Ending given away")
    again = client.post(report_url(comment), {"reason": "spam"})
    assert again.status_code == 409
    assert "already reported" in again.content.decode()
    assert Report.objects.count() == 1


def test_report_needs_a_known_reason(client, comment):
    client.force_login(factories.VerifiedUserFactory())
    assert client.post(report_url(comment), {"reason": "boring"}).status_code == 400
    assert not Report.objects.exists()


def test_cannot_report_own_or_invisible_comments(client, comment):
    author = factories.VerifiedUserFactory()
    own = factories.CommentFactory(author=author)
    client.force_login(author)
    assert client.post(report_url(own), {"reason": "spam"}).status_code == 403
    held = factories.CommentFactory(status="pending")
    assert client.post(report_url(held), {"reason": "spam"}).status_code == 404
    assert client.get(reverse("comments:comment-report", args=[999999])).status_code == 404


def test_three_distinct_readers_send_an_approved_comment_back_to_pending(comment):
    review = comment.review
    review.refresh_from_db()
    count = review.approved_comment_count
    for n in range(2):
        moderation.report(comment, by=factories.UserFactory(), reason="incivility")
        comment.refresh_from_db()
        assert comment.status == Comment.Status.APPROVED, n
    moderation.report(comment, by=factories.UserFactory(), reason="spam")
    comment.refresh_from_db()
    assert (comment.status, comment.held_for) == (Comment.Status.PENDING, HeldFor.REPORTED)
    review.refresh_from_db()
    assert review.approved_comment_count == count - 1
    action = ModerationAction.objects.get(comment=comment, action="reported")
    assert action.actor is None


def test_threshold_is_a_setting(settings, comment):
    settings.MARQUEE_MODERATION_REPORT_THRESHOLD = 1
    moderation.report(comment, by=factories.UserFactory(), reason="spam")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_same_reader_twice_counts_once(settings, comment):
    settings.MARQUEE_MODERATION_REPORT_THRESHOLD = 2
    reader = factories.UserFactory()
    assert moderation.report(comment, by=reader, reason="spam") is not None
    assert moderation.report(comment, by=reader, reason="spam") is None
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_dismissed_reports_no_longer_count(settings, comment):
    settings.MARQUEE_MODERATION_REPORT_THRESHOLD = 2
    editor = factories.ModeratorFactory()
    moderation.report(comment, by=factories.UserFactory(), reason="spam")
    assert moderation.dismiss_reports(comment, by=editor) == 1
    assert ModerationAction.objects.filter(comment=comment, action="dismiss_reports", actor=editor).exists()
    moderation.report(comment, by=factories.UserFactory(), reason="spam")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_approving_a_reported_comment_settles_its_reports(settings, comment):
    settings.MARQUEE_MODERATION_REPORT_THRESHOLD = 1
    moderation.report(comment, by=factories.UserFactory(), reason="spam")
    moderation.approve(comment, by=factories.ModeratorFactory())
    assert not Report.objects.filter(dismissed_at__isnull=True).exists()
    moderation.report(comment, by=factories.UserFactory(), reason="spam")  # a new report counts afresh
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
