"""The Django admin under the Content-Security-Policy, in Chromium.

The shared `page` fixture fails a test on any CSP violation or console error, so these walk the
admin pages that carry JavaScript or inline styles of their own: the change lists (a critic's has
no actions, so Django adds an inline <style>, allowed by its hash), forms with prepopulated
fields, autocomplete (Select2), date pickers, the moderation queue and its bulk-action pages.
"""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.demo import DEMO_USERS
from comments.models import Comment
from tests.conftest import restore_data_migrations


@pytest.fixture
def demo(transactional_db):
    restore_data_migrations()
    call_command("load_demo", stdout=io.StringIO())


def sign_in(page, role):
    person = next(user for user in DEMO_USERS if user.role == role)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(person.username)
    page.get_by_label("Password").fill(person.password)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_be_visible()


def test_a_critic_writes_in_the_admin_without_csp_violations(page, live_server, demo):
    sign_in(page, "critic")
    page.goto("/admin/reviews/review/")
    expect(page.locator("#result_list")).to_be_visible()
    page.goto("/admin/reviews/review/add/")
    page.locator("#id_headline").press_sequentially("A test headline")
    page.locator("#id_lowdown").focus()
    expect(page.locator("#id_slug")).to_have_value(re.compile("a-test-headline"))  # prepopulate.js ran
    page.locator(".select2-selection").first.click()  # autocomplete's Select2
    expect(page.locator(".select2-search__field")).to_be_visible()
    page.keyboard.press("Escape")
    page.locator(".datetimeshortcuts a").first.click()  # calendar.js / DateTimeShortcuts
    page.wait_for_timeout(200)


def test_an_editor_moderates_without_csp_violations(page, live_server, demo):
    sign_in(page, "editor")
    page.goto("/admin/comments/comment/")  # the moderation desk: cards, desk.js
    expect(page.get_by_role("heading", name="Moderation desk")).to_be_visible()
    comment = Comment.objects.in_moderation().first()
    page.goto(f"/admin/comments/comment/{comment.pk}/change/")
    expect(page.locator("#moderation-context")).to_be_visible()
    expect(page.locator("#moderation-buttons")).to_have_css("display", "flex")  # admin.css applies
    for url in (
        "/admin/",
        "/admin/comments/comment/?status=all",
        "/admin/comments/ban/add/",
        "/admin/comments/report/",
        "/admin/comments/moderationaction/",
    ):
        page.goto(url)
        expect(page.locator("#content")).to_be_visible()
