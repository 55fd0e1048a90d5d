"""The editors' queue in the Django admin: what it shows, filters, bulk actions and their
intermediate pages, the change page in context, and the admin index summary."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from comments import moderation
from comments.models import Ban, Comment, ModerationAction
from tests import factories

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:comments_comment_changelist"


@pytest.fixture
def editor(client):
    editor = factories.ModeratorFactory()
    client.force_login(editor)
    return editor


def held(review=None, minutes_ago=0, **kwargs):
    kwargs.setdefault("held_for", "new_commenter")
    comment = factories.CommentFactory(status="pending", **({"review": review} if review else {}), **kwargs)
    if minutes_ago:
        Comment.objects.filter(pk=comment.pk).update(
            created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
        )
    return comment


def result_ids(response):
    return [obj.pk for obj in response.context["cl"].result_list]


def test_queue_opens_on_pending_oldest_first(client, editor):
    newer = held(minutes_ago=5, body="newer one")
    older = held(minutes_ago=50, body="older one", held_for="links")
    factories.CommentFactory(body="already approved")
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert result_ids(response) == [older.pk, newer.pk]
    page = response.content.decode()
    assert "Held for: <strong>Too many links</strong>" in page
    assert "Held for: <strong>New commenter</strong>" in page
    assert "already approved" not in page


def test_queue_shows_review_author_reports_history_and_ip(client, editor):
    reader = factories.VerifiedUserFactory(username="samreader")
    comment = held(author=reader, guest_name="", guest_email="", ip_address="198.51.100.23")
    factories.CommentFactory(author=reader, status="approved")
    factories.CommentFactory(author=reader, status="approved")
    factories.CommentFactory(author=reader, status="rejected")
    factories.ReportFactory(comment=comment)
    guest = held(guest_name="Guesty", guest_email="guesty@guest.example")
    response = client.get(reverse(CHANGELIST))
    rows = {obj.pk: obj for obj in response.context["cl"].result_list}
    assert rows[comment.pk].open_report_count == 1
    assert (rows[comment.pk].approved_history, rows[comment.pk].rejected_history) == (2, 1)
    assert rows[guest.pk].guest_approved_history == 0
    page = response.content.decode()
    assert "2 approved · 1 rejected · 1 reported" in page
    assert "198.51.100.23" in page
    assert "samreader" in page and "Guesty" in page and "guest" in page
    assert comment.review.headline[:20] in page and comment.review.film.title in page


def test_filters_and_search(client, editor):
    linky = held(held_for="links", body="so many links")
    watched = held(held_for="watch_word", body="refund please", guest_email="watch@guest.example")
    approved = factories.CommentFactory(body="a fine comment")
    factories.ReportFactory(comment=approved)
    assert result_ids(client.get(reverse(CHANGELIST), {"held_for": "links"})) == [linky.pk]
    assert result_ids(client.get(reverse(CHANGELIST), {"status": "approved"})) == [approved.pk]
    assert set(result_ids(client.get(reverse(CHANGELIST), {"status": "all"}))) == {
        linky.pk,
        watched.pk,
        approved.pk,
    }
    assert result_ids(client.get(reverse(CHANGELIST), {"status": "all", "reported": "yes"})) == [approved.pk]
    assert result_ids(client.get(reverse(CHANGELIST), {"q": "refund"})) == [watched.pk]
    assert result_ids(client.get(reverse(CHANGELIST), {"q": "watch@guest"})) == [watched.pk]
    assert client.get(reverse(CHANGELIST), {"review__id__exact": linky.review_id}).status_code == 200


def test_bulk_approve(client, editor):
    first, second = held(), held()
    response = client.post(
        reverse(CHANGELIST), {"action": "approve_selected", "_selected_action": [first.pk, second.pk]}
    )
    assert response.status_code == 302
    assert set(Comment.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {
        "approved"
    }
    assert ModerationAction.objects.filter(action="approve", actor=editor).count() == 2


def test_reject_goes_through_a_page_to_pick_reason_and_note(client, editor):
    comment = held()
    data = {"action": "reject_selected", "_selected_action": [comment.pk]}
    page = client.post(reverse(CHANGELIST), data)
    assert page.status_code == 200
    assert "Personal attack" in page.content.decode() and "Off-topic" in page.content.decode()
    assert Comment.objects.get(pk=comment.pk).status == "pending"
    missing_reason = client.post(reverse(CHANGELIST), {**data, "apply": "Reject"})
    assert missing_reason.status_code == 200
    assert Comment.objects.get(pk=comment.pk).status == "pending"
    done = client.post(
        reverse(CHANGELIST), {**data, "apply": "Reject", "reason": "off_topic", "note": "Not this film"}
    )
    assert done.status_code == 302
    action = ModerationAction.objects.get(comment=comment, action="reject")
    assert (action.reason, action.note, action.actor) == ("off_topic", "Not this film", editor)
    assert Comment.objects.get(pk=comment.pk).status == "rejected"


def test_mark_spam_and_restore_from_the_queue(client, editor):
    comment = held()
    client.post(reverse(CHANGELIST), {"action": "mark_spam_selected", "_selected_action": [comment.pk]})
    assert Comment.objects.get(pk=comment.pk).status == "spam"
    response = client.post(
        reverse(CHANGELIST) + "?status=spam",
        {"action": "restore_selected", "_selected_action": [comment.pk]},
        follow=True,
    )
    # Back where it was before the spam mark: in the queue, held for the same reason.
    comment.refresh_from_db()
    assert (comment.status, comment.held_for) == ("pending", "new_commenter")
    assert "Restored 1 comment (1 comment back in the queue)." in response.content.decode()


def test_restore_of_a_comment_with_no_decision_says_so(client, editor):
    comment = held()
    response = client.post(
        reverse(CHANGELIST), {"action": "restore_selected", "_selected_action": [comment.pk]}, follow=True
    )
    assert Comment.objects.get(pk=comment.pk).status == "pending"
    assert "1 comment had no decision to take back." in response.content.decode()


@pytest.mark.parametrize(("duration", "days"), [("1d", 1), ("7d", 7), ("30d", 30), ("permanent", None)])
def test_ban_authors_with_a_duration_rejects_their_pending(client, editor, duration, days):
    reader = factories.VerifiedUserFactory()
    first = held(author=reader, body="one")
    second = held(author=reader, body="two")
    guest = held(guest_email="noisy@guest.example")
    data = {"action": "ban_authors", "_selected_action": [first.pk, guest.pk]}
    page = client.post(reverse(CHANGELIST), data)
    assert page.status_code == 200 and "Permanent" in page.content.decode()
    response = client.post(
        reverse(CHANGELIST),
        {**data, "apply": "Ban", "duration": duration, "reason": "Abuse", "reject_pending": "on"},
    )
    assert response.status_code == 302
    bans = Ban.objects.order_by("pk")
    assert {(b.user_id, b.email) for b in bans} == {(reader.pk, ""), (None, "noisy@guest.example")}
    for ban in bans:
        assert ban.created_by == editor and ban.reason == "Abuse"
        if days is None:
            assert ban.expires_at is None
        else:
            expected = timezone.now() + datetime.timedelta(days=days)
            assert abs(ban.expires_at - expected) < datetime.timedelta(minutes=1)
    assert set(
        Comment.objects.filter(pk__in=[first.pk, second.pk, guest.pk]).values_list("status", flat=True)
    ) == {"rejected"}


def test_dismiss_reports_action(client, editor):
    comment = factories.CommentFactory()
    factories.ReportFactory(comment=comment)
    client.post(
        reverse(CHANGELIST) + "?status=all", {"action": "dismiss_reports", "_selected_action": [comment.pk]}
    )
    assert comment.reports.get().dismissed_by == editor


def test_no_delete_action_in_the_queue(client, editor):
    held()
    response = client.get(reverse(CHANGELIST))
    choices = [value for value, _ in response.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in choices
    assert {"approve_selected", "reject_selected", "mark_spam_selected", "ban_authors"} <= set(choices)


def test_change_page_shows_the_comment_in_context(client, editor):
    review = factories.ReviewFactory()
    author = factories.VerifiedUserFactory()
    parent = factories.CommentFactory(review=review, body="The parent's words")
    quoted = factories.CommentFactory(review=review, body="The quoted words")
    factories.CommentFactory(author=author, body="An earlier comment by the author", status="rejected")
    comment = held(
        review=review,
        parent=parent,
        author=author,
        body=f'[quote="Someone" id={quoted.pk}]The quoted words[/quote] I disagree',
    )
    moderation.mark_spam(parent, by=editor)
    moderation.restore(parent, by=editor)
    response = client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "The parent&#x27;s words" in page or "The parent's words" in page
    assert "The quoted words" in page
    assert "An earlier comment by the author" in page
    assert "moderation history" in page.lower()
    parent_page = client.get(reverse("admin:comments_comment_change", args=[parent.pk])).content.decode()
    assert editor.username in parent_page and "Marked as spam" in parent_page
    assert 'value="approve_selected"' in page and 'value="reject_selected"' in page


def test_approve_button_on_the_change_page(client, editor):
    comment = held()
    page = client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    actions_url = page.context["actions_url"]
    response = client.post(actions_url, {"action": "approve_selected", "_selected_action": [comment.pk]})
    assert response.status_code == 302
    assert Comment.objects.get(pk=comment.pk).status == "approved"


def test_admin_index_counts_the_queue_and_reports(client, editor):
    held(), held(), held()
    reported = factories.CommentFactory()
    factories.ReportFactory(comment=reported)
    factories.ReportFactory(comment=reported)
    dismissed = factories.ReportFactory()
    dismissed.dismissed_at = timezone.now()
    dismissed.save()
    page = client.get(reverse("admin:index")).content.decode()
    assert "3</strong> comments awaiting moderation" in page
    assert "1</strong> reported" in page


def test_ban_admin_records_who_and_validates(client, editor):
    response = client.post(
        reverse("admin:comments_ban_add"), {"ip_network": "203.0.113.9/24", "reason": "Bots"}
    )
    assert response.status_code == 302
    ban = Ban.objects.get()
    assert (ban.ip_network, ban.created_by, ban.kind) == ("203.0.113.0/24", editor, "manual")
    assert ModerationAction.objects.filter(ban=ban, actor=editor, action="ban").exists()
    bad = client.post(reverse("admin:comments_ban_add"), {"ip_network": "nonsense", "reason": "x"})
    assert bad.status_code == 200 and Ban.objects.count() == 1
    empty = client.post(reverse("admin:comments_ban_add"), {"reason": "nobody"})
    assert empty.status_code == 200 and Ban.objects.count() == 1


def test_word_list_admin_feeds_the_pipeline(client, editor):
    client.post(reverse("admin:comments_wordlistentry_add"), {"phrase": "Dreck", "kind": "disallowed"})
    comment = Comment(
        review=factories.ReviewFactory(), author=factories.UserFactory(is_staff=False), body="pure dreck"
    )
    moderation.screen(comment)
    assert comment.status == "spam"


def test_ban_admin_names_an_account_by_username(client, editor):
    reader = factories.VerifiedUserFactory(username="loudmouth")
    response = client.post(reverse("admin:comments_ban_add"), {"username": "LoudMouth", "reason": "Abuse"})
    assert response.status_code == 302
    assert Ban.objects.get().user == reader
    page = client.get(reverse("admin:comments_ban_change", args=[Ban.objects.get().pk])).content.decode()
    assert 'value="loudmouth"' in page
    unknown = client.post(reverse("admin:comments_ban_add"), {"username": "nobody-here", "reason": "x"})
    assert unknown.status_code == 200 and "No account has that username." in unknown.content.decode()
