"""The demo editor's morning in the admin: the queue count, approve one, reject one with a
reason; the approved comment then shows on the review page and the rejected one does not."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.demo import DEMO_USERS
from comments.demo import MODERATION_MARKER
from comments.models import Comment, ModerationAction
from tests.conftest import restore_data_migrations

REJECTED_TEXT = "I want a refund for the two hours I spent on this."


@pytest.fixture
def demo(transactional_db):
    restore_data_migrations()
    call_command("load_demo", stdout=io.StringIO())


def test_editor_approves_and_rejects_from_the_admin_queue(page, live_server, demo):
    editor = next(user for user in DEMO_USERS if user.role == "editor")
    to_approve = Comment.objects.get(body=MODERATION_MARKER)
    to_reject = Comment.objects.get(body__startswith=REJECTED_TEXT)
    waiting = Comment.objects.in_moderation().count()

    page.goto("/admin/")
    page.get_by_label("Username").fill(editor.username)
    page.get_by_label("Password").fill(editor.password)
    page.get_by_role("button", name="Log in").click()

    summary = page.locator("#moderation-summary")
    expect(summary).to_contain_text(f"{waiting} comments awaiting moderation")
    summary.get_by_role("link", name=re.compile("awaiting moderation")).click()
    expect(page.locator("#desk-list")).to_contain_text(MODERATION_MARKER[:40])

    # Approve one from its card.
    card = page.locator(".desk-card", has_text=MODERATION_MARKER[:40])
    card.get_by_role("button", name=re.compile("^Approve")).click()
    expect(page.locator("#desk-status")).to_contain_text("Approved: Comment by")
    expect(card).to_have_class(re.compile("is-decided"))

    # Reject another with the bulk action, picking the reason on the intermediate page.
    page.locator(".desk-card", has_text=REJECTED_TEXT[:40]).locator("input.action-select").check()
    page.locator("select[name=action]").select_option("reject_selected")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", name="Reject comments")).to_be_visible()
    page.get_by_label("Incivility").check()
    page.get_by_label("Note").fill("Rude to other readers.")
    page.get_by_role("button", name="Reject").click()
    expect(page.locator(".messagelist")).to_contain_text("Rejected 1 comment: Incivility.")

    page.goto("/admin/")
    expect(page.locator("#moderation-summary")).to_contain_text(f"{waiting - 2} comments awaiting moderation")

    to_approve.refresh_from_db()
    to_reject.refresh_from_db()
    assert (to_approve.status, to_reject.status) == ("approved", "rejected")
    action = ModerationAction.objects.get(comment=to_reject, action="reject")
    assert (action.reason, action.note, action.actor.username) == (
        "incivility",
        "Rude to other readers.",
        "editor",
    )

    # The approved comment is on its review page (a fresh visitor); the rejected one is not.
    reader_page = page.context.browser.new_page(base_url=live_server.url)
    try:
        reader_page.goto(to_approve.review.get_absolute_url())
        expect(reader_page.locator(f"#comment-{to_approve.pk}")).to_contain_text(MODERATION_MARKER)
        reader_page.goto(to_reject.review.get_absolute_url())
        expect(reader_page.locator("body")).not_to_contain_text(REJECTED_TEXT)
        assert reader_page.locator(f"#comment-{to_reject.pk}").count() == 0
    finally:
        reader_page.close()
