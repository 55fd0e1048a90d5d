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

A page can also be cached as a *shell* (`serve(..., shell_key=..., subject=...)`): the page with
holes for its *parts*, values that change more often than the rest of the page but are the same
for every reader (the review page's comment thread, which changes with every approved comment,
while the review around it changes only when edited). Parts are registered by name
(`register_part`) and asked for with `part(request, name, *args)`, which returns a placeholder
while a shell is rendered (None otherwise, when the caller renders the value itself). When the
parts change the page misses but the shell hits: the parts are computed by their functions and
put into the shell, and no template is rendered.

The key is the caller's validators (for the review page, its ETag) plus everything else the bytes
depend on: scheme, host and path with query string. Only query strings made of a small page
number are cached, so arbitrary query strings cannot fill the cache. Pieces are bytes in a tuple:
any cache backend (local memory, Redis across processes) stores them as they are.
"""

import hashlib
import re
import secrets

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token

CSRF = "csrf"
_FILLING = "_page_cache_fill"
_PAGE_QUERY = re.compile(r"(page=[1-9][0-9]{0,3})?")
_fresh = {}
_parts = {}


def register_fresh_value(name, function):
    """`function(request, *args)` returns a value that must be fresh on every request."""
    _fresh[name] = function


def register_part(name, function):
    """`function(subject, *args)` returns the HTML of a part of a shell (see `serve`)."""
    _parts[name] = function


register_fresh_value(CSRF, lambda request: get_token(request))


class _Fill:
    """Hands out placeholders while a page is rendered for the cache, and remembers them."""

    def __init__(self, *, shell=False):
        self.marker = f"\x00pagecache-{secrets.token_hex(8)}-"
        self.slots = []  # (name, args), in the order first asked for
        self.shell = shell  # parts are placeholders too

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


def part(request, name, *args):
    """A placeholder for the part `name` while a shell is being rendered for the cache, else None
    (the caller then renders the part itself)."""
    fill = getattr(request, _FILLING, None)
    if fill is None or not fill.shell:
        return None
    return fill.placeholder(name, args)


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


def serve(request, key, render, *, shell_key=None, subject=None):
    """The page under `key` with fresh per-request values; `render(extra_context)` on a miss
    returns the rendered response, stored only if it is a plain 200 that set no cookie and took
    no per-request value outside the registered slots.

    With `shell_key`, a miss looks for the shell there first and only renders when that misses
    too; the parts are computed with `subject` (their functions' first argument)."""
    stored = cache.get(key)
    if stored is not None:
        return _response(request, stored)
    shell = cache.get(shell_key) if shell_key is not None else None
    response = None
    if shell is None:
        fill = _Fill(shell=shell_key is not None)
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
        shell = (response["Content-Type"], pieces, gaps, tuple(fill.slots))
        cacheable = response.status_code == 200 and not leaked_csrf and not response.cookies
        if cacheable and shell_key is not None:
            cache.set(shell_key, shell, settings.MARQUEE_PAGE_CACHE_SECONDS)
    else:
        cacheable = True
    page = _with_parts(shell, subject)
    if cacheable:
        cache.set(key, page, settings.MARQUEE_PAGE_CACHE_SECONDS)
    if response is None:
        return _response(request, page)
    _, pieces, gaps, slots = page
    response.content = b"".join(_chunks(request, pieces, gaps, slots))
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


def _with_parts(shell, subject):
    """The shell with its parts put in: a page whose only slots are per-request values."""
    content_type, pieces, gaps, slots = shell
    if not any(slots[gap][0] in _parts for gap in gaps):
        return shell
    values = {}
    page_pieces, page_gaps, page_slots = [], [], []
    current = [pieces[0]]
    for gap, piece in zip(gaps, pieces[1:], strict=True):
        name, args = slots[gap]
        if name in _parts:
            if gap not in values:
                values[gap] = _parts[name](subject, *args).encode()
            current.append(values[gap])
        else:
            page_pieces.append(b"".join(current))
            current = []
            if slots[gap] not in page_slots:
                page_slots.append(slots[gap])
            page_gaps.append(page_slots.index(slots[gap]))
        current.append(piece)
    page_pieces.append(b"".join(current))
    return content_type, tuple(page_pieces), tuple(page_gaps), tuple(page_slots)


def _chunks(request, pieces, gaps, slots):
    """The page's pieces with this request's values between them."""
    values = [fresh_value(request, name, *args).encode() for name, args in slots]
    chunks = [pieces[0]]
    for gap, piece in zip(gaps, pieces[1:], strict=True):
        chunks.append(values[gap])
        chunks.append(piece)
    return chunks
