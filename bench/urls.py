"""The site's URLs plus the benchmarks' floors (bench/settings.py only).

- `/__bench/floor/`: the bytes last stored with `/__bench/floor/set/`, from memory, through the
  same middleware: what Django's request cycle costs for a page of that size.
- `/__bench/trivial/`: a short constant response, the cheapest request the stack can answer.
- `/__bench/write/`: a signed-in POST with a CSRF token that inserts one row in one transaction
  and redirects, as posting a comment does: the floor for writes.
"""

from django.db import transaction
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from reviewsite.urls import urlpatterns as site_urlpatterns

from .models import FloorRow

FLOOR = {"body": b""}


def floor(request):
    return HttpResponse(FLOOR["body"], content_type="text/html; charset=utf-8")


@csrf_exempt  # only the bench process on this machine sets it
@require_POST
def set_floor(request):
    if request.META.get("REMOTE_ADDR") != "127.0.0.1":
        return HttpResponseForbidden()
    FLOOR["body"] = request.body
    return HttpResponse(f"{len(request.body)}")


def trivial(request):
    return HttpResponse(b"<!doctype html><title>ok</title><p>ok", content_type="text/html; charset=utf-8")


@require_POST
def write(request):
    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    with transaction.atomic():
        FloorRow.objects.create(author=request.user, body=request.POST.get("body", ""))
    return redirect("/__bench/trivial/")


urlpatterns = [
    path("__bench/floor/", floor),
    path("__bench/floor/set/", set_floor),
    path("__bench/trivial/", trivial),
    path("__bench/write/", write),
    *site_urlpatterns,
]
