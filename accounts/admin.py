import json
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from reviewsite.admin import SafeAdminInputMixin

from . import privacy
from .models import User


class GuestDataForm(forms.Form):
    email = forms.EmailField(label="Guest's e-mail address")
    remove_comments = forms.BooleanField(
        label="When erasing, also remove the comments' text (tombstones keep threads whole)", required=False
    )


@admin.register(User)
class UserAdmin(SafeAdminInputMixin, DjangoUserAdmin):
    list_display = [
        "username",
        "display_name",
        "email",
        "is_staff",
        "date_joined",
        "comment_count",
        "ban_link",
    ]
    list_filter = [*DjangoUserAdmin.list_filter, "always_show_spoilers"]
    search_fields = [*DjangoUserAdmin.search_fields, "display_name"]
    readonly_fields = ["avatar_preview"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        ("Profile", {"fields": ["display_name", "bio", "website", "avatar_preview"]}),
        ("Preferences", {"fields": ["email_on_reply", "always_show_spoilers"]}),
    ]
    # Django's "Personal info" section already holds first/last name and e-mail.

    def get_queryset(self, request):
        # `comments` is the comments app's reverse relation: counted without importing it.
        return super().get_queryset(request).annotate(comment_count=Count("comments", distinct=True))

    @admin.display(description="comments", ordering="comment_count")
    def comment_count(self, user):
        return user.comment_count

    @admin.display(description="ban")
    def ban_link(self, user):
        # The Ban admin (comments) names an account by username; its add form takes it from the query.
        query = urlencode({"username": user.get_username()})
        return format_html('<a href="/admin/comments/ban/add/?{}">Ban…</a>', query)

    @admin.display(description="avatar")
    def avatar_preview(self, user):
        if not user.avatar:
            return "Initials (no upload)"
        return format_html(
            '<img src="{}" width="64" height="64" alt="">', user.avatar_small.url or user.avatar.url
        )

    def get_urls(self):
        guest_data = self.admin_site.admin_view(self.guest_data_view)
        return [path("guest-data/", guest_data, name="accounts_user_guest_data"), *super().get_urls()]

    def guest_data_view(self, request):
        """Export or erase a guest's comments by e-mail address (the reader's own data, for guests)."""
        if not request.user.has_perm("comments.change_comment"):
            raise PermissionDenied
        form = GuestDataForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            email = form.cleaned_data["email"]
            if "erase" in request.POST:
                changed = privacy.erase_guest(email, remove_comments=form.cleaned_data["remove_comments"])
                self.message_user(request, f"Erased {changed} record(s) for {email}.", messages.SUCCESS)
                return redirect(reverse("admin:accounts_user_guest_data"))
            response = HttpResponse(
                json.dumps(privacy.export_guest(email), indent=2, ensure_ascii=False),
                content_type="application/json; charset=utf-8",
            )
            response["Content-Disposition"] = 'attachment; filename="marquee-guest-data.json"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "title": "A guest's data: export or erase",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/accounts/user/guest_data.html", context)
