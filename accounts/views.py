import json

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import privacy
from .forms import DeleteAccountForm, PasswordConfirmForm, ProfileForm
from .models import User

COMMENTS_PER_PAGE = 20


def profile(request, username):
    """The public profile: name, avatar, bio, website and approved comments, newest first."""
    person = get_object_or_404(User, username=username, is_active=True)
    # The reverse relation from comments carries their QuerySet (accounts imports neither app).
    # The person themselves also sees what is still waiting for moderation.
    statuses = ["approved", "pending"] if request.user == person else ["approved"]
    comments = (
        person.comments.on_published_reviews()
        .filter(status__in=statuses)
        .select_related("review__film", "author")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(comments, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/user_profile.html", {"person": person, "page_obj": page})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def settings(request):
    form = ProfileForm(request.POST or None, request.FILES or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile and preferences are saved.")
        return redirect("accounts:settings")
    return render(request, "accounts/user_settings.html", {"form": form})


def _password_form(request, form_class):
    """The bound form on POST (rate limited like allauth's re-authentication), else unbound."""
    if request.method != "POST":
        return form_class(user=request.user), None
    too_many = ratelimit.consume_or_429(request, action="reauthenticate", user=request.user)
    return form_class(request.POST, user=request.user), too_many


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def export(request):
    form, too_many = _password_form(request, PasswordConfirmForm)
    if too_many:
        return too_many
    if form.is_bound and form.is_valid():
        data = privacy.export_account(request.user)
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8"
        )
        filename = f"marquee-{request.user.username}-{timezone.now():%Y-%m-%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return render(request, "accounts/user_export.html", {"form": form})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete(request):
    form, too_many = _password_form(request, DeleteAccountForm)
    if too_many:
        return too_many
    if form.is_bound and form.is_valid():
        privacy.delete_account(request.user, remove_comments=form.cleaned_data["remove_comments"])
        logout(request)
        messages.success(request, "Your account is deleted. Thank you for reading.")
        return redirect("/")
    return render(request, "accounts/user_delete.html", {"form": form})
