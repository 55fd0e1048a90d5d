"""Accessibility checked by machine: axe-core on every page type, light and dark, and a
keyboard-only journey through the thread.

axe-core comes from the npm registry (`make node`, which `make test` runs) and is evaluated in
the page through the DevTools protocol. Every page type must have no serious or critical
violation (contrast, names, labels, landmarks, ARIA) in either colour scheme.
"""

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from comments.models import Comment
from tests import factories
from tests.browser.conftest import axe_violations
from tests.conftest import restore_data_migrations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_forms")]

THREAD_SIZE = 60


@pytest.fixture
def site():
    """A small site: a review with a long, nested thread (a critic's reply, quotes, spoilers,
    a comment awaiting moderation), its film, a person, a critic and a reader."""
    restore_data_migrations()  # the Editors group, lost when live-server tests flush the tables
    genre = factories.GenreFactory(name="Drama")
    critic_account = factories.VerifiedUserFactory(username="critic", display_name="Margaret Hale")
    critic = factories.CriticFactory(name="Margaret Hale", slug="margaret-hale", account=critic_account)
    film = factories.FilmFactory(title="The Long Reel", slug="the-long-reel")
    film.genres.set([genre])
    person = factories.PersonFactory(name="Ada Lumen", slug="ada-lumen", known_for="The Long Reel")
    factories.CreditFactory(film=film, person=person, role="director")
    factories.CreditFactory(film=film, person=factories.PersonFactory(name="Bo Vance"), role="cast")
    review = factories.ReviewFactory(
        film=film,
        critic=critic,
        slug="the-long-reel",
        headline="A reel worth finding",
        stars="4.5",
        body="The projectionist finds a reel.\n\n:::spoiler the ending\nHe shot it himself.\n:::\n\nSee it.",
    )
    factories.ReviewFactory(film__title="Second Feature", critic=critic, stars="3")
    reader = factories.VerifiedUserFactory(username="reader", display_name="Sam Reader")
    comments = []
    for number in range(THREAD_SIZE):
        parent = comments[number - 1] if number % 4 else None
        body = [
            "A fine film, I thought.",
            "It ends with [spoiler]a twist[/spoiler], which I loved.",
            f'[quote="Someone" id={comments[-1].pk if comments else 0}]A fine film.[/quote]\n\nAgreed.',
            "[b]Bold[/b] and [i]italic[/i]: https://example.org/notes",
        ][number % 4]
        comments.append(factories.CommentFactory(review=review, parent=parent, body=body))
    factories.CommentFactory(
        review=review,
        author=critic_account,
        guest_name="",
        guest_email="",
        is_critic=True,
        parent=comments[0],
        body="Thank you for reading.",
    )
    factories.CommentFactory(review=review, author=reader, guest_name="", guest_email="", body="Mine.")
    review.bump_thread(count_delta=THREAD_SIZE + 2)
    held = factories.CommentFactory(review=review, status="pending", held_for="new_commenter", body="Held.")
    return {
        "review": review,
        "film": film,
        "person": person,
        "critic": critic,
        "reader": reader,
        "held": held,
    }


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def check(page, axe_source, path, problems, prepare=None):
    response = page.goto(path)
    assert response.ok or response.status in (400, 403), f"{path}: {response.status}"
    if prepare:
        prepare(page)
    problems.extend(axe_violations(page, axe_source))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_type_has_no_serious_or_critical_violations(page, live_server, axe_source, site, scheme):
    page.emulate_media(color_scheme=scheme)
    review = site["review"]
    problems = []
    public = [
        "/",
        "/reviews/?genre=drama&stars=4&sort=stars",
        review.get_absolute_url(),
        site["film"].get_absolute_url(),
        site["person"].get_absolute_url(),
        site["critic"].get_absolute_url(),
        "/critics/",
        "/search/?q=reel",
        "/accounts/login/",
        "/accounts/signup/",
        f"/comments/{Comment.objects.filter(review=review).first().pk}/reply/",
        "/members/reader/",
    ]
    for path in public:
        check(page, axe_source, path, problems)

    # Spoilers open: the revealed text must pass too.
    def open_spoilers(page):
        for toggle in page.locator(".spoiler-toggle").all()[:3]:
            toggle.click()
        for summary in page.locator("details.spoiler > summary").all()[:3]:
            summary.click()

    check(page, axe_source, review.get_absolute_url(), problems, prepare=open_spoilers)

    # The comment form with errors (a guest posting nothing).
    def post_empty(page):
        form = page.locator("#comment-form")
        form.locator("#id_body").evaluate("el => el.removeAttribute('required')")
        for field in ("#id_name", "#id_email"):
            form.locator(field).evaluate("el => el.removeAttribute('required')")
        form.get_by_role("button", name="Post comment").click()
        expect(page.locator(".invalid-feedback").first).to_be_visible()
        # The 400 is the answer we want here, not a page problem.
        page.problems.errors[:] = [e for e in page.problems.errors if "status of 400" not in e]

    check(page, axe_source, review.get_absolute_url(), problems, prepare=post_empty)

    # A reader's own pages, and the review page as the author of a held comment.
    sign_in(page, live_server, site["reader"])
    for path in ("/members/settings/", "/members/reader/", review.get_absolute_url(), "/accounts/logout/"):
        check(page, axe_source, path, problems)

    # The editors' moderation queue in the admin.
    page.context.clear_cookies()
    sign_in(page, live_server, factories.ModeratorFactory(username="editor"))
    check(page, axe_source, "/admin/comments/comment/", problems)
    check(page, axe_source, f"/admin/comments/comment/{site['held'].pk}/change/", problems)

    assert not problems, "\n".join(problems)


