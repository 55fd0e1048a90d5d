"""Bad input never gives a 500 and never changes what is stored (issue 12, item 8).

Every form field and query parameter of the public site, the account pages and the comment
workflows is swept with oversized, empty, wrong-type, NUL, invalid UTF-8 (percent-encoded, as a
browser would send it), bidi and CR/LF values; paths get very long segments and ids too big for
any integer column. The answer must be a 4xx, or the form again with its errors, and the database
must be as it was (`snapshot`). Run on PostgreSQL too (see PROTOCOL): NUL and huge ids behave
differently there.
"""

import hashlib
import time
from urllib.parse import quote

import pytest
from django.apps import apps
from django.urls import reverse

from comments import moderation
from comments.forms import make_security_token
from comments.models import Comment
from tests import factories

pytestmark = pytest.mark.django_db

HUGE_ID = "9" * 30
BAD = {
    "oversized": "x" * 200_000,
    "empty": "",
    "wrong-type": "[]{}",
    "negative": "-1",
    "huge-number": HUGE_ID,
    "nul": "a\x00b",
    "bidi": "\u202eevil\u202c",
    "crlf": "a\r\nSet-Cookie: x=1\r\n",
}
# Raw query strings: invalid UTF-8 can only be sent percent-encoded.
RAW = {"invalid-utf8": "%ff%fe%C0%AF", "nul": "a%00b", "lone-surrogate": "%ED%A0%80", "crlf": "a%0d%0ab"}


@pytest.fixture(autouse=True)
def _no_flood_limits(settings):
    settings.MARQUEE_MODERATION_FLOOD_SECONDS = 0
    settings.MARQUEE_MODERATION_GUEST_IP_PER_HOUR = 100_000
    settings.MARQUEE_MODERATION_ACCOUNT_PER_HOUR = 100_000


def snapshot():
    """A digest of every row the sweep could touch (counts of everything, contents of the rest)."""
    digest = hashlib.sha256()
    for model in apps.get_models():
        if model._meta.app_label in {"sessions", "admin"}:
            continue  # a refused form may still start a session; a log entry is not user data
        digest.update(f"{model._meta.label}:{model._default_manager.count()}".encode())
    for model in (apps.get_model("accounts", "User"), Comment, apps.get_model("comments", "Report")):
        for row in model._default_manager.order_by("pk").values():
            row.pop("last_login", None)
            digest.update(repr(sorted(row.items())).encode())
    return digest.hexdigest()


def approved(review, editor, **fields):
    """A comment approved through the moderation workflow, so the review's counts are right."""
    comment = factories.CommentFactory(review=review, status="pending", **fields)
    comment.refresh_from_db()
    if comment.status != "approved":
        moderation.approve(comment, by=editor)
    return comment


@pytest.fixture
def site(db):
    review = factories.ReviewFactory(status="published", slug="the-review")
    genre = factories.GenreFactory(slug="drama")
    review.film.genres.add(genre)
    person = factories.VerifiedUserFactory(username="reader", password="a long enough pass 123")
    editor = factories.EditorFactory()
    comment = factories.CommentFactory(
        review=review, guest_name="Pat", status="approved", body="Hello there."
    )
    if comment.status != "approved":
        moderation.approve(comment, by=editor)
    return {"review": review, "genre": genre, "person": person, "comment": comment, "editor": editor}


def assert_refused(response, what):
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if response.status_code in (301, 302, 303):
        raise AssertionError(f"{what}: accepted (redirect to {response.get('Location')})")


# --- query parameters ----------------------------------------------------------------------------

QUERY_PAGES = [
    ("/reviews/", ["genre", "stars", "rated", "year", "critic", "sort", "page"]),
    ("/search/", ["q", "page"]),
    ("/critics/", ["page"]),
    ("/genres/drama/", ["page"]),
    ("/reviews/the-review/", ["page", "spoilers"]),
    ("/members/reader/", ["page"]),
    ("/", ["page"]),
    ("/feeds/reviews/rss/", ["page"]),
    ("/sitemap.xml", ["p"]),
    ("/accounts/login/", ["next"]),
]


@pytest.mark.parametrize(("url", "params"), QUERY_PAGES, ids=[url for url, _ in QUERY_PAGES])
def test_query_parameters(client, site, url, params):
    before = snapshot()
    for param in params:
        for kind, value in BAD.items():
            response = client.get(url, {param: value})
            assert response.status_code < 500, (url, param, kind)
            assert response.status_code in (200, 301, 302, 400, 404), (url, param, kind, response.status_code)
        for kind, raw in RAW.items():
            response = client.get(f"{url}?{param}={raw}")
            assert response.status_code < 500, (url, param, kind)
        response = client.get(f"{url}?{param}=1&{param}=2&{param}=x")  # a repeated parameter
        assert response.status_code < 500, (url, param, "repeated")
    assert snapshot() == before


