"""The Content-Security-Policy and the other security headers (issue 12, item 5).

Every page, the admin included, works under a policy without 'unsafe-inline' and without nonces:
anonymous readers get whole pages from a shared cache, so nothing per-request may be in a page.
Browser tests (tests/browser/conftest.py) fail on any CSP violation in a real Chromium.
"""

import base64
import hashlib
import re
from pathlib import Path

import django
import pytest
from django.conf import settings

from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def policy(response):
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_policy_is_strict(client):
    directives = policy(client.get("/"))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    values = [value for values in directives.values() for value in values]
    assert not any("unsafe" in value or "nonce" in value for value in values)


def test_cached_review_pages_carry_the_policy_and_no_nonce(client):
    review = ReviewFactory(status="published")
    first, second = client.get(review.get_absolute_url()), client.get(review.get_absolute_url())
    for response in (first, second):
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert "nonce" not in response.content.decode()
        assert "nonce" not in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("url", ["/", "/reviews/", "/admin/login/", "/feeds/reviews/rss/", "/no-such-page/"])
def test_other_security_headers(client, url):
    response = client.get(url)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Content-Security-Policy" in response.headers


def test_hsts_in_production(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    response = client.get("/", secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_admin_pages_carry_the_policy(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for url in ("/admin/", "/admin/comments/comment/", "/admin/reviews/review/add/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_admin_style_hash_matches_the_installed_django():
    """Django's change list without actions has one inline <style>: its hash is in the policy."""
    source = (Path(django.__file__).parent / "contrib/admin/templates/admin/change_list.html").read_text()
    style = re.search(r"<style>(.*?)</style>", source, re.DOTALL).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" == settings.ADMIN_CHANGELIST_STYLE_HASH


INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>|<style\b|\sstyle=|\son[a-z]+\s*=|javascript:",
    re.IGNORECASE,
)


@pytest.mark.parametrize(
    "path", sorted(TEMPLATES.rglob("*.html")), ids=lambda path: str(path.relative_to(TEMPLATES))
)
def test_templates_have_no_inline_script_style_or_handlers(path):
    text = path.read_text()
    if path.name == "thread.html":
        # The one nonce: signed-in readers' own-comment rule, never in a page for anonymous readers.
        text = text.replace('{% if signed_in %}<style nonce="{{ request.csp_nonce }}">', "", 1)
    assert not INLINE.findall(text)


def test_the_nonce_is_only_in_signed_in_pages(client):
    review = ReviewFactory(status="published")
    anonymous = client.get(review.get_absolute_url())
    assert "nonce" not in anonymous.headers["Content-Security-Policy"]
    assert "nonce=" not in anonymous.content.decode()
    client.force_login(UserFactory())
    signed_in = client.get(review.get_absolute_url())
    nonce = re.search(r'<style nonce="([^"]+)">', signed_in.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in signed_in.headers["Content-Security-Policy"]
    again = client.get(review.get_absolute_url())
    assert nonce not in again.content.decode()  # fresh on every request
