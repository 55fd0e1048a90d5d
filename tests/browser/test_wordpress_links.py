"""A reader following an old WordPress link lands on the imported review and comment."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from comments.models import Comment

pytestmark = pytest.mark.django_db(transaction=True)

EXPORT = Path(__file__).resolve().parent.parent / "fixtures" / "wordpress" / "weekly-wxr12.xml"


@pytest.fixture
def imported(db):
    call_command("import_wordpress", str(EXPORT), stdout=io.StringIO(), stderr=io.StringIO())


def test_an_old_comment_link_lands_on_the_comment(page, live_server, imported):
    comment = Comment.objects.get(wordpress_id=1010)
    # The old post URL with WordPress's comment number in the fragment.
    page.goto("/2010/09/28/never-let-me-go/#comment-1010")
    expect(page).to_have_url(f"{live_server.url}/reviews/never-let-me-go/#comment-{comment.pk}")
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("Watch her hands.")


def test_without_javascript_the_old_link_still_opens_the_review(page_no_js, live_server, imported):
    page_no_js.goto("/2010/09/28/never-let-me-go/#comment-1010")
    expect(page_no_js).to_have_url(f"{live_server.url}/reviews/never-let-me-go/#comment-1010")
    expect(page_no_js.locator("#review-headline")).to_have_text("Never Let Me Go")
    expect(page_no_js.locator("#comments")).to_contain_text("10 thoughts")


def test_a_marquee_anchor_is_left_alone(page, live_server, imported):
    comment = Comment.objects.get(wordpress_id=1001)
    page.goto(f"/reviews/never-let-me-go/#comment-{comment.pk}")
    page.wait_for_load_state("load")
    expect(page).to_have_url(f"{live_server.url}/reviews/never-let-me-go/#comment-{comment.pk}")
