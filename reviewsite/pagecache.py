"""A whole-page cache for readers who see exactly what every other reader sees.

A view that knows when its page is the same for everyone (for the review page: an anonymous GET
without a session or messages cookie) serves it through `serve(request, key, render)`. The page
is rendered once, split at its per-request values (the CSRF token, a form's signed anti-tamper
token) and stored as plain pieces; every later request joins the pieces with fresh values.

Per-request values are registered by name (`register_fresh_value`), and whatever renders one
asks for it through `fresh_value(request, name, *args)`: a normal request gets the value, a
request whose page is being rendered for the cache gets a placeholder, which records where the
value goes. The CSRF token is registered here; apps register their own (the comments app its
form's `security` token, in `CommentsConfig.ready()`).

The key is what the bytes depend on besides the page's version: scheme, host and path with query
string, and whatever else the caller adds. Only query strings made of a small page
number are cached, so arbitrary query strings cannot fill the cache. Pieces are bytes in a tuple:
any cache backend (local memory, Redis across processes) stores them as they are. They live in
the "html" cache alias, versioned by the templates' digest (settings), like every rendered
fragment the page is made of; with Redis, each process also keeps the pages it served in the
"pages" alias (its own memory), so a busy page is not fetched from Redis by every reader.

A stored page says which version of the page it shows (the caller's validators). A busy thread
changes several times a second: an older version is served for a short while
(`MARQUEE_PAGE_CACHE_STALE_SECONDS`), so the page is rendered at most once in that time, and
readers who arrive while it is rendered get the previous one instead of waiting.
"""

import hashlib
import re
import secrets
import time
from typing import NamedTuple

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token

CSRF = "csrf"
# How long a reader waits for another request rendering the same page before rendering it too.
BUILD_WAIT_SECONDS = 3.0
_FILLING = "_page_cache_fill"
_PAGE_QUERY = re.compile(r"(page=[1-9][0-9]{0,3})?")
_fresh = {}


def register_fresh_value(name, function):
    """`function(request, *args)` returns a value that must be fresh on every request."""
    _fresh[name] = function


register_fresh_value(CSRF, lambda request: get_token(request))


class _Fill:
    """Hands out placeholders while a page is rendered for the cache, and remembers them."""

    def __init__(self):
        self.marker = f"\x00pagecache-{secrets.token_hex(8)}-"
        self.slots = []  # (name, args), in the order first asked for

    def placeholder(self, name, args):
        slot = (name, args)
        if slot not in self.slots:
            self.slots.append(slot)
        return f"{self.marker}{self.slots.index(slot)}\x00"

    def split(self, html):
        """(pieces as bytes, the slot of each gap between them)."""
        # str.split, not a regular expression: the marker is new on every fill, and compiling a
        # pattern for it cost more than the split.
        first, *rest = html.split(self.marker)
        pieces, gaps = [first.encode()], []
        for part in rest:
            index, _, piece = part.partition("\x00")
            gaps.append(int(index))
            pieces.append(piece.encode())
        return tuple(pieces), tuple(gaps)


def fresh_value(request, name, *args):
    """The per-request value `name` for this request, or a placeholder while it is being cached."""
    fill = getattr(request, _FILLING, None)
    if fill is not None:
        return fill.placeholder(name, args)
    return _fresh[name](request, *args)


def fill_context(request):
    """Template context a page rendered for the cache needs: `{% csrf_token %}` as a slot."""
    return {"csrf_token": fresh_value(request, CSRF)} if getattr(request, _FILLING, None) else {}


def cache_key(request, *extra):
    """Where the page is stored: the URL and `extra`; None when this request is not to be cached."""
    if not _PAGE_QUERY.fullmatch(request.META.get("QUERY_STRING", "")):
        return None
    parts = (request.scheme, request.get_host(), request.get_full_path(), *extra)
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    return f"page:{digest[:40]}"


class Page(NamedTuple):
    """A stored page: its pieces and slots, and which state of the page it shows."""

    version: str  # the caller's validators when it was rendered
    built_at: float  # time.time(): shared by every process
    headers: tuple  # (name, value) pairs sent with it: the validators of this version
    content_type: str
    pieces: tuple
    gaps: tuple
    slots: tuple


