from django import forms
from django.db.models import Q

from .models import Critic, Film, Genre, Review


class ArchiveFilterForm(forms.Form):
    """The archive's filters and sort order, read from the query string.

    Invalid values are dropped (the rest still apply): a hand-edited URL never makes a 500.
    """

    SORTS = {
        "newest": ("-published_at", "-pk"),
        "rating": ("-stars", "-published_at", "-pk"),
        "discussed": ("-approved_comment_count", "-published_at", "-pk"),
    }

    genre = forms.ChoiceField(label="Genre", required=False)
    stars = forms.TypedChoiceField(
        label="Rating",
        choices=[("", "Any rating")]
        + [(str(n), f"{n} star{'s' if n != 1 else ''} or more") for n in (5, 4, 3, 2, 1)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    rated = forms.ChoiceField(
        label="MPAA", choices=[("", "Any MPAA rating"), *Film.Rating.choices], required=False
    )
    year = forms.TypedChoiceField(label="Year", coerce=int, required=False, empty_value=None)
    critic = forms.ChoiceField(label="Critic", required=False)
    sort = forms.ChoiceField(
        choices=[("newest", "Newest"), ("rating", "Highest rated"), ("discussed", "Most discussed")],
        required=False,
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        # One query per list, evaluated once: the template loops over plain lists.
        self.fields["year"].choices = [("", "Any year")] + [(str(y), str(y)) for y in years]
        self.fields["genre"].choices = [("", "Any genre"), *Genre.objects.values_list("slug", "name")]
        self.fields["critic"].choices = [("", "Any critic"), *Critic.objects.values_list("slug", "name")]

    def values(self):
        """The valid filters only; an invalid one is ignored rather than failing the page."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    def apply(self, reviews):
        values = self.values()
        filters = Q()
        if "genre" in values:
            filters &= Q(film__genres__slug=values["genre"])
        if "stars" in values:
            filters &= Q(stars__gte=values["stars"])
        if "rated" in values:
            filters &= Q(film__mpaa_rating=values["rated"])
        if "year" in values:
            filters &= Q(film__year=values["year"])
        if "critic" in values:
            filters &= Q(critic__slug=values["critic"])
        ordering = self.SORTS[values.get("sort") or "newest"]
        if values.get("sort") == "rating":
            reviews = reviews.filter(stars__isnull=False)
        return reviews.filter(filters).order_by(*ordering)

    @property
    def is_filtered(self):
        return any(self.data.get(name) for name in self.fields)


def archive_years():
    return Review.objects.published().order_by("-film__year").values_list("film__year", flat=True).distinct()
