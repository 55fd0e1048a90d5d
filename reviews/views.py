"""Browse, read and search reviews. Thin views: the rules live in `ReviewQuerySet`."""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.safestring import mark_safe
from django.views.generic import DetailView, ListView, TemplateView

from reviewsite import pagecache
from reviewsite.prepared import prepared

from . import search
from .forms import ArchiveFilterForm, archive_years
from .models import Book, Credit, Critic, Film, Genre, Person, Review

# Bump when the review page's markup changes, so browsers drop pages cached before a deploy.
REVIEW_PAGE_VERSION = "1"
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data):
    """A JSON-LD document safe to put inside <script type="application/ld+json">."""
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES))  # noqa: S308


def canonical_url(request, page_obj=None):
    """The list page's own URL: its path, plus ?page=N beyond the first page; no filters."""
    url = request.build_absolute_uri(request.path)
    if page_obj is not None and page_obj.number > 1:
        url += f"?page={page_obj.number}"
    return url


def published_reviews_q(prefix=""):
    return Q(**{f"{prefix}status": Review.Status.PUBLISHED, f"{prefix}published_at__lte": timezone.now()})


def genres_with_reviews():
    return (
        Genre.objects.annotate(
            review_count=Count("films__reviews", filter=published_reviews_q("films__reviews__"))
        )
        .filter(review_count__gt=0)
        .order_by("name")
    )


class ListPageMixin:
    paginate_by = 20
    noindex = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["canonical_url"] = canonical_url(self.request, context.get("page_obj"))
        context["noindex"] = self.noindex
        return context


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        month_ago = timezone.now() - timedelta(days=30)
        recent_approved = Q(comments__status="approved", comments__created_at__gte=month_ago)
        return super().get_context_data(
            latest=Review.objects.published().for_listing()[:12],
            most_discussed=Review.objects.published()
            .select_related("film")
            .annotate(recent_comments=Count("comments", filter=recent_approved))
            .filter(recent_comments__gt=0)
            .order_by("-recent_comments", "-published_at")[:5],
            genres=genres_with_reviews(),
            canonical_url=self.request.build_absolute_uri("/"),
            **kwargs,
        )


class ReviewListView(ListPageMixin, ListView):
    template_name = "reviews/review_list.html"
    context_object_name = "reviews"

    def get_queryset(self):
        self.form = ArchiveFilterForm(self.request.GET, years=archive_years())
        self.noindex = self.form.is_filtered
        return self.form.apply(Review.objects.published().for_listing())

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.form, **kwargs)


_PREPARED = {}
# What the page cache needs to find a review's page: its validators and whether it is published.
VALIDATOR_FIELDS = (
    "id",
    "status",
    "published_at",
    "updated_at",
    "comments_open",
    "comments_close_at",
    "approved_comment_count",
    "thread_version",
    "thread_changed_at",
)


def _prepared_query(alias, values_list, order_by):
    """`values_list(*fields)` of the review with a given slug, as (SQL, converters): compiled
    once per database and field list. On the page cache's hit path, the ORM took several times
    longer to build the SQL than the database took to run it (1 ms against 0.15 ms on SQLite)."""
    connection = connections[alias]
    key = (alias, connection.vendor, values_list, order_by)
    if key not in _PREPARED:
        queryset = Review.objects.filter(slug="").values_list(*values_list).order_by(*order_by)
        compiler = queryset.query.get_compiler(alias)
        sql, params = compiler.as_sql()
        if params != ("",):
            raise ValueError(f"Unexpected parameters {params!r} in {sql}")
        _PREPARED[key] = sql, compiler.get_converters([column for column, _, _ in compiler.select])
    return _PREPARED[key]


def _fetch_prepared(slug, values_list, order_by=()):
    """(database alias, rows): the rows as the ORM's `values_list()` would convert them."""
    alias = router.db_for_read(Review)
    connection = connections[alias]
    sql, converters = _prepared_query(alias, values_list, order_by)
    with connection.cursor() as cursor:
        cursor.execute(sql, [slug])
        rows = cursor.fetchall()
    converted = []
    for row in map(list, rows):
        for position, (functions, expression) in converters.items():
            for function in functions:
                row[position] = function(row[position], expression, connection)
        converted.append(row)
    return alias, converted


def review_validators(slug):
    """The review with only `VALIDATOR_FIELDS` loaded, or None (one query, no joins)."""
    alias, rows = _fetch_prepared(slug, VALIDATOR_FIELDS)
    return Review.from_db(alias, VALIDATOR_FIELDS, rows[0]) if rows else None