# --- paths and ids -------------------------------------------------------------------------------

PATHS = [
    "/reviews/{}/",
    "/films/{}/",
    "/people/{}/",
    "/critics/{}/",
    "/genres/{}/",
    "/members/{}/",
    "/feeds/critics/{}/rss/",
    "/feeds/reviews/{}/comments/atom/",
    "/comments/{}/",
    "/comments/{}/reply/",
    "/comments/{}/report/",
    "/comments/{}/edit/",
    "/comments/{}/delete/",
    "/comments/review/{}/post/",
    "/comments/review/{}/token/",
    "/comments/1/manage/{}/",
    "/comments/confirm/{}/",
    "/comments/unsubscribe/{}/",
    "/accounts/password/reset/key/{}/",
    "/admin/comments/comment/{}/change/",
]
SEGMENTS = {
    "long": "a" * 5000,
    "huge-id": HUGE_ID,
    "negative": "-1",
    "invalid-utf8": "%ff%fe",
    "nul": "%00",
    "bidi": quote("\u202e"),
    "crlf": "%0d%0a",
    "dots": "..%2f..%2fetc%2fpasswd",
}


@pytest.mark.parametrize("pattern", PATHS)
def test_paths_and_ids(client, site, pattern):
    before = snapshot()
    for signed_in in (False, True):
        if signed_in:
            client.force_login(site["person"])
        for kind, segment in SEGMENTS.items():
            for method in ("get", "post"):
                response = getattr(client, method)(pattern.format(segment))
                assert response.status_code < 500, (pattern, kind, method, signed_in, response.status_code)
    assert snapshot() == before


def test_a_very_long_path_is_a_404(client, site):
    assert client.get("/" + "a/" * 4000).status_code == 404
    assert client.get("/reviews/" + "x" * 100_000 + "/").status_code == 404


# --- forms -------------------------------------------------------------------------------------


def comment_form(review, **fields):
    data = {
        "body": "A fine film, I thought.",
        "name": "Sam Guest",
        "email": "sam@guest.example",
        "website": "",
        "parent": "",
        "notify_replies": "",
        "remember": "",
        "security": make_security_token(review.pk, time.time() - 10),
        "honeypot": "",
    }
    data.update(fields)
    return data


# Values each field must refuse, beyond BAD's generic ones that a text field may accept.
COMMENT_FIELDS = {
    "body": ["oversized", "empty", "nul"],
    "name": ["oversized", "empty", "nul"],
    "email": ["oversized", "empty", "wrong-type", "nul", "bidi", "crlf"],
    "website": ["oversized", "wrong-type", "nul", "bidi", "crlf"],
    "parent": ["oversized", "wrong-type", "negative", "huge-number", "nul", "bidi", "crlf"],
}


@pytest.mark.parametrize(
    "field", list(COMMENT_FIELDS) + ["notify_replies", "remember", "security", "honeypot"]
)
def test_guest_comment_form(client, site, field):
    review = site["review"]
    url = reverse("comments:comment-post", args=[review.pk])
    must_refuse = COMMENT_FIELDS.get(field, [])
    for kind, value in BAD.items():
        before = snapshot()
        data = comment_form(review, body=f"{field} {kind} {time.time()}")
        data[field] = value
        response = client.post(url, data)
        assert response.status_code < 500, (field, kind)
        if kind in must_refuse:
            assert_refused(response, f"{field}={kind}")
            assert snapshot() == before, (field, kind)
    # A list where one value is expected, and the field missing altogether.
    data = comment_form(review, body="list and missing")
    data[field] = ["1", "2"]
    assert client.post(url, data).status_code < 500
    data.pop(field)
    assert client.post(url, data).status_code < 500


def test_invalid_utf8_form_body_is_not_a_500(client, site):
    review = site["review"]
    url = reverse("comments:comment-post", args=[review.pk])
    token = quote(make_security_token(review.pk, time.time() - 10))
    body = f"body=%ff%fe%C0%AF&name=%ED%A0%80&email=a%40b.example&security={token}".encode()
    response = client.post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500
    before = snapshot()
    response = client.post(url, b"\xff\xfe\x00", content_type="application/x-www-form-urlencoded")
    assert_refused(response, "raw bytes")
    response = client.post(url, b"{not json", content_type="application/json")
    assert_refused(response, "JSON")
    response = client.post(url, b"--x\r\nbroken", content_type="multipart/form-data; boundary=x")
    assert_refused(response, "broken multipart")
    assert snapshot() == before