def test_a_keyboard_alone_reads_replies_quotes_opens_a_spoiler_and_reports(page, live_server, site):
    """Tab and Enter only: every stop has a visible focus ring."""
    review = site["review"]
    sign_in(page, live_server, site["reader"])
    page.goto(review.get_absolute_url())

    def focused_ring():
        return page.evaluate(
            """() => {
                const el = document.activeElement;
                const style = getComputedStyle(el);
                const label = el.closest('.spoiler-toggle');
                const ringed = s => s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
                return ringed(style) || (label !== null && ringed(getComputedStyle(label)));
            }"""
        )

    def tab_to(locator, limit=400):
        target = locator.element_handle()
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("el => document.activeElement === el", target):
                assert focused_ring(), "no visible focus ring on " + page.evaluate(
                    "() => document.activeElement.outerHTML.slice(0, 120)"
                )
                return
        raise AssertionError(f"Tab never reached {locator}")

    # The skip link is the first stop, and it is visible when focused.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    assert focused_ring()

    first = Comment.objects.filter(review=review, parent=None).order_by("path").first()
    article = page.locator(f"#comment-{first.pk}")
    # A spoiler inside a comment opens with Space.
    spoiler_comment = Comment.objects.filter(review=review, body__contains="[spoiler]").first()
    toggle = page.locator(f"#comment-{spoiler_comment.pk} .spoiler-check")
    tab_to(toggle)
    page.keyboard.press("Space")
    expect(page.locator(f"#comment-{spoiler_comment.pk} .spoiler-text")).to_be_visible()

    # Reply: the form opens under the comment and takes the focus; type and send with Enter.
    page.goto(review.get_absolute_url())
    tab_to(article.get_by_role("link", name="Reply"))
    page.keyboard.press("Enter")
    expect(page.locator("#id_body")).to_be_focused()
    page.keyboard.type("Typed without a mouse.")
    tab_to(page.get_by_role("button", name="Post comment"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Typed without a mouse.")).to_be_visible()
    reply = Comment.objects.get(body="Typed without a mouse.")
    assert reply.parent_id == first.pk

    # Quote: the quote markup lands in the form.
    page.goto(review.get_absolute_url())
    tab_to(article.get_by_role("link", name="Quote"))
    page.keyboard.press("Enter")
    expect(page.locator("#id_body")).to_be_focused()
    expect(page.locator("#id_body")).to_have_value(
        re.compile(rf'^\[quote="{first.author_name}" id={first.pk}\]')
    )

    # Report: the report page, a reason chosen by arrow keys, sent with Enter.
    page.goto(review.get_absolute_url())
    tab_to(article.get_by_role("link", name="Report"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Report")
    tab_to(page.get_by_role("radio").first)
    page.keyboard.press("Space")
    tab_to(page.get_by_role("button").filter(has_text="Report"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("An editor will look at this comment")
    assert first.reports.count() == 1


def test_the_phone_header_has_side_padding_and_the_dark_nav_shows_focus(page, live_server, site):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/")
    brand = page.locator(".site-brand").bounding_box()
    assert brand["x"] >= 12, brand
    toggler = page.locator(".navbar-toggler")
    toggler.focus()
    outline = toggler.evaluate("el => [getComputedStyle(el).outlineStyle, getComputedStyle(el).outlineColor]")
    assert outline == ["solid", "rgb(245, 215, 110)"]  # the masthead gold on the dark header
