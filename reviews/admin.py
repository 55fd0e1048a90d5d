"""Admin for films, people, critics and reviews.

Critics (accounts linked to a `Critic`, in the "Critics" group) see and edit only their own
reviews, and every review they add is theirs. Editors and superusers (not linked to a critic,
or holding `reviews.edit_all_reviews`) see all.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from reviewsite.admin import SafeAdminInputMixin

from .models import Book, Credit, Critic, Film, Genre, Person, Review


def is_restricted_critic(user):
    """A critic's account that may only touch its own reviews."""
    if user.is_superuser or user.has_perm("reviews.edit_all_reviews"):
        return False
    return Critic.objects.filter(account=user).exists()


@admin.register(Genre)
class GenreAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Person)
class PersonAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    list_display = ["name", "known_for", "slug"]
    search_fields = ["name", "known_for"]
    prepopulated_fields = {"slug": ["name"]}


class CreditInline(admin.TabularInline):
    model = Credit
    extra = 1
    autocomplete_fields = ["person"]
    fields = ["person", "role", "character_name", "billing_order"]


@admin.register(Film)
class FilmAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    list_display = ["title", "year", "mpaa_rating", "release_date"]
    list_filter = ["mpaa_rating", "genres", "year"]
    search_fields = ["title", "credits__person__name"]
    prepopulated_fields = {"slug": ["title", "year"]}
    autocomplete_fields = ["genres"]
    inlines = [CreditInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "year", "release_date", "runtime_minutes", "genres"]}),
        ("The story", {"fields": ["synopsis"]}),
        ("Rating", {"fields": ["mpaa_rating", "mpaa_reason"]}),
        ("More", {"fields": ["poster", "country", "language"]}),
    ]


class BookInline(admin.TabularInline):
    model = Book
    extra = 1
    fields = ["title", "year", "order"]


@admin.register(Critic)
class CriticAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    list_display = ["name", "title", "account", "tenure_from", "tenure_until"]
    search_fields = ["name", "account__username"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["account"]
    inlines = [BookInline]


class ReviewAdminForm(forms.ModelForm):
    # Set (by ReviewAdmin.get_form) to the signed-in critic, whose reviews are always their own.
    restricted_critic = None

    class Meta:
        model = Review
        fields = [
            "film",
            "critic",
            "headline",
            "slug",
            "lowdown",
            "stars",
            "body",
            "status",
            "published_at",
            "comments_open",
            "comments_close_at",
        ]

    def clean(self):
        cleaned_data = super().clean()
        if self.restricted_critic is not None:
            self.instance.critic = self.restricted_critic
            film = cleaned_data.get("film")
            already = Review.objects.filter(film=film, critic=self.restricted_critic).exclude(
                pk=self.instance.pk
            )
            if film is not None and already.exists():
                raise ValidationError("You have already reviewed this film.", code="duplicate_review")
        return cleaned_data


@admin.register(Review)
class ReviewAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    form = ReviewAdminForm
    list_display = ["headline", "film", "critic", "stars", "status", "published_at", "state", "preview_link"]
    list_filter = ["status", "critic", "film__genres", "published_at", "comments_open"]
    search_fields = ["headline", "lowdown", "film__title", "critic__name", "body"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["film"]
    prepopulated_fields = {"slug": ["headline"]}
    readonly_fields = ["preview_link", "approved_comment_count", "updated_at"]
    list_select_related = ["film", "critic"]
    fieldsets = [
        (None, {"fields": ["film", "critic", "headline", "slug", "lowdown", "stars"]}),
        (
            "Body",
            {
                "fields": ["body"],
                "description": "Markdown: blank lines between paragraphs, *italics*, **bold**, "
                "[links](https://…), > quotes. Put plot reveals between a line <code>:::spoiler</code> and a "
                "line <code>:::</code>; they stay folded for readers and out of feeds, search and snippets.",
            },
        ),
        ("Publishing", {"fields": ["status", "published_at", "preview_link", "updated_at"]}),
        ("Comments", {"fields": ["comments_open", "comments_close_at", "approved_comment_count"]}),
    ]

    @admin.display(description="state")
    def state(self, review):
        if review.status == Review.Status.DRAFT:
            return "draft"
        return "scheduled" if review.published_at > timezone.now() else "live"

    @admin.display(description="preview")
    def preview_link(self, review):
        if not review.pk:
            return "Save first, then preview."
        label = "View" if review.is_published else "Preview"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', review.get_absolute_url(), label
        )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if is_restricted_critic(request.user):
            critic = Critic.objects.get(account=request.user)
            form = type("CriticReviewForm", (form,), {"restricted_critic": critic})
        return form

    def get_queryset(self, request):
        reviews = super().get_queryset(request)
        if is_restricted_critic(request.user):
            return reviews.written_by(request.user)
        return reviews

    def get_list_filter(self, request):
        if is_restricted_critic(request.user):
            return [f for f in self.list_filter if f != "critic"]
        return self.list_filter

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if is_restricted_critic(request.user):
            fields.append("critic")
        return fields

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and is_restricted_critic(request.user):
            return obj.critic.account_id == request.user.pk
        return allowed

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        if allowed and obj is not None and is_restricted_critic(request.user):
            return obj.critic.account_id == request.user.pk
        return allowed

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if allowed and obj is not None and is_restricted_critic(request.user):
            return obj.critic.account_id == request.user.pk
        return allowed

    def save_model(self, request, obj, form, change):
        if is_restricted_critic(request.user):
            obj.critic = Critic.objects.get(account=request.user)
        super().save_model(request, obj, form, change)

    def view_on_site(self, obj):
        return reverse("reviews:review-detail", args=[obj.slug])
