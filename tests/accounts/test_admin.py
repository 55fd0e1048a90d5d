"""The accounts admin: comment counts, a link to ban, profile fields."""

import re

import pytest
from django.urls import reverse

from accounts.admin import UserAdmin
from tests.factories import CommentFactory, EditorFactory, ReviewFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db
COLUMNS = list(UserAdmin.list_display)


@pytest.fixture
def admin_client(client):
    client.force_login(EditorFactory(is_superuser=True))
    return client


def test_user_list_shows_comment_counts_and_ban_links(admin_client, django_assert_max_num_queries):
    chatty = VerifiedUserFactory(username="chatty")
    review = ReviewFactory()
    for _ in range(3):
        CommentFactory(review=review, author=chatty, guest_name="", guest_email="")
    VerifiedUserFactory(username="quiet")
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:accounts_user_changelist"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="field-comment_count">3<' in html
    assert 'href="/admin/comments/ban/add/?username=chatty"' in html
    assert "A guest&#x27;s data" in html or "A guest's data" in html


def test_user_list_sorts_by_comment_count(admin_client):
    review = ReviewFactory()
    for username, count in (("two", 2), ("none", 0), ("three", 3)):
        author = VerifiedUserFactory(username=username)
        for _ in range(count):
            CommentFactory(review=review, author=author, guest_name="", guest_email="")
    column = 1 + COLUMNS.index("comment_count")
    html = admin_client.get(reverse("admin:accounts_user_changelist"), {"o": f"-{column}"}).content.decode()
    order = re.findall(r'<th class="field-username"><a [^>]*>([^<]+)</a>', html)
    assert [name for name in order if name in ("two", "none", "three")] == ["three", "two", "none"]


def test_user_change_page_shows_profile_and_preferences(admin_client):
    user = VerifiedUserFactory(bio="Row F.")
    html = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()
    assert 'name="display_name"' in html and 'name="bio"' in html
    assert 'name="email_on_reply"' in html and 'name="always_show_spoilers"' in html


def test_ban_link_prefills_the_ban_form(admin_client):
    VerifiedUserFactory(username="troll")
    html = admin_client.get("/admin/comments/ban/add/?username=troll").content.decode()
    assert 'name="username"' in html and 'value="troll"' in html
