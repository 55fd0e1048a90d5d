"""The site's URLs plus the benchmark's floor view (see bench/thread.py)."""

from django.http import HttpResponse
from django.urls import path

from reviewsite.urls import urlpatterns as site_urlpatterns

FLOOR = {"body": b"", "content_type": "text/html; charset=utf-8"}


def floor(request):
    """The same bytes as the review page, from memory: the cost of Django's request cycle alone."""
    return HttpResponse(FLOOR["body"], content_type=FLOOR["content_type"])


def page_cache_prototype(request, slug):
    """What a page-level cache in the review view would cost (a proposal, measured here only):
    one query for the review's validators, one cache get, fresh CSRF and form tokens."""
    from django.core.cache import cache
    from django.middleware.csrf import get_token

    from comments.forms import make_security_token
    from reviews.models import Review

    review = Review.objects.only("pk", "updated_at", "thread_version").get(slug=slug)
    parts = cache.get(f"bench:page:{review.pk}:{review.thread_version}:{review.updated_at.timestamp()}")
    body = get_token(request).join(make_security_token(review.pk).join(piece) for piece in parts)
    return HttpResponse(body, content_type=FLOOR["content_type"])


urlpatterns = [
    path("__bench_floor__/", floor),
    path("__bench_page_cache__/<slug:slug>/", page_cache_prototype),
    *site_urlpatterns,
]
