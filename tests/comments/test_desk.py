"""The editors' moderation desk (the Comments list in the admin): queue tabs and counts, the
whole comment with its context on each card, one-click decisions that return to the same place
in the list (or answer JSON for the desk's script), and undo through the audit trail."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from comments import moderation
from comments.models import Ban, Comment, HeldFor, ModerationAction, Rejection
from tests import factories

pytestmark = pytest.mark.django_db

DESK = reverse("admin:comments_comment_changelist")
UNDO = reverse("admin:comments_comment_undo")
JSON = {"HTTP_ACCEPT": "application/json"}


def decide_url(comment):
    return reverse("admin:comments_comment_decide", args=[comment.pk])


@pytest.fixture
def editor(client):
    editor = factories.ModeratorFactory(username="edna")
    client.force_login(editor)
    return editor


@pytest.fixture
def review():
    return factories.ReviewFactory(film__title="The Long Reel")


def held(review, minutes_ago=0, **kwargs):
    kwargs.setdefault("held_for", HeldFor.NEW_COMMENTER)
    comment = factories.CommentFactory(review=review, status="pending", **kwargs)
    if minutes_ago:
        Comment.objects.filter(pk=comment.pk).update(
            created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
        )
    return comment


def card_ids(response):
    return [card.comment.pk for card in response.context["desk_cards"]]


def test_tabs_count_each_queue_and_open_the_right_one(client, editor, review):
    first, second = held(review, minutes_ago=30), held(review, minutes_ago=10)
    reported = factories.CommentFactory(review=review, body="Reported words")
    factories.ReportFactory(comment=reported)
    spam_old = factories.CommentFactory(review=review, status="spam")
    decided = held(review)
    moderation.reject(decided, by=editor, reason=Rejection.OFF_TOPIC)
    response = client.get(DESK)
    tabs = {tab["queue"]: tab["count"] for tab in response.context["desk_tabs"]}
    assert tabs == {"pending": 2, "reported": 1, "spam": 1, "decided": 1}
    assert card_ids(response) == [first.pk, second.pk]  # the queue, oldest first
    page = response.content.decode()
    assert 'aria-current="page">Pending <span class="desk-count" data-count="pending">2</span>' in page
    assert card_ids(client.get(DESK, {"queue": "reported"})) == [reported.pk]
    assert card_ids(client.get(DESK, {"queue": "spam"})) == [spam_old.pk]
    assert card_ids(client.get(DESK, {"queue": "decided"})) == [decided.pk]
    assert client.get(DESK, {"queue": "nonsense"}).status_code == 200


def test_the_counts_are_in_the_admins_navigation(client, editor, review):
    held(review), held(review), held(review)
    factories.ReportFactory(comment=factories.CommentFactory(review=review))
    page = client.get(reverse("admin:index")).content.decode()
    assert 'title="awaiting moderation">3<span class="desk-visually-hidden"> pending</span>' in page
    assert 'title="reported by readers">1<span' in page


def test_a_card_shows_the_comment_whole_with_its_context(client, editor, review):
    reader = factories.VerifiedUserFactory(username="samreader", display_name="Sam Reader")
    factories.CommentFactory(author=reader, status="approved")
    factories.CommentFactory(author=reader, status="rejected")
    factories.BanFactory(user=reader, expires_at=timezone.now() - datetime.timedelta(days=1))
    parent = factories.CommentFactory(review=review, guest_name="Pat", body="The parent's point.")
    long_body = " ".join(f"word{n}" for n in range(400)) + " [spoiler]the twist[/spoiler] THE-END"
    comment = held(review, author=reader, parent=parent, body=long_body, held_for=HeldFor.LINKS)
    factories.ReportFactory(comment=comment, reason="spoiler", note="Gives away the ending")
    page = client.get(DESK).content.decode()
    assert "word399" in page and "THE-END" in page  # whole, not cut
    assert '<span class="spoiler-text">the twist</span>' in page  # folded by the site's comment CSS
    assert "css/comments.css" in page
    assert "The Long Reel" in page
    assert "In reply to <bdi>Pat</bdi>" in page and "<p>The parent's point.</p>" in page
    assert "Held for: <strong>Too many links</strong>" in page
    assert "Spoiler without a spoiler tag</strong>: “Gives away the ending”" in page
    assert "1 approved · 1 rejected · 1 reported" in page
    assert "Account opened" in page and "1 earlier ban" in page


def test_the_desk_costs_the_same_queries_for_5_or_50_comments(
    client, editor, review, django_assert_max_num_queries
):
    def add(count):
        for n in range(count):
            parent = factories.CommentFactory(review=review)
            if n % 2:
                held(review, author=factories.VerifiedUserFactory(), parent=parent)
            else:
                held(review, guest_email=f"g{n}-{count}@guest.example", parent=parent)

    add(5)
    with django_assert_max_num_queries(40) as five:
        client.get(DESK)
    add(45)
    with django_assert_max_num_queries(len(five.captured_queries)):
        assert len(card_ids(client.get(DESK))) == 50


@pytest.mark.parametrize(
    ("decision", "status", "reason"),
    [("approve", "approved", ""), ("spam", "spam", "spam"), ("reject:incivility", "rejected", "incivility")],
)
def test_one_click_decisions_return_to_the_same_place(client, editor, review, decision, status, reason):
    comment, following = held(review, minutes_ago=5), held(review)
    response = client.post(
        decide_url(comment),
        {
            "decision": decision,
            "status": "pending",
            "following": following.pk,
            "next": DESK + "?queue=pending",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{DESK}?queue=pending#desk-{following.pk}"
    comment.refresh_from_db()
    assert comment.status == status
    action = ModerationAction.objects.filter(comment=comment, actor=editor).first()
    assert action.reason == reason and action.to_status == status


def test_ban_from_a_card_bans_for_7_days_and_rejects_the_authors_queue(client, editor, review):
    reader = factories.VerifiedUserFactory()
    first, second = held(review, author=reader), held(review, author=reader, body="again")
    response = client.post(decide_url(first), {"decision": "ban:7d", "status": "pending"}, **JSON)
    data = json.loads(response.content)
    assert response.status_code == 200 and data["ok"]
    assert {c["id"]: c["status"] for c in data["comments"]} == {first.pk: "rejected", second.pk: "rejected"}
    ban = Ban.objects.get(user=reader)
    assert abs(ban.expires_at - timezone.now() - datetime.timedelta(days=7)) < datetime.timedelta(minutes=1)
    assert ban.reason and ban.created_by == editor
    assert data["counts"]["pending"] == 0


def test_json_answers_carry_the_counts_and_the_undo(client, editor, review):
    comment = held(review)
    data = json.loads(client.post(decide_url(comment), {"decision": "approve"}, **JSON).content)
    assert (
        data["ok"] and data["message"] == "Approved: Comment by " + comment.author_name + " on The Long Reel."
    )
    assert data["counts"]["pending"] == 0 and data["counts"]["decided"] == 1
    assert data["undo"]["id"] == ModerationAction.objects.get(action="approve").pk


def test_bad_decisions_get_a_clear_4xx(client, editor, review):
    comment = held(review)
    assert client.get(decide_url(comment)).status_code == 405
    bad = client.post(decide_url(comment), {"decision": "delete"}, **JSON)
    assert bad.status_code == 400 and "not a decision" in json.loads(bad.content)["message"]
    assert client.post(decide_url(comment), {"decision": "reject:because"}).status_code == 302
    missing = client.post(reverse("admin:comments_comment_decide", args=[999999]), {"decision": "approve"})
    assert missing.status_code == 404
    assert Comment.objects.get(pk=comment.pk).status == "pending"


def test_a_comment_decided_by_someone_else_meanwhile_is_not_decided_twice(client, editor, review):
    comment = held(review)
    moderation.approve(comment, by=factories.ModeratorFactory())
    response = client.post(decide_url(comment), {"decision": "spam", "status": "pending"}, **JSON)
    assert response.status_code == 409
    assert "it is now Approved" in json.loads(response.content)["message"]
    assert Comment.objects.get(pk=comment.pk).status == "approved"


def test_next_never_leaves_the_desk(client, editor, review):
    comment = held(review)
    for bad in ["https://evil.example/", "//evil.example/admin/comments/comment/", "/accounts/"]:
        response = client.post(decide_url(comment), {"decision": "approve", "next": bad})
        assert response["Location"].startswith(DESK + "#")
        moderation.restore(comment, by=editor)


@pytest.mark.parametrize("role", ["anonymous", "reader", "critic"])
def test_only_editors_decide_or_undo(client, review, role):
    comment = held(review)
    actions = ModerationAction.objects.count()
    if role == "reader":
        client.force_login(factories.VerifiedUserFactory())
    elif role == "critic":
        from django.contrib.auth.models import Group

        critic = factories.UserFactory(is_staff=True)
        critic.groups.add(Group.objects.get(name="Critics"))
        client.force_login(critic)
    response = client.post(decide_url(comment), {"decision": "approve"})
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert reverse("admin:login") in response["Location"]
    assert client.post(UNDO).status_code in (302, 403)
    assert Comment.objects.get(pk=comment.pk).status == "pending"
    assert ModerationAction.objects.count() == actions


def test_undo_takes_back_the_last_decision(client, editor, review):
    comment = held(review)
    client.post(decide_url(comment), {"decision": "reject:off_topic"})
    page = client.get(DESK).content.decode()
    assert "Your last decision: Rejected (Comment by" in page
    response = client.post(UNDO, {"next": DESK})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.held_for) == ("pending", HeldFor.NEW_COMMENTER)
    again = client.post(UNDO, **JSON)
    assert again.status_code == 409 and "no decision of yours" in json.loads(again.content)["message"]


def test_undo_of_a_ban_lifts_it(client, editor, review):
    reader = factories.VerifiedUserFactory()
    comment = held(review, author=reader)
    client.post(decide_url(comment), {"decision": "ban:7d"})
    data = json.loads(client.post(UNDO, **JSON).content)
    assert data["ok"] and [c["status"] for c in data["comments"]] == ["pending"]
    assert not Ban.objects.get(user=reader).is_active


def test_undo_only_takes_back_your_own_decision(client, editor, review):
    comment = held(review)
    other = factories.ModeratorFactory()
    moderation.approve(comment, by=other)
    assert client.post(UNDO, **JSON).status_code == 409
    assert Comment.objects.get(pk=comment.pk).status == "approved"