def serve(request, key, render, *, version="", headers=()):
    """The page under `key` with fresh per-request values; `render(extra_context)` on a miss
    returns the rendered response, stored only if it is a plain 200 that set no cookie and took
    no per-request value outside the registered slots.

    `version` names the current state of the page (the review page's ETag); `headers` go out
    with the page rendered at that version. A stored page of an older version is still served
    for `MARQUEE_PAGE_CACHE_STALE_SECONDS` after it was rendered (a busy thread changes several
    times a second; its page is rendered at most once in that time), and, while another request
    renders the current one, for up to BUILD_WAIT_SECONDS more. With 0, never.
    """
    store = caches["html"]
    stale_seconds = settings.MARQUEE_PAGE_CACHE_STALE_SECONDS

    def usable(page):
        return page is not None and (page.version == version or _age(page) < stale_seconds)

    local = _local_pages()
    stored = local.get(key) if local is not None else None
    if usable(stored):
        return _response(request, stored)
    stored = store.get(key)
    if usable(stored):
        if local is not None:
            local.set(key, stored, settings.MARQUEE_PAGE_CACHE_SECONDS)
        return _response(request, stored)
    # One request renders it while the others wait for it, or take the stale copy.
    lock = f"{key}:building"
    if store.add(lock, 1, timeout=int(BUILD_WAIT_SECONDS) + 2):
        try:
            return _render_and_store(request, key, render, store, version, headers)
        finally:
            store.delete(lock)
    if stored is not None and stale_seconds and _age(stored) < stale_seconds + BUILD_WAIT_SECONDS:
        return _response(request, stored)
    deadline = time.monotonic() + BUILD_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.01)
        fresh = store.get(key)
        if fresh is not None and (stored is None or fresh.built_at != stored.built_at):
            return _response(request, fresh)
        if store.get(lock) is None:
            break  # the builder finished without storing it (not cacheable) or is gone
    return _render_and_store(request, key, render, store, version, headers)


def _local_pages():
    """With a shared cache (Redis), this process's own copies of the pages (the "pages" alias)."""
    return caches["pages"] if "pages" in settings.CACHES else None


def _age(page):
    return time.time() - page.built_at


def _render_and_store(request, key, render, store, version, headers):
    fill = _Fill()
    csrf_used = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
    setattr(request, _FILLING, fill)
    try:
        response = render(fill_context(request))
    finally:
        delattr(request, _FILLING)
        leaked_csrf = request.META["CSRF_COOKIE_NEEDS_UPDATE"]
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = bool(csrf_used or leaked_csrf)
    for name, value in headers:
        response[name] = value
    if response.streaming:
        return response
    pieces, gaps = fill.split(response.content.decode(response.charset))
    if response.status_code == 200 and not leaked_csrf and not response.cookies:
        page = Page(
            version, time.time(), tuple(headers), response["Content-Type"], pieces, gaps, tuple(fill.slots)
        )
        store.set(key, page, settings.MARQUEE_PAGE_CACHE_SECONDS)
        if (local := _local_pages()) is not None:
            local.set(key, page, settings.MARQUEE_PAGE_CACHE_SECONDS)
    response.content = b"".join(_chunks(request, pieces, gaps, fill.slots))
    return response


def _response(request, page):
    response = HttpResponse(content_type=page.content_type)
    # Written piece by piece, not joined: the server sends the pieces as they are, and the
    # page is not copied once more (with Content-Length set, nothing joins them).
    chunks = _chunks(request, page.pieces, page.gaps, page.slots)
    for chunk in chunks:
        response.write(chunk)
    response["Content-Length"] = sum(map(len, chunks))
    for name, value in page.headers:
        response[name] = value
    return response


def _chunks(request, pieces, gaps, slots):
    """The page's pieces with this request's values between them."""
    values = [fresh_value(request, name, *args).encode() for name, args in slots]
    chunks = [pieces[0]]
    for gap, piece in zip(gaps, pieces[1:], strict=True):
        chunks.append(values[gap])
        chunks.append(piece)
    return chunks
