"""The admin speaks words, not codes: reasons, statuses and titles readable, the site's name in
the header, one time zone, and counts pluralised properly."""

import datetime
import re

import pytest
from django.urls import reverse

from comments import moderation
from comments.models import Comment, HeldFor, ModerationAction, Rejection
from tests import factories

pytestmark = pytest.mark.django_db

CODES = ["new_commenter", "tamper", "unverified_email", "off_topic", "pending", "rejected"]


@pytest.fixture
def editor(client):
    editor = factories.ModeratorFactory(username="edna")
    client.force_login(editor)
    return editor


@pytest.fixture
def comment():
    review = factories.ReviewFactory(film__title="The Long Reel")
    comment = factories.CommentFactory(
        review=review, guest_name="Greta Guest", status="pending", held_for=HeldFor.UNVERIFIED_EMAIL
    )
    ModerationAction.objects.create(
        comment=comment, action="held", reason="unverified_email", to_status="pending"
    )
    return comment


def cells(page, column):
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(rf'class="field-{column}">(.*?)</t[dh]>', page, re.S)
    ]


def test_audit_trail_shows_reasons_statuses_and_comments_in_words(client, editor, comment):
    moderation.reject(comment, by=editor, reason=Rejection.OFF_TOPIC, strikes=False)
    spam = factories.CommentFactory(review=comment.review, guest_name="Bot", status="spam", held_for="tamper")
    ModerationAction.objects.create(comment=spam, action="spam", reason="tamper", to_status="spam")
    page = client.get(reverse("admin:comments_moderationaction_changelist")).content.decode()
    reasons = cells(page, "reason_words")
    assert {"Off-topic", "Guest e-mail not verified", "Form tampered with"} <= set(reasons)
    assert not set(reasons) & set(CODES)
    about = cells(page, "comment_link")
    assert "Comment by Greta Guest on The Long Reel" in about
    assert not [text for text in about if text.startswith("#")]
    history = client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()
    assert "Pending → Rejected" in cells(history, "status_change")
    assert {"Off-topic", "Guest e-mail not verified"} <= set(cells(history, "reason_words"))


def test_titles_name_the_author_and_the_film(client, editor, comment):
    page = client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()
    assert "Comment by Greta Guest on The Long Reel" in page
    assert f"Comment {comment.pk} by" not in page
    assert str(comment) == "Comment by Greta Guest on The Long Reel"


def test_the_header_and_title_are_the_sites(client, editor, settings):
    page = client.get(reverse("admin:index")).content.decode()
    assert "Django administration" not in page and "Django site admin" not in page
    assert re.search(r'id="site-name">\s*<a [^>]*>Marquee</a>', page)
    assert re.search(r"<title>.*Marquee admin</title>", page, re.S)


def test_history_rows_use_one_time_zone(client, editor, comment, settings):
    assert settings.TIME_ZONE == "America/New_York"
    when = datetime.datetime(2026, 12, 1, 16, 5, tzinfo=datetime.UTC)
    ModerationAction.objects.filter(comment=comment).update(created_at=when)
    page = client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()
    assert "11:05 a.m. EST" in page
    assert "16:05" not in page and "4:05 p.m." not in page


def test_counts_are_pluralised(client, editor, comment):
    for n in range(4):
        factories.WordListEntryFactory(phrase=f"word{n}")
    page = client.get(reverse("admin:comments_wordlistentry_changelist")).content.decode()
    assert "4 word list entries" in page and "4 word list\n" not in page
    response = client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "approve_selected", "_selected_action": [comment.pk]},
        follow=True,
    )
    assert "Approved 1 comment." in response.content.decode()
    assert "(s)" not in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).status == "approved"
