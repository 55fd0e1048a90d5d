"""Report, Edit and Delete links in the thread: on the shared page, shown to the right people."""

import pytest
from django.urls import reverse

from comments import moderation
from comments.models import Comment
from tests.factories import ReviewFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def review():
    return ReviewFactory()


def approved_comment(review, **fields):
    comment = Comment(review=review, body="A thought worth keeping.", status="approved", **fields)
    return moderation.post(comment)


def test_every_visible_comment_has_a_report_link(client, review):
    comment = approved_comment(review, guest_name="Ann", guest_email="ann@guest.example")
    html = client.get(review.get_absolute_url()).content.decode()
    assert f'href="{reverse("comments:comment-report", args=[comment.pk])}"' in html


def test_authors_own_links_are_shown_only_to_the_author(client, review):
    author = VerifiedUserFactory(username="ann")
    other = VerifiedUserFactory(username="bob")
    comment = approved_comment(review, author=author)
    edit_url = reverse("comments:comment-edit", args=[comment.pk])

    anonymous = client.get(review.get_absolute_url()).content.decode()
    assert f'href="{edit_url}"' in anonymous  # in the shared markup ...
    assert '.comment[data-account="' not in anonymous  # ... but no rule shows it

    client.force_login(other)
    assert '.comment[data-account="ann"]' not in client.get(review.get_absolute_url()).content.decode()

    client.force_login(author)
    mine = client.get(review.get_absolute_url()).content.decode()
    assert '.comment[data-account="ann"] .comment-own-actions { display: inline; }' in mine
    assert f'data-comment-id="{comment.pk}" data-author="{author.public_name}" data-account="ann"' in mine


def test_the_edit_link_leads_to_a_working_edit_page_for_the_author(client, review):
    author = VerifiedUserFactory()
    comment = approved_comment(review, author=author)
    client.force_login(author)
    response = client.get(reverse("comments:comment-edit", args=[comment.pk]))
    assert response.status_code == 200
    assert "A thought worth keeping." in response.content.decode()


def test_someone_elses_edit_link_is_refused(client, review):
    comment = approved_comment(review, author=VerifiedUserFactory())
    client.force_login(VerifiedUserFactory())
    assert client.get(reverse("comments:comment-edit", args=[comment.pk])).status_code == 403


def test_a_page_with_many_tombstones_shows_them_all(client, review):
    parents = [
        approved_comment(review, guest_name=f"P{n}", guest_email=f"p{n}@guest.example") for n in range(3)
    ]
    for parent in parents:
        approved_comment(review, parent=parent, guest_name="R", guest_email="r@guest.example")
        moderation.remove(parent, by=None)
    html = client.get(review.get_absolute_url()).content.decode()
    assert html.count("This comment was removed.") == 3
    assert html.count('class="comment depth-1') == 3
