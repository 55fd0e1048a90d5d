"""The site's URLs plus the benchmark's floor view (see bench/thread.py)."""

from django.http import HttpResponse
from django.urls import path

from reviewsite.urls import urlpatterns as site_urlpatterns

FLOOR = {"body": b"", "content_type": "text/html; charset=utf-8"}


def floor(request):
    """The same bytes as the review page, from memory: the cost of Django's request cycle alone."""
    return HttpResponse(FLOOR["body"], content_type=FLOOR["content_type"])


urlpatterns = [
    path("__bench_floor__/", floor),
    *site_urlpatterns,
]