def review_for_page(slug):
    """(review with its film and critic, the film's genres), whatever the review's status, or
    (None, []): what `Review.objects.select_related("film", "critic").get(slug=slug)` and
    `film.genres.all()` do, in one query (a row per genre), built with `Model.from_db` as a
    queryset would."""
    models = (Review, Film, Critic, Genre)
    fields = [tuple(field.attname for field in model._meta.concrete_fields) for model in models]
    values_list = (
        *fields[0],
        *(f"film__{name}" for name in fields[1]),
        *(f"critic__{name}" for name in fields[2]),
        *(f"film__genres__{name}" for name in fields[3]),
    )
    alias, rows = _fetch_prepared(slug, values_list, ("film__genres__name", "film__genres__id"))
    if not rows:
        return None, []
    objects, start = [], 0
    for model, names in zip(models[:3], fields, strict=False):
        objects.append(model.from_db(alias, names, rows[0][start : start + len(names)]))
        start += len(names)
    review, review.film, review.critic = objects
    genres = [Genre.from_db(alias, fields[3], row[start:]) for row in rows if row[start] is not None]
    return review, genres


CREDIT_FIELDS = tuple(field.attname for field in Credit._meta.concrete_fields)
PERSON_FIELDS = tuple(field.attname for field in Person._meta.concrete_fields)
BOOK_FIELDS = tuple(field.attname for field in Book._meta.concrete_fields)
FILM_BOX_ROLES = (Credit.Role.DIRECTOR, Credit.Role.WRITER, Credit.Role.CAST)


def _film_credits_query(film_id, now):
    known_for_review = (
        Review.objects.published(now=now)
        .filter(film__title__iexact=OuterRef("person__known_for"))
        .exclude(film_id=film_id)
        .order_by("-published_at")
        .values("slug")[:1]
    )
    return (
        Credit.objects.filter(film_id=film_id, role__in=FILM_BOX_ROLES)
        .annotate(known_for_slug=Subquery(known_for_review))
        .order_by("billing_order", "pk")
        .values_list(*CREDIT_FIELDS, *(f"person__{name}" for name in PERSON_FIELDS), "known_for_slug")
    )


def film_credits(film):
    """The film box's credits with their people, each with `known_for_slug`: the slug of the
    latest published review of the film the person is known for (another film), or None. One
    query, compiled once (building its correlated subquery cost the ORM 2 ms a page)."""
    alias = router.db_for_read(Credit)
    rows = prepared("film-credits", _film_credits_query, using=alias, film_id=film.pk, now=timezone.now())
    credits = []
    split = len(CREDIT_FIELDS)
    for row in rows:
        credit = Credit.from_db(alias, CREDIT_FIELDS, row[:split])
        credit.person = Person.from_db(alias, PERSON_FIELDS, row[split:-1])
        credit.known_for_slug = row[-1]
        credit.film = film
        credits.append(credit)
    return credits


def _critic_books_query(critic_id):
    return Book.objects.filter(critic_id=critic_id).values_list(*BOOK_FIELDS)


def critic_books(critic):
    """`critic.books.all()`, in its default order: one query, compiled once."""
    alias = router.db_for_read(Book)
    rows = prepared("critic-books", _critic_books_query, using=alias, critic_id=critic.pk)
    return [Book.from_db(alias, BOOK_FIELDS, row) for row in rows]


