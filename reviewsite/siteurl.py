"""The site's address for links that leave the page (e-mail).

`DJANGO_SITE_URL`, when set, is the site's address. Otherwise it is the address the request
came in on (`make run PORT=8211` gives links to port 8211), remembered by `SiteURLMiddleware`
for the length of the request. A task (e-mail sent after commit, perhaps by `db_worker` in
another process) has no request: whoever enqueues it passes `site_url()` along and the task
runs inside `using(url)`.
"""

import contextlib
import contextvars

from django.conf import settings

FALLBACK = "http://127.0.0.1:8000"

_request = contextvars.ContextVar("marquee_request", default=None)
_override = contextvars.ContextVar("marquee_site_url", default="")


class SiteURLMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def site_url():
    """`scheme://host[:port]`, no trailing slash."""
    if settings.MARQUEE_SITE_URL:
        return settings.MARQUEE_SITE_URL
    if _override.get():
        return _override.get()
    request = _request.get()
    if request is not None:
        # Lazily, so a request with a bad Host header fails where Django checks it, not here.
        return request.build_absolute_uri("/").rstrip("/")
    return FALLBACK


@contextlib.contextmanager
def using(url):
    """Run a task with the address its request had (an empty `url` changes nothing)."""
    token = _override.set((url or "").rstrip("/"))
    try:
        yield
    finally:
        _override.reset(token)
