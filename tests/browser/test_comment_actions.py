"""From the thread itself: a reader reports a comment; an author edits their own."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment, Report
from tests import factories
from tests.browser.test_commenter import approved, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def review():
    return factories.ReviewFactory(film__title="The Long Reel")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_reader_reports_a_comment_from_the_thread(request, live_server, review, javascript):
    page = request.getfixturevalue("page" if javascript else "page_no_js")
    rude = approved(review, guest_name="Grump", body="Only an idiot would like this film.")
    reader = factories.VerifiedUserFactory(username="sam")
    sign_in(page, live_server, reader)

    page.goto(review.get_absolute_url())
    comment = page.locator(f"#comment-{rude.pk}")
    expect(comment.get_by_role("link", name="Edit")).to_be_hidden()  # not theirs
    comment.get_by_role("link", name="Report").click()
    page.get_by_label("Incivility").check()
    page.get_by_role("button", name="Report").click()

    expect(page.get_by_text("An editor will look at this comment")).to_be_visible()
    assert Report.objects.filter(comment=rude, reporter=reader).count() == 1


def test_author_edits_their_comment_from_the_thread(page, live_server, review):
    author = factories.VerifiedUserFactory(username="ann", display_name="Ann Author")
    mine = approved(review, author=author, guest_name="", guest_email="", body="Four stars from me.")
    sign_in(page, live_server, author)

    page.goto(review.get_absolute_url())
    comment = page.locator(f"#comment-{mine.pk}")
    expect(comment.get_by_role("link", name="Report")).to_be_hidden()  # one's own
    comment.get_by_role("link", name="Edit").click()
    page.get_by_role("textbox").first.fill("Four and a half stars from me.")
    page.get_by_role("button", name="Save").click()

    expect(page.locator(f"#comment-{mine.pk}")).to_contain_text("Four and a half stars from me.")
    expect(page.locator(f"#comment-{mine.pk}")).to_contain_text("edited")
    assert Comment.objects.get(pk=mine.pk).revisions.count() == 1