class ReviewDetailView(DetailView):
    """The review page.

    Anonymous readers without a session or messages cookie get `ETag`/`Last-Modified` and 304s:
    the validators cover the review (film, critic and people edits touch `updated_at`) and the
    thread (`thread_version`, `thread_changed_at`). They also share one cached copy of the page
    (reviewsite/pagecache.py), keyed by the same validators, with fresh tokens filled in: one
    query on a hit. The page less its thread (the shell) is cached under the review's own
    validators, so after a new comment only the thread is built again (three queries, no
    template). Anyone else always gets a freshly rendered page.
    """

    template_name = "reviews/review_detail.html"
    context_object_name = "review"

    def same_for_everyone(self):
        """Does this reader see what every other reader sees (if the review is published)?"""
        cookies = self.request.COOKIES
        return (
            self.request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in cookies
            and "messages" not in cookies
            and not self.request.user.is_authenticated
        )

    def validators(self):
        review = self.object
        stamp = "|".join(
            str(part)
            for part in (
                REVIEW_PAGE_VERSION,
                review.pk,
                review.updated_at.isoformat(),
                review.thread_version,
                review.thread_changed_at.isoformat() if review.thread_changed_at else "",
                review.approved_comment_count,
                review.comments_are_open(),
            )
        )
        return hashlib.sha256(stamp.encode()).hexdigest()[:32], review.last_modified.timestamp()

    def shell_validators(self):
        """What the page depends on apart from its thread (see `pagecache.serve`)."""
        review = self.object
        return (REVIEW_PAGE_VERSION, review.pk, review.updated_at.isoformat(), review.comments_are_open())

    def get_object(self, queryset=None):
        review, self.genres = review_for_page(self.kwargs["slug"])
        user = self.request.user
        if review is None or not (review.is_published or (user.is_authenticated and user.is_staff)):
            raise Http404("No review found matching the query")
        return review

    def get(self, request, *args, **kwargs):
        if not self.same_for_everyone():
            self.object = self.get_object()
            response = self.render_page({})
            patch_vary_headers(response, ["Cookie"])
            patch_cache_control(response, private=True, no_cache=True)
            return response
        # One narrow query, then a 304 or the cached page; the whole review only to render it.
        self.object = review_validators(self.kwargs["slug"])
        if self.object is None or not self.object.is_published:
            raise Http404("No review found matching the query")
        etag, last_modified = self.validators()
        etag = quote_etag(etag)
        response = get_conditional_response(request, etag=etag, last_modified=int(last_modified))
        if response is None:
            # Everything else the bytes depend on is in the key ({% now "Y" %} is in the footer).
            year = timezone.localdate().year
            key = pagecache.cache_key(request, etag, year)
            if key:
                # The page without its thread (the shell) is cached apart, under the review's own
                # validators: a new comment re-renders the thread, not the review around it.
                shell_key = pagecache.cache_key(request, "shell", *self.shell_validators(), year)
                response = pagecache.serve(
                    request, key, self.render_page, shell_key=shell_key, subject=self.object
                )
            else:
                response = self.render_page({})
            response["ETag"] = etag
            response["Last-Modified"] = http_date(last_modified)
            response["Cache-Control"] = "no-cache"  # a new response: nothing to patch
        patch_vary_headers(response, ["Cookie"])
        return response

    def render_page(self, extra_context):
        if self.object.get_deferred_fields():  # only the validators so far
            self.object = self.get_object()
        context = self.get_context_data(object=self.object, **extra_context)
        return self.render_to_response(context).render()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = self.object
        film = review.film
        credits = film_credits(film)
        genres = self.genres
        books = critic_books(review.critic)
        directors = [c for c in credits if c.role == Credit.Role.DIRECTOR]
        cast = [c for c in credits if c.role == Credit.Role.CAST]
        context.update(
            film=film,
            critic=review.critic,
            genres=genres,
            directors=directors,
            writers=[c for c in credits if c.role == Credit.Role.WRITER],
            cast=cast,
            books=books,
            canonical_url=self.request.build_absolute_uri(review.get_absolute_url()),
            json_ld=review_json_ld_html(self.request, review, genres, directors, cast),
            is_preview=not review.is_published,
        )
        return context


def _image_url(request, field_file, width=640):
    if not field_file:
        return None
    url, _, _ = field_file.rendition(width)
    return request.build_absolute_uri(url)


def movie_json_ld(request, film, genres, directors, cast):
    movie = {
        "@type": "Movie",
        "name": film.title,
        "url": request.build_absolute_uri(film.get_absolute_url()),
        "genre": [genre.name for genre in genres],
        "director": [
            {
                "@type": "Person",
                "name": c.person.name,
                "url": request.build_absolute_uri(c.person.get_absolute_url()),
            }
            for c in directors
        ],
        "actor": [
            {
                "@type": "Person",
                "name": c.person.name,
                "url": request.build_absolute_uri(c.person.get_absolute_url()),
            }
            for c in cast
        ],
    }
    if film.poster:
        movie["image"] = _image_url(request, film.poster)
    if film.release_date:
        movie["dateCreated"] = film.release_date.isoformat()
    if film.runtime_minutes:
        movie["duration"] = f"PT{film.runtime_minutes // 60}H{film.runtime_minutes % 60}M"
    if film.mpaa_label:
        movie["contentRating"] = film.mpaa_label
    return movie


COMMENT_COUNT_PART = "reviews:comment-count"
_COUNT_SENTINEL = "\ue000comment-count\ue000"
pagecache.register_part(COMMENT_COUNT_PART, lambda review: str(review.approved_comment_count))


def review_json_ld_html(request, review, genres, directors, cast):
    """The review's JSON-LD; its comment count is a part of the cached page (it changes with the
    thread, the rest with the review)."""
    data = review_json_ld(request, review, genres, directors, cast)
    placeholder = pagecache.part(request, COMMENT_COUNT_PART)
    if placeholder is None:
        return json_ld(data)
    data["commentCount"] = _COUNT_SENTINEL
    return mark_safe(json_ld(data).replace(f'"{_COUNT_SENTINEL}"', placeholder))  # noqa: S308 - digits go there


