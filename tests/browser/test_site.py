import re

from playwright.sync_api import expect


def test_home_page_loads_with_layout_and_no_errors(page, live_server):
    page.goto("/")
    expect(page).to_have_title(re.compile("Marquee"))
    expect(page.get_by_role("banner")).to_contain_text("Marquee")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("search").get_by_label("Search films and reviews")).to_be_visible()
    expect(page.get_by_role("contentinfo")).to_be_visible()
    assert page.locator("h1").count() == 1
    # The vendored Bootstrap really loaded: its reset sets the body margin to 0.
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"


def test_skip_link_moves_focus_to_main(page, live_server):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    skip.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_layout_fits_a_narrow_phone(page, live_server):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360


def test_the_harness_catches_csp_violations_and_dialogs(page, live_server):
    """The shared fixture fails a test on any CSP violation or dialog: prove it sees them."""
    html = "<!doctype html><title>x</title><p style='color:red'>x</p><script>alert(1)</script>"

    def fake(route):
        route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'"},
            body=html,
        )

    page.route("**/csp-probe/", fake)
    page.goto("/csp-probe/")
    page.wait_for_timeout(200)
    page.route("**/dialog-probe/", lambda route: route.fulfill(content_type="text/html", body=html))
    page.goto("/dialog-probe/")
    page.wait_for_timeout(200)
    found = "\n".join(page.problems.errors)
    assert "CSP violation: script-src-elem blocked inline at http" in found
    assert "CSP violation: style-src-attr blocked inline at http" in found
    assert "dialog (alert): 1" in found
    page.problems.errors.clear()
