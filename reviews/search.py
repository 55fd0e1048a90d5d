"""Site search: films by title, cast or director; reviews by headline, lowdown or body.

Review bodies are searched through `Review.body_public_text`, so spoiler sections are never
matched (and never shown in snippets). On PostgreSQL reviews use its full-text search (weighted
vector, `websearch` query syntax, `SearchRank`); elsewhere (SQLite) `icontains` with a
`Case`/`When` score. Either way a film-title match ranks first.
"""

import re
import unicodedata

from django.db import connection
from django.db.models import Case, Exists, F, FloatField, IntegerField, OuterRef, Q, Value, When

from .models import Credit, Film, Review

MAX_QUERY_LENGTH = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class QueryError(ValueError):
    def __init__(self, message, *, status=200):
        super().__init__(message)
        self.message = message
        self.status = status


def clean_query(raw):
    """The query as we will search it, or `QueryError` with a message for the reader."""
    raw = raw or ""
    if len(raw) > MAX_QUERY_LENGTH:
        raise QueryError(f"That search is too long: use at most {MAX_QUERY_LENGTH} characters.", status=400)
    text = unicodedata.normalize("NFKC", _CONTROL.sub(" ", raw))
    text = " ".join(text.split())
    if not text:
        raise QueryError("Type a film title, a name or a few words to search for.")
    if not any(character.isalnum() for character in text):
        raise QueryError("Search for words or names: punctuation alone matches nothing.")
    return text


def _uses_postgres():
    return connection.vendor == "postgresql"


def search_films(query, *, limit=20):
    """Films whose title, director or cast matches; title matches first."""
    people_match = Credit.objects.filter(
        film=OuterRef("pk"),
        role__in=[Credit.Role.DIRECTOR, Credit.Role.CAST],
        person__name__icontains=query,
    )
    return (
        Film.objects.annotate(person_match=Exists(people_match))
        .filter(Q(title__icontains=query) | Q(person_match=True))
        .annotate(
            score=Case(
                When(title__iexact=query, then=Value(3)),
                When(title__istartswith=query, then=Value(2)),
                When(title__icontains=query, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-score", "title", "year")[:limit]
    )


def search_reviews(query):
    """Published reviews matching `query`, best first (a QuerySet, ready to paginate)."""
    reviews = Review.objects.published().for_listing()
    title_score = Case(
        When(film__title__iexact=query, then=Value(100.0)),
        When(film__title__icontains=query, then=Value(50.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    if _uses_postgres():
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = (
            SearchVector("headline", weight="A", config="english")
            + SearchVector("lowdown", weight="B", config="english")
            + SearchVector("body_public_text", weight="C", config="english")
        )
        search_query = SearchQuery(query, search_type="websearch", config="english")
        return (
            reviews.annotate(
                document=vector, text_rank=SearchRank(vector, search_query), title_score=title_score
            )
            # Match with @@: ts_rank is not zero for every non-matching document.
            .filter(Q(document=search_query) | Q(title_score__gt=0))
            .annotate(score=F("title_score") + F("text_rank"))
            .order_by("-score", "-published_at")
        )
    words = query.split()[:8]
    text_match = Q()
    for word in words:
        text_match &= (
            Q(headline__icontains=word) | Q(lowdown__icontains=word) | Q(body_public_text__icontains=word)
        )
    return (
        reviews.annotate(
            title_score=title_score,
            text_score=Case(
                When(headline__icontains=query, then=Value(10.0)),
                When(lowdown__icontains=query, then=Value(5.0)),
                When(body_public_text__icontains=query, then=Value(2.0)),
                default=Value(1.0),
                output_field=FloatField(),
            ),
        )
        .filter(text_match | Q(film__title__icontains=query))
        .annotate(score=F("title_score") + F("text_score"))
        .order_by("-score", "-published_at")
    )
