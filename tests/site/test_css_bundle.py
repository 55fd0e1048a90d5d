"""static/css/marquee.css is built by `make css` (tools/build_css.py): it must not be stale."""

import re

from tools import build_css


def test_the_css_bundle_is_built_from_the_current_stylesheets():
    header = build_css.BUNDLE.read_text().splitlines()[0]
    recorded = re.search(r"digest ([0-9a-f]{16})", header).group(1)
    assert recorded == build_css.sources_digest(), (
        "static/css/*.css changed: run `make css` and commit marquee.css"
    )


def test_the_bundle_holds_every_site_stylesheet_and_only_the_bootstrap_we_use():
    bundle = build_css.BUNDLE.read_text()
    for path in build_css.SITE:
        assert path.read_text().strip() in bundle, path.name
    for used in (
        ".navbar-toggler",
        ".btn-primary",
        ".form-control",
        ".visually-hidden",
        ".collapse:not(.show)",
    ):
        assert used in bundle, used
    for unused in (".accordion-button", ".modal-dialog", ".carousel", ".offcanvas"):
        assert unused not in bundle, unused


def test_every_bootstrap_class_our_templates_use_is_in_the_bundle():
    """A template that starts using a Bootstrap class the bundle dropped needs `make css`.
    (Classes that only appear inside longer selectors, like `.nav-fill .nav-item`, are styled by
    those selectors' other parts, so only a class's own rules count.)"""
    selector_class = re.compile(r"(?<=[{},])\.(-?[_a-zA-Z][\w-]*)(?=[{,:])")
    bootstrap = set(selector_class.findall(build_css.BOOTSTRAP.read_text()))
    bundle = set(selector_class.findall(build_css.BUNDLE.read_text()))
    used = set()
    for template in (build_css.ROOT / "templates").rglob("*.html"):
        for value in re.findall(r'class="([^"{}]*)"', template.read_text()):
            used.update(value.split())
    missing = sorted((used & bootstrap) - bundle)
    assert not missing, f"run `make css`: the bundle lacks {missing}"
