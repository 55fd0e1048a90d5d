"""A commenter's journeys in a real browser: posting, replying, quoting, spoilers.

Each journey runs with JavaScript on (`page`) and off (`page_no_js`).
"""

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from comments.models import Comment
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_forms")]


@pytest.fixture
def review():
    review = factories.ReviewFactory(film__title="The Long Reel")
    return review


def approved(review, **kwargs):
    comment = factories.CommentFactory(review=review, **kwargs)
    return comment


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


@pytest.fixture
def known_reader(review):
    """A signed-in reader with a verified e-mail and an approved comment: posts go straight up."""
    reader = factories.VerifiedUserFactory(username="sam", display_name="Sam Reader")
    other = factories.ReviewFactory()
    approved(other, author=reader, guest_name="", guest_email="")
    return reader


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_guest_posts_and_sees_it_awaiting_moderation(request, live_server, review, javascript):
    page = request.getfixturevalue("page" if javascript else "page_no_js")
    approved(review, guest_name="Ann", body="A lovely film.")
    page.goto(review.get_absolute_url())
    expect(page.get_by_role("heading", name="1 thought on The Long Reel")).to_be_visible()
    form = page.locator("#comment-form")
    form.get_by_label("Comment", exact=True).fill("My first thoughts on [b]the reel[/b].")
    form.get_by_role("textbox", name="Name").fill("Pat Guest")
    form.get_by_role("textbox", name="E-mail").fill("pat@guest.example")
    form.get_by_role("button", name="Post comment").click()
    comment = Comment.objects.get(guest_name="Pat Guest")
    assert comment.status == "pending"
    expect(page).to_have_url(re.compile(rf"#comment-{comment.pk}$"))
    expect(page.get_by_role("status")).to_contain_text("awaiting moderation")
    mine = page.locator(f"#comment-{comment.pk}")
    expect(mine).to_contain_text("Awaiting moderation")
    expect(mine.locator("strong")).to_have_text("the reel")
    # The count is of approved comments only.
    expect(page.get_by_role("heading", name="1 thought on The Long Reel")).to_be_visible()


def test_signed_in_reader_replies_and_quotes_with_javascript(page, live_server, review, known_reader):
    first = approved(review, guest_name="Ann", body="The projector scene is the best thing this year.")
    second = approved(review, guest_name="Bo", body="Too long by half.")
    sign_in(page, live_server, known_reader)
    page.goto(review.get_absolute_url())

    # Reply: the form opens right under the comment, without leaving the page.
    page.locator(f"#comment-{first.pk}").get_by_role("link", name="Reply").click()
    expect(page.locator(f"#comment-{first.pk} + #respond")).to_be_visible()
    expect(page.locator("#reply-title")).to_contain_text("Reply to Ann")
    assert page.url.endswith(review.get_absolute_url())
    page.locator("#id_body").fill("Agreed, it gave me chills.")
    page.get_by_role("button", name="Post comment").click()
    reply = Comment.objects.get(body="Agreed, it gave me chills.")
    assert reply.parent_id == first.pk and reply.author == known_reader and reply.status == "approved"
    article = page.locator(f"#comment-{reply.pk}")
    expect(article).to_be_visible()
    expect(article).to_have_class(re.compile(r"\bdepth-1\b"))
    expect(article).to_contain_text("Sam Reader")

    # Quote: the whole comment, pre-filled as markup.
    page.locator(f"#comment-{second.pk}").get_by_role("link", name="Quote").click()
    expect(page.locator("#id_body")).to_have_value(
        f'[quote="Bo" id={second.pk}]Too long by half.[/quote]\n\n'
    )
    page.locator("#id_body").press("End")
    page.locator("#id_body").type("I didn't notice the time.")
    page.get_by_role("button", name="Post comment").click()
    quoting = Comment.objects.get(parent=second)
    assert f'[quote="Bo" id={second.pk}]' in quoting.body
    block = page.locator(f"#comment-{quoting.pk} blockquote")
    expect(block).to_contain_text("Too long by half.")
    expect(block.get_by_role("link", name="wrote")).to_have_attribute("href", f"/comments/{second.pk}/")


def test_quote_uses_the_selected_text(page, live_server, review, known_reader):
    comment = approved(review, guest_name="Ann", body="First sentence here. Second sentence there.")
    sign_in(page, live_server, known_reader)
    page.goto(review.get_absolute_url())
    page.evaluate(
        """id => {
          const p = document.querySelector(`#comment-${id} .comment-body p`);
          const text = p.firstChild;
          const range = document.createRange();
          range.setStart(text, 21); range.setEnd(text, 43);
          const selection = window.getSelection(); selection.removeAllRanges(); selection.addRange(range);
        }""",
        comment.pk,
    )
    page.locator(f"#comment-{comment.pk} .comment-quote-link").dispatch_event("click")
    expect(page.locator("#id_body")).to_have_value(
        f'[quote="Ann" id={comment.pk}]Second sentence there.[/quote]\n\n'
    )