SETTINGS_FIELDS = {
    "display_name": ["oversized", "nul"],
    "bio": ["oversized", "nul"],
    "website": ["oversized", "wrong-type", "nul", "bidi", "crlf"],
}


@pytest.mark.parametrize(
    "field", [*SETTINGS_FIELDS, "email_on_reply", "always_show_spoilers", "remove_avatar"]
)
def test_settings_form(client, site, field):
    client.force_login(site["person"])
    url = reverse("accounts:settings")
    for kind, value in BAD.items():
        before = snapshot()
        data = {"display_name": "", "bio": "", "website": "", field: value}
        response = client.post(url, data)
        assert response.status_code < 500, (field, kind)
        if kind in SETTINGS_FIELDS.get(field, []):
            assert_refused(response, f"{field}={kind}")
            assert snapshot() == before, (field, kind)


def test_avatar_upload_with_bad_files(client, site):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(site["person"])
    url = reverse("accounts:settings")
    before = snapshot()
    for name, content in [
        ("a.png", b""),
        ("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
        ("a.png", b"<svg onload=alert(1)>"),
        ("\u202egnp.exe", b"GIF89a"),
        ("a" * 1000 + ".png", b"x"),
    ]:
        upload = SimpleUploadedFile(name, content, content_type="image/png")
        response = client.post(url, {"display_name": "", "bio": "", "website": "", "avatar_upload": upload})
        assert_refused(response, f"avatar {name[:20]!r}")
    assert snapshot() == before


def test_report_edit_and_delete_forms(client, site):
    comment = site["comment"]
    reader = factories.VerifiedUserFactory()
    client.force_login(reader)
    url = reverse("comments:comment-report", args=[comment.pk])
    for field in ("reason", "note"):
        for kind, value in BAD.items():
            data = {"reason": "spam", "note": "", field: value}
            response = client.post(url, data)
            assert response.status_code < 500, (field, kind)
    before = snapshot()
    for kind in ("oversized", "empty", "wrong-type", "nul"):
        response = client.post(url, {"reason": BAD[kind]})
        assert_refused(response, f"reason={kind}")
    assert client.post(url, {"reason": "spam", "note": BAD["oversized"]}).status_code < 500
    assert snapshot() == before or Comment.objects.get(pk=comment.pk).body == comment.body
    own = approved(site["review"], site["editor"], author=reader, guest_name="")
    before = snapshot()
    for kind in ("oversized", "empty", "nul"):
        response = client.post(reverse("comments:comment-edit", args=[own.pk]), {"body": BAD[kind]})
        assert_refused(response, f"edit body={kind}")
    assert snapshot() == before
    for kind, value in BAD.items():
        response = client.post(reverse("comments:comment-delete", args=[own.pk]), {"confirm": value})
        assert response.status_code < 500, kind


def test_account_forms_of_allauth(client, site):
    users = apps.get_model("accounts", "User").objects.count()
    for kind, value in BAD.items():
        for url, field, data in [
            ("/accounts/login/", "login", {"login": "reader", "password": "x"}),
            ("/accounts/login/", "password", {"login": "reader", "password": "x"}),
            (
                "/accounts/signup/",
                "email",
                {"email": "a@b.example", "username": "newbie", "password1": "x", "password2": "y"},
            ),
            (
                "/accounts/signup/",
                "username",
                {"email": "a@b.example", "username": "n", "password1": "x", "password2": "y"},
            ),
            ("/accounts/password/reset/", "email", {"email": "nobody@b.example"}),
        ]:
            response = client.post(url, {**data, field: value})
            assert response.status_code < 500, (url, field, kind)
            assert response.status_code != 302 or "confirm-email" not in response.get("Location", ""), (
                url,
                kind,
            )
    assert apps.get_model("accounts", "User").objects.count() == users


def test_password_confirm_forms(client, site):
    client.force_login(site["person"])
    before = snapshot()
    for kind, value in BAD.items():
        for url in (reverse("accounts:export"), reverse("accounts:delete")):
            response = client.post(url, {"password": value, "remove_comments": value})
            assert_refused(response, f"{url} {kind}")
    assert snapshot() == before


@pytest.mark.parametrize(
    "url", ["/admin/comments/comment/", "/admin/reviews/review/", "/admin/accounts/user/"]
)
def test_admin_lists_with_bad_parameters(client, site, url):
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    before = snapshot()
    for param in ("q", "o", "p", "status__exact", "all", "e"):
        for kind, value in BAD.items():
            response = client.get(url, {param: value})
            assert response.status_code < 500, (url, param, kind)
        for kind, raw in RAW.items():
            assert client.get(f"{url}?{param}={raw}").status_code < 500, (url, param, kind)
    assert snapshot() == before
