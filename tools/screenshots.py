"""`make screenshots`: Playwright screenshots of the main pages, desktop and phone, light and
dark, into docs/screenshots/ (shown in README.md), against a production-like server over the
demo data. Uses the system Chromium, as the browser tests do.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tools.liveserver import serving  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("MARQUEE_CHROMIUM", "/usr/bin/chromium")
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}, "device_scale_factor": 1},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}
# name: (path, what to show): "top" is the first screen; a selector scrolls to it first.
PAGES = {
    "home": ("/", None),
    "review": ("/reviews/raiders-of-the-lost-ark-1981/", None),
    "comments": ("/reviews/raiders-of-the-lost-ark-1981/", "#comments"),
    "comment-form": ("/reviews/raiders-of-the-lost-ark-1981/", "#respond"),
    "person": ("/people/steven-spielberg/", None),
    "sign-in": ("/accounts/login/", None),
}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with serving() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for device, options in DEVICES.items():
            for scheme in ("light", "dark"):
                context = browser.new_context(base_url=base, color_scheme=scheme, **options)
                page = context.new_page()
                for name, (path, anchor) in PAGES.items():
                    page.goto(path)
                    if anchor:
                        page.locator(anchor).scroll_into_view_if_needed()
                        page.evaluate(
                            "sel => document.querySelector(sel).scrollIntoView({block: 'start'})", anchor
                        )
                    if name == "comments":
                        # One inline spoiler open, to show what it looks like.
                        toggle = page.locator(".spoiler-toggle").first
                        if toggle.count():
                            toggle.click()
                            page.evaluate(
                                "sel => document.querySelector(sel).scrollIntoView({block: 'start'})", anchor
                            )
                    target = OUT / f"{name}-{device}-{scheme}.png"
                    page.screenshot(path=str(target))
                    print(target.relative_to(ROOT))
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
