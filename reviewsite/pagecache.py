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

The key is the caller's validators (for the review page, its ETag) plus everything else the bytes
depend on: scheme, host and path with query string. Only query strings made of a small page
number are cached, so arbitrary query strings cannot fill the cache. Pieces are bytes in a tuple:
any cache backend (local memory, Redis across processes) stores them as they are. They live in
the "html" cache alias, versioned by the templates' digest (settings), like every rendered
fragment the page is made of.
"""

import hashlib
import re
import secrets
import time

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


def cache_key(request, *validators):
    """Validators plus what else the bytes depend on; None when this request is not to be cached."""
    if not _PAGE_QUERY.fullmatch(request.META.get("QUERY_STRING", "")):
        return None
    parts = (request.scheme, request.get_host(), request.get_full_path(), *validators)
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    return f"page:{digest[:40]}"


def serve(request, key, render):
    """The page under `key` with fresh per-request values; `render(extra_context)` on a miss
    returns the rendered response, stored only if it is a plain 200 that set no cookie and took
    no per-request value outside the registered slots."""
    store = caches["html"]
    stored = store.get(key)
    if stored is not None:
        return _response(request, stored)
    # One request renders a missing page while the others wait for it: right after a comment is
    # approved, every reader of a busy page misses at once, and under a steady stream of posts
    # that happens several times a second (bench/writes.py, the mixed load).
    lock = f"{key}:building"
    if store.add(lock, 1, timeout=int(BUILD_WAIT_SECONDS) + 2):
        try:
            return _render_and_store(request, key, render, store)
        finally:
            store.delete(lock)
    deadline = time.monotonic() + BUILD_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.01)
        stored = store.get(key)
        if stored is not None:
            return _response(request, stored)
        if store.get(lock) is None:
            break  # the builder finished without storing it (not cacheable) or is gone
    return _render_and_store(request, key, render, store)


def _render_and_store(request, key, render, store):
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
    if response.streaming:
        return response
    pieces, gaps = fill.split(response.content.decode(response.charset))
    page = (response["Content-Type"], pieces, gaps, tuple(fill.slots))
    if response.status_code == 200 and not leaked_csrf and not response.cookies:
        store.set(key, page, settings.MARQUEE_PAGE_CACHE_SECONDS)
    response.content = b"".join(_chunks(request, pieces, gaps, fill.slots))
    return response


def _response(request, stored):
    content_type, pieces, gaps, slots = stored
    response = HttpResponse(content_type=content_type)
    # Written piece by piece, not joined: the server sends the pieces as they are, and the
    # page is not copied once more (with Content-Length set, nothing joins them).
    chunks = _chunks(request, pieces, gaps, slots)
    for chunk in chunks:
        response.write(chunk)
    response["Content-Length"] = sum(map(len, chunks))
    return response


def _chunks(request, pieces, gaps, slots):
    """The page's pieces with this request's values between them."""
    values = [fresh_value(request, name, *args).encode() for name, args in slots]
    chunks = [pieces[0]]
    for gap, piece in zip(gaps, pieces[1:], strict=True):
        chunks.append(values[gap])
        chunks.append(piece)
    return chunks
