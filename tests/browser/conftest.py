"""Real-browser tests: Playwright driving the system Chromium against `live_server`.

Every test here is marked `browser`. `make test` makes sure /usr/bin/chromium exists
(and fails with CI=true when it cannot); run alone with `pytest tests/browser`.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("MARQUEE_CHROMIUM", "/usr/bin/chromium")
# axe-core from the npm registry, installed by `make node` (which `make test` runs).
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_BLOCKING = ("serious", "critical")
SCREENSHOTS = Path(__file__).parent / "screenshots"

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
# the test itself (factories, assertions) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def fast_forms(settings):
    """People in these tests type faster than the anti-tamper minimum; flood limits are for
    humans too."""
    settings.MARQUEE_COMMENTS_FORM_MIN_SECONDS = 0
    settings.MARQUEE_MODERATION_FLOOD_SECONDS = 0


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: CI must run the browser tests (apt-get install chromium).")
        pytest.skip(f"BROWSER TESTS SKIPPED: {CHROMIUM} not found (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


# Reports every Content-Security-Policy violation to the test (run before any page script; the
# browser does not apply the page's CSP to it). With JavaScript off the console still reports them.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__marqueeCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`,
    event.sourceFile || "",
    event.lineNumber || 0
  );
}, true);
"""


class PageProblems:
    """JavaScript console errors, CSP violations, dialogs and failed requests for the page's own assets."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.errors = []

    def on_console(self, message):
        about_csp = "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
        if about_csp and not message.location.get("url"):
            return  # from a script the test evaluated through DevTools (axe-core's styles), not the page
        if message.type == "error" or about_csp:
            self.errors.append(f"console {message.type}: {message.text}")

    def on_csp_violation(self, source, text, source_file, line):
        # A violation with no source file comes from a script the test itself evaluated through
        # DevTools (axe-core adds <style> elements while it checks); the page's own are reported.
        if source_file:
            self.errors.append(f"CSP violation: {text} at {source_file}:{line}")

    def on_dialog(self, dialog):
        # No page of ours opens alert/confirm/prompt: one that appears is injected script.
        self.errors.append(f"dialog ({dialog.type}): {dialog.message}")
        dialog.dismiss()

    def on_page_error(self, error):
        self.errors.append(f"uncaught exception: {error}")

    def on_request_failed(self, request):
        # ERR_ABORTED is the browser cancelling a request because the page navigated away
        # (a favicon still loading, say), not a failure; 4xx/5xx are caught by on_response.
        if request.url.startswith(self.base_url) and "ERR_ABORTED" not in (request.failure or ""):
            self.errors.append(f"request failed: {request.url} ({request.failure})")

    def on_response(self, response):
        request = response.request
        is_asset = request.resource_type in {"stylesheet", "script", "image", "font"}
        if is_asset and response.url.startswith(self.base_url) and response.status >= 400:
            self.errors.append(f"asset {response.status}: {response.url}")


def _new_page(browser, live_server, request, *, javascript=True):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=javascript, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    problems = PageProblems(live_server.url)
    context.expose_binding("__marqueeCspViolation", problems.on_csp_violation)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.on("console", problems.on_console)
    page.on("pageerror", problems.on_page_error)
    page.on("requestfailed", problems.on_request_failed)
    page.on("response", problems.on_response)
    page.on("dialog", problems.on_dialog)
    page.problems = problems
    return context, page


@pytest.fixture
def page(browser, live_server, request):
    """A page with JavaScript on; the test fails on any console error or failed asset."""
    context, page = _new_page(browser, live_server, request)
    yield page
    _finish(page, context, request)


@pytest.fixture
def page_no_js(browser, live_server, request):
    """The same, with JavaScript off: every journey must work this way too."""
    context, page = _new_page(browser, live_server, request, javascript=False)
    yield page
    _finish(page, context, request)


def _finish(page, context, request):
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        save_screenshot(page, request.node.name)
    problems = list(page.problems.errors)
    context.close()
    if problems and not failed:
        pytest.fail("Page problems:\n" + "\n".join(problems))


def save_screenshot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        message = f"{AXE} is missing: run `make node` (make test does) to install axe-core."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text()


def axe_violations(page, source, *, impacts=AXE_BLOCKING):
    """axe-core's serious and critical violations on the page as it is now, one line each.

    The script is evaluated through the DevTools protocol, not added as a <script>, so the
    site's Content-Security-Policy (no inline scripts) does not block it."""
    if not page.evaluate("() => Boolean(window.axe)"):
        page.evaluate(source)
    result = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(
                    n => n.target.join(" ") + ": " + n.failureSummary.split("\\n").slice(1).join(" ")
                ),
            }));
        }"""
    )
    return [
        f"{v['impact']} {v['id']} ({v['help']}) at {page.url}:\n    " + "\n    ".join(v["nodes"])
        for v in result
        if v["impact"] in impacts
    ]