def test_signed_in_reader_replies_and_quotes_without_javascript(
    page_no_js, live_server, review, known_reader
):
    page = page_no_js
    first = approved(review, guest_name="Ann", body="The projector scene is the best thing this year.")
    second = approved(review, guest_name="Bo", body="Too long by half.")
    sign_in(page, live_server, known_reader)
    page.goto(review.get_absolute_url())

    page.locator(f"#comment-{first.pk}").get_by_role("link", name="Reply").click()
    expect(page).to_have_url(re.compile(rf"/comments/{first.pk}/reply/$"))
    expect(page.get_by_role("heading", name="Reply to Ann").first).to_be_visible()
    expect(page.locator(".comment-parent")).to_contain_text("The projector scene")
    page.locator("#id_body").fill("Agreed, it gave me chills.")
    page.get_by_role("button", name="Post comment").click()
    reply = Comment.objects.get(body="Agreed, it gave me chills.")
    assert reply.parent_id == first.pk and reply.status == "approved"
    expect(page).to_have_url(re.compile(rf"#comment-{reply.pk}$"))
    expect(page.locator(f"#comment-{reply.pk}")).to_have_class(re.compile(r"\bdepth-1\b"))

    page.locator(f"#comment-{second.pk}").get_by_role("link", name="Quote").click()
    expect(page.locator("#id_body")).to_have_value(
        f'[quote="Bo" id={second.pk}]Too long by half.[/quote]\n\n'
    )
    page.locator("#id_body").press("End")
    page.locator("#id_body").type("I didn't notice the time.")
    page.get_by_role("button", name="Post comment").click()
    quoting = Comment.objects.get(parent=second)
    expect(page.locator(f"#comment-{quoting.pk} blockquote")).to_contain_text("Too long by half.")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_inline_spoiler_stays_in_its_sentence_and_opens_by_click_or_keyboard(
    request, live_server, review, javascript
):
    page = request.getfixturevalue("page" if javascript else "page_no_js")
    comment = approved(
        review, guest_name="Jules", body="It turns out [spoiler]the keeper was the narrator[/spoiler]. Wow."
    )
    page.goto(review.get_absolute_url())
    body = page.locator(f"#comment-{comment.pk} .comment-body")
    secret = body.get_by_text("the keeper was the narrator")
    toggle = body.get_by_role("checkbox", name="Spoiler: show")
    expect(secret).to_be_hidden()
    expect(body.locator("p")).to_have_count(1)  # one sentence, no orphaned "."
    # Mouse: click the label.
    body.locator(".spoiler-toggle").click()
    expect(secret).to_be_visible()
    expect(body.get_by_role("checkbox", name="Spoiler: hide")).to_be_checked()
    body.locator(".spoiler-toggle").click()
    expect(secret).to_be_hidden()
    # Keyboard: Tab reaches it, Space opens it, and the focus ring shows on the label.
    toggle.focus()
    page.keyboard.press("Space")
    expect(secret).to_be_visible()
    outline = body.locator(".spoiler-toggle").evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_block_spoiler_says_show_then_hide(request, live_server, review, javascript):
    page = request.getfixturevalue("page" if javascript else "page_no_js")
    comment = approved(
        review, guest_name="Jules", body="Ending:\n\n[spoiler]The keeper was the narrator.[/spoiler]"
    )
    page.goto(review.get_absolute_url())
    spoiler = page.locator(f"#comment-{comment.pk} details.spoiler")
    secret = spoiler.locator("p")
    expect(secret).to_be_hidden()
    expect(spoiler.locator("summary")).to_have_text("Spoiler: show", use_inner_text=True)
    spoiler.locator("summary").click()
    expect(secret).to_have_text("The keeper was the narrator.")
    expect(spoiler.locator("summary")).to_have_text("Spoiler: hide", use_inner_text=True)


def test_a_stale_form_gets_a_fresh_token_before_posting(page, live_server, review):
    import time

    from comments.forms import make_security_token

    page.goto(review.get_absolute_url())
    stale = make_security_token(review.pk, time.time() - 3 * 60 * 60)
    token = page.locator("#comment-form input[name=security]")
    token.evaluate("(input, value) => { input.value = value; }", stale)
    form = page.locator("#comment-form")
    form.get_by_label("Comment", exact=True).fill("Written on a page from this morning.")
    expect(token).not_to_have_value(stale)
    form.get_by_role("textbox", name="Name").fill("Pat Guest")
    form.get_by_role("textbox", name="E-mail").fill("pat@guest.example")
    form.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("status")).to_contain_text("awaiting moderation")
    comment = Comment.objects.get(guest_name="Pat Guest")
    assert (comment.status, comment.held_for) != ("spam", "tamper")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_preview_shows_the_comment_as_it_will_look_and_keeps_the_form(
    request, live_server, review, javascript
):
    page = request.getfixturevalue("page" if javascript else "page_no_js")
    page.goto(review.get_absolute_url())
    form = page.locator("#comment-form")
    form.get_by_role("textbox", name="Comment").fill("So [b]good[/b]. The end is [spoiler]a dream[/spoiler].")
    form.get_by_role("textbox", name="Name").fill("Pat Guest")
    form.get_by_role("textbox", name="E-mail").fill("pat@guest.example")
    form.get_by_role("checkbox", name="E-mail me when someone replies").check()
    form.get_by_role("button", name="Preview").click()
    preview = page.locator(".comment-preview")
    expect(preview.locator("strong")).to_have_text("good")
    expect(preview.get_by_text("a dream")).to_be_hidden()
    form = page.locator("#comment-form")
    expect(form.get_by_role("textbox", name="Name")).to_have_value("Pat Guest")
    expect(form.get_by_role("checkbox", name="E-mail me when someone replies")).to_be_checked()
    assert not Comment.objects.exists()
    form.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("status")).to_contain_text("awaiting moderation")
    assert Comment.objects.get().body == "So [b]good[/b]. The end is [spoiler]a dream[/spoiler]."


def test_character_counter_counts_down_as_you_type(page, live_server, review):
    page.goto(review.get_absolute_url())
    counter = page.locator("#body-count")
    expect(counter).to_have_text("5,000 characters left")
    page.locator("#id_body").fill("x" * 4_900)
    expect(counter).to_have_text("100 characters left")
    expect(counter).to_have_class(re.compile("is-near-limit"))