def review_json_ld(request, review, genres, directors, cast):
    url = request.build_absolute_uri(review.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "Review",
        "url": url,
        "name": review.headline,
        "headline": review.headline,
        "itemReviewed": movie_json_ld(request, review.film, genres, directors, cast),
        "author": {
            "@type": "Person",
            "name": review.critic.name,
            "jobTitle": review.critic.title,
            "url": request.build_absolute_uri(review.critic.get_absolute_url()),
        },
        "publisher": {
            "@type": "Organization",
            "name": settings.MARQUEE_SITE_NAME,
            "url": request.build_absolute_uri("/"),
        },
        "datePublished": review.published_at.isoformat(),
        "dateModified": review.updated_at.isoformat(),
        "description": review.lowdown,
        "commentCount": review.approved_comment_count,
        "discussionUrl": f"{url}#comments",
    }
    if review.stars is not None:
        data["reviewRating"] = {
            "@type": "Rating",
            "ratingValue": float(review.stars),
            "bestRating": 5,
            "worstRating": 0,
        }
    return data


class FilmDetailView(DetailView):
    template_name = "reviews/film_detail.html"
    context_object_name = "film"
    queryset = Film.objects.prefetch_related(
        "genres",
        Prefetch(
            "credits",
            queryset=Credit.objects.select_related("person").order_by("role", "billing_order", "pk"),
        ),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        film = self.object
        credits = list(film.credits.all())
        reviews = list(Review.objects.published().filter(film=film).select_related("critic"))
        context.update(
            reviews=reviews,
            directors=[c for c in credits if c.role == Credit.Role.DIRECTOR],
            cast=[c for c in credits if c.role == Credit.Role.CAST],
            crew=[c for c in credits if c.role not in (Credit.Role.DIRECTOR, Credit.Role.CAST)],
            genres=list(film.genres.all()),
            canonical_url=self.request.build_absolute_uri(film.get_absolute_url()),
            poster_url=_image_url(self.request, film.poster),
        )
        return context


class PersonDetailView(DetailView):
    template_name = "reviews/person_detail.html"
    context_object_name = "person"
    model = Person

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        latest_review = (
            Review.objects.published()
            .filter(film=OuterRef("film"))
            .order_by("-published_at")
            .values("slug")[:1]
        )
        credits = list(
            self.object.credits.filter(Exists(Review.objects.published().filter(film=OuterRef("film"))))
            .select_related("film")
            .annotate(review_slug=Subquery(latest_review))
            .order_by("-film__year", "film__title")
        )
        context.update(
            directed=[c for c in credits if c.role == Credit.Role.DIRECTOR],
            starred=[c for c in credits if c.role == Credit.Role.CAST],
            other=[c for c in credits if c.role not in (Credit.Role.DIRECTOR, Credit.Role.CAST)],
            canonical_url=self.request.build_absolute_uri(self.object.get_absolute_url()),
        )
        return context


class CriticListView(ListPageMixin, ListView):
    template_name = "reviews/critic_list.html"
    context_object_name = "critics"

    def get_queryset(self):
        return Critic.objects.annotate(
            review_count=Count("reviews", filter=published_reviews_q("reviews__"))
        ).order_by("tenure_until", "tenure_from", "name")


class CriticDetailView(ListPageMixin, ListView):
    template_name = "reviews/critic_detail.html"
    context_object_name = "reviews"

    def get_queryset(self):
        self.critic = get_object_or_404(Critic.objects.prefetch_related("books"), slug=self.kwargs["slug"])
        return Review.objects.published().filter(critic=self.critic).for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(critic=self.critic, books=list(self.critic.books.all()), **kwargs)


class GenreDetailView(ListPageMixin, ListView):
    template_name = "reviews/genre_detail.html"
    context_object_name = "reviews"

    def get_queryset(self):
        self.genre = get_object_or_404(Genre, slug=self.kwargs["slug"])
        return Review.objects.published().filter(film__genres=self.genre).for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(genre=self.genre, **kwargs)


class SearchView(ListView):
    template_name = "reviews/search.html"
    context_object_name = "reviews"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        self.query, self.error = "", None
        try:
            self.query = search.clean_query(request.GET.get("q", ""))
        except search.QueryError as error:
            self.error = error
        response = super().get(request, *args, **kwargs)
        if self.error:
            response.status_code = self.error.status
        return response

    def get_queryset(self):
        if self.error:
            return Review.objects.none()
        return search.search_reviews(self.query)

    def get_context_data(self, **kwargs):
        films = [] if self.error else list(search.search_films(self.query))
        return super().get_context_data(
            query=self.query,
            raw_query=self.request.GET.get("q", "")[: search.MAX_QUERY_LENGTH],
            error=self.error.message if self.error else "",
            films=films,
            noindex=True,
            canonical_url=self.request.build_absolute_uri(self.request.path),
            **kwargs,
        )
