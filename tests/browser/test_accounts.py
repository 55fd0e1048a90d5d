"""A new reader's journey: sign up, verify by e-mail, set up a profile, comment, see it there."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from PIL import Image
from playwright.sync_api import expect

from comments import moderation
from comments.models import Comment
from tests.factories import ReviewFactory

PASSWORD = "popcorn-and-a-matinee-7"


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (30, 80, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def review(db, settings):
    settings.MARQUEE_COMMENTS_FORM_MIN_SECONDS = 0  # the browser is faster than a person
    return ReviewFactory(film__title="The Long Reel", headline="A projectionist's dream")


def test_sign_up_verify_profile_comment_and_see_it_on_the_profile(page, live_server, review, mailoutbox):
    page.goto("/")
    page.get_by_role("link", name="Join").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    page.get_by_label("E-mail").fill("nora@example.com")
    page.get_by_label("Username").fill("nora")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Verify")

    # The link from the e-mail (the test outbox is shared with the live server's thread).
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["nora@example.com"]
    link = re.search(r"https?://\S+", mailoutbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("banner")).to_contain_text("nora")
    assert get_user_model().objects.get(username="nora").has_verified_email()

    page.get_by_role("banner").get_by_role("link", name="nora").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Profile and preferences")
    page.get_by_label("Display name").fill("Nora Quill")
    page.get_by_label("Short bio").fill("Sits in row F.")
    page.get_by_label("New avatar").set_input_files(
        files=[{"name": "holiday.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("saved")
    expect(page.get_by_role("banner")).to_contain_text("Nora Quill")
    avatar = page.locator(".account-nav img.avatar")
    expect(avatar).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", avatar.element_handle()) == 64

    page.goto(review.get_absolute_url())
    page.get_by_label("Comment").fill("The last reel is the best thing this year.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("status")).to_contain_text("Thanks")
    comment = Comment.objects.get(author__username="nora")

    page.goto("/members/nora/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nora Quill")
    expect(page.locator(".profile-comment")).to_contain_text("The last reel is the best thing this year.")

    # Once approved, everyone sees it there, linked to its permalink.
    if comment.status != "approved":
        moderation.approve(comment)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    page.goto("/members/nora/")
    entry = page.locator(".profile-comment")
    expect(entry).to_contain_text("The last reel is the best thing this year.")
    expect(entry.get_by_role("link", name="The Long Reel")).to_have_attribute(
        "href", review.get_absolute_url()
    )
    expect(page.locator(".profile-header img.avatar")).to_be_visible()
    assert "nora@example.com" not in page.content()


def test_account_pages_work_without_javascript(page_no_js, live_server, db):
    page = page_no_js
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_label("Username or e-mail")).to_be_visible()
    page.goto("/accounts/signup/")
    expect(page.get_by_label("Username")).to_be_visible()


def test_account_pages_fit_a_narrow_phone(page, live_server, db):
    page.set_viewport_size({"width": 360, "height": 740})
    for url in ["/accounts/login/", "/accounts/signup/"]:
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
