"""A comment's markup lives in one template: changing it changes every place a comment is shown."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from comments import moderation
from tests import factories
from tests.comments.conftest import form_data

pytestmark = pytest.mark.django_db

TEMPLATE = Path(django_settings.BASE_DIR, "templates", "comments", "_comment.html").read_text()


@pytest.fixture
def redesigned(settings):
    """The real template with one class added, served ahead of the file (as a designer's edit)."""
    assert 'class="comment depth-' in TEMPLATE
    edited = TEMPLATE.replace('class="comment depth-', 'class="comment comment-redesigned depth-')
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [
        {
            **engine,
            "APP_DIRS": False,
            "OPTIONS": {
                **engine["OPTIONS"],
                "loaders": [
                    ("django.template.loaders.locmem.Loader", {"comments/_comment.html": edited}),
                    "django.template.loaders.filesystem.Loader",
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]
    return "comment-redesigned"


def test_the_thread_reply_page_pending_view_profile_and_admin_use_the_one_template(
    redesigned, settings, client
):
    settings.MARQUEE_COMMENTS_FORM_MIN_SECONDS = 0
    author = factories.VerifiedUserFactory(username="ida")
    review = factories.ReviewFactory()
    shown = factories.CommentFactory(review=review, author=author, guest_name="", guest_email="")

    thread = client.get(review.get_absolute_url()).content.decode()
    assert thread.count(redesigned) == 1 and f'id="comment-{shown.pk}"' in thread

    reply_page = client.get(reverse("comments:comment-reply", args=[shown.pk])).content.decode()
    assert redesigned in reply_page

    guest = Client()
    response = guest.post(
        reverse("comments:comment-post", args=[review.pk]), form_data(review, body="Waiting my turn.")
    )
    assert response.status_code == 302
    pending_view = guest.get(review.get_absolute_url()).content.decode()
    assert "Waiting my turn." in pending_view
    assert pending_view.count(redesigned) == 2  # the thread's comment and the visitor's pending one

    profile = client.get(reverse("accounts:profile", args=["ida"])).content.decode()
    assert redesigned in profile

    editor = factories.ModeratorFactory(is_superuser=True)
    client.force_login(editor)
    admin_page = client.get(reverse("admin:comments_comment_change", args=[shown.pk])).content.decode()
    assert redesigned in admin_page


def test_an_approved_comment_keeps_the_templates_markup_in_the_cached_thread(redesigned, client):
    review = factories.ReviewFactory()
    pending = factories.CommentFactory(review=review, status="pending")
    client.get(review.get_absolute_url())
    moderation.approve(pending)
    assert redesigned in client.get(review.get_absolute_url()).content.decode()
