"""The moderation desk in a real browser: an editor clears a queue of 50 held comments with only
the keyboard (counting keystrokes per decision, no page load per decision), the same queue
without JavaScript at one click per decision, undo, moving about, and the layout at 1366 px and
on a tablet."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Ban, Comment, HeldFor, ModerationAction
from tests import factories
from tests.browser.conftest import axe_violations
from tests.conftest import restore_data_migrations

PASSWORD = factories.DEFAULT_PASSWORD
QUEUE = 50
TARGET_KEYSTROKES = 1.2

# What the editor decides for the n-th comment of the queue: mostly approvals, rejections
# with each reason, spam, and one ban.
REASON_KEYS = {"1": "off_topic", "2": "incivility", "3": "personal_attack", "4": "other"}


def plan(n):
    if n == 17:
        return "ban"
    if n % 7 == 3:
        return "s"
    if n % 5 == 1:
        return str(1 + (n // 5) % 4)
    return "a"


@pytest.fixture
def queue(transactional_db):
    restore_data_migrations()
    editor = factories.ModeratorFactory(username="desk-editor", email="desk@marquee.example")
    reviews = [factories.ReviewFactory(film__title=f"Film {n}") for n in range(3)]
    troll = factories.VerifiedUserFactory(username="troll", display_name="Troll Account")
    comments = []
    for n in range(QUEUE):
        review = reviews[n % 3]
        kwargs = {"guest_name": f"Guest {n}", "guest_email": f"guest{n}@guest.example"}
        if plan(n) == "ban":
            kwargs = {"author": troll, "guest_name": "", "guest_email": ""}
        body = f"Held comment number {n}. " + ("A longer thought about the film. " * (n % 4))
        if n == 3:
            body += "And [spoiler]the twist at the end[/spoiler], folded."
        comments.append(
            factories.CommentFactory(
                review=review, status="pending", held_for=HeldFor.NEW_COMMENTER, body=body, **kwargs
            )
        )
    return editor, comments


def log_in(page, editor):
    page.goto("/admin/login/?next=/admin/comments/comment/")
    page.get_by_label("Username").fill(editor.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#desk-list")).to_be_visible()


def check_outcome(comments):
    statuses = dict(Comment.objects.values_list("pk", "status"))
    for n, comment in enumerate(comments):
        wanted = {"a": "approved", "s": "spam", "ban": "rejected"}.get(plan(n), "rejected")
        assert statuses[comment.pk] == wanted, (n, plan(n))
        if plan(n) in REASON_KEYS:
            action = ModerationAction.objects.get(comment=comment, action="reject")
            assert action.reason == REASON_KEYS[plan(n)]
    assert Ban.objects.filter(user__username="troll").count() == 1
    assert not Comment.objects.in_moderation().exists()


def test_an_editor_clears_50_held_comments_with_the_keyboard(page, queue, capsys):
    editor, comments = queue
    log_in(page, editor)
    navigations = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and navigations.append(frame.url))
    page.evaluate("window.deskMarker = 'same page'")
    keystrokes = 0
    for n, comment in enumerate(comments):
        card = page.locator(f"#desk-{comment.pk}")
        expect(card).to_be_focused()  # the desk moved here by itself
        keys = ["b", "Enter"] if plan(n) == "ban" else [plan(n)]
        for key in keys:
            page.keyboard.press(key)
            keystrokes += 1
        expect(card).to_have_class(re.compile("is-decided"))
    expect(page.locator("#desk-status")).to_contain_text("Every comment on this page is decided.")
    expect(page.locator('.desk-tab [data-count="pending"]')).to_have_text("0")
    assert page.evaluate("window.deskMarker") == "same page"
    assert navigations == []  # no page load for any decision
    per_decision = keystrokes / QUEUE
    with capsys.disabled():
        print(
            f"\nDESK keyboard: {keystrokes} keystrokes for {QUEUE} decisions = {per_decision:.2f} a decision"
        )
    assert per_decision <= TARGET_KEYSTROKES
    check_outcome(comments)


def test_the_same_queue_without_javascript_at_one_click_a_decision(page_no_js, queue, capsys):
    page = page_no_js
    editor, comments = queue
    log_in(page, editor)
    clicks = 0
    for n, comment in enumerate(comments):
        card = page.locator(".desk-card").first  # the next comment is where the last one was
        expect(card).to_have_id(f"desk-{comment.pk}")
        if n:
            assert page.url.endswith(f"#desk-{comment.pk}")
        name = {"a": "Approve", "s": "Spam", "ban": "Ban author"}.get(plan(n))
        if name is None:
            name = ["Off-topic", "Incivility", "Personal attack", "Other"][int(plan(n)) - 1]
        card.get_by_role("button", name=re.compile("^" + name)).click()
        clicks += 1
        expect(page.locator(".messagelist")).to_be_visible()
    expect(page.locator(".desk-empty")).to_contain_text("The queue is clear.")
    with capsys.disabled():
        print(f"\nDESK without JavaScript: {clicks} clicks for {QUEUE} decisions")
    assert clicks == QUEUE
    check_outcome(comments)


def test_undo_moving_about_and_opening_in_context(page, queue):
    editor, comments = queue
    log_in(page, editor)
    first, second, third = (page.locator(f"#desk-{c.pk}") for c in comments[:3])
    expect(first).to_be_focused()
    page.keyboard.press("j")
    expect(second).to_be_focused()
    page.keyboard.press("k")
    expect(first).to_be_focused()
    page.keyboard.press("2")
    expect(first).to_have_class(re.compile("is-decided"))
    expect(second).to_be_focused()
    expect(page.locator("#desk-status")).to_contain_text("Rejected (Incivility)")
    page.keyboard.press("u")  # undo: the comment is back in the queue and in focus
    expect(first).to_be_focused()
    expect(first).not_to_have_class(re.compile("is-decided"))
    expect(page.locator('.desk-tab [data-count="pending"]')).to_have_text(str(QUEUE))
    assert Comment.objects.get(pk=comments[0].pk).status == "pending"
    page.keyboard.press("b")
    expect(first.locator(".desk-ban")).to_be_focused()
    page.keyboard.press("Escape")  # a ban waits for Enter; Escape cancels
    expect(first).to_be_focused()
    assert not Ban.objects.exists()
    page.keyboard.press("x")
    expect(first.locator("input.action-select")).to_be_checked()
    expect(page.locator(".action-counter")).to_have_text(f"1 of {QUEUE} selected")
    page.keyboard.press("o")
    expect(page).to_have_url(re.compile(rf"/admin/comments/comment/{comments[0].pk}/change/$"))
    expect(page.locator("#moderation-context")).to_contain_text("Held comment number 0.")


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (820, 1180)])
def test_cards_are_readable_at_1366_px_and_on_a_tablet(page, queue, width, height):
    editor, comments = queue
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, editor)
    body = page.locator(f"#desk-{comments[3].pk} .comment-body")
    expect(body).to_contain_text("Held comment number 3.")
    expect(body.locator(".spoiler-text")).to_be_hidden()  # spoilers folded, as on the site
    box = body.bounding_box()
    assert box["width"] >= 420, box  # the comment column is wide enough to read (it was 110 px)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing runs off the right
    for selector in (".desk-byline", ".desk-actions", ".desk-record"):
        edge = page.locator(f"#desk-{comments[3].pk} {selector}").bounding_box()
        assert edge["x"] + edge["width"] <= width, selector


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_moderation_page_has_no_serious_or_critical_axe_violations(page, queue, axe_source, scheme):
    editor, comments = queue
    page.emulate_media(color_scheme=scheme)
    reported = factories.CommentFactory(review=comments[0].review, body="A reported comment.")
    report = factories.ReportFactory(comment=reported, reason="spoiler", note="Gives the ending away")
    factories.CommentFactory(review=comments[0].review, status="spam", held_for=HeldFor.HONEYPOT)
    ban = factories.BanFactory(email="troll@example.com")
    word = factories.WordListEntryFactory(phrase="refund", kind="watch")
    log_in(page, editor)
    problems = []

    def check(path, prepare=None):
        response = page.goto(path)
        assert response.ok, f"{path}: {response.status}"
        if prepare:
            prepare()
        problems.extend(axe_violations(page, axe_source))

    def decide_one():  # a folded card, the undo form and the status message, as the script leaves them
        page.keyboard.press("a")
        expect(page.locator(f"#desk-{comments[0].pk}")).to_have_class(re.compile("is-decided"))

    def intermediate(action):
        def prepare():
            page.locator(f"#desk-{comments[5].pk} input.action-select").check()
            page.locator("select[name=action]").select_option(action)
            page.get_by_role("button", name="Go").click()
            expect(page.locator(".moderation-form")).to_be_visible()

        return prepare

    desk = "/admin/comments/comment/"
    check(desk, decide_one)
    for queue_name in ("reported", "spam", "decided"):
        check(f"{desk}?queue={queue_name}")
    check(desk, intermediate("reject_selected"))
    check(desk, intermediate("ban_authors"))
    check("/admin/")
    for path in (
        f"{desk}{comments[1].pk}/change/",
        f"{desk}{comments[0].pk}/history/",
        "/admin/comments/moderationaction/",
        f"/admin/comments/moderationaction/{ModerationAction.objects.first().pk}/change/",
        "/admin/comments/ban/",
        "/admin/comments/ban/add/",
        f"/admin/comments/ban/{ban.pk}/change/",
        "/admin/comments/wordlistentry/",
        f"/admin/comments/wordlistentry/{word.pk}/change/",
        "/admin/comments/report/",
        f"/admin/comments/report/{report.pk}/change/",
    ):
        check(path)
    assert not problems, "\n".join(problems)
