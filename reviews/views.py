"""Browse, read and search reviews. Thin views: the rules live in `ReviewQuerySet`."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.views.generic import DetailView, ListView, TemplateView

from reviewsite import pagecache

from . import search
from .forms import ArchiveFilterForm, archive_years
from .models import Credit, Critic, Film, Genre, Person, Review
from .structured_data import image_url


def canonical_url(request, page_obj=None):
    """The list page's own URL: its path, plus ?page=N beyond the first page; no filters."""
    url = request.build_absolute_uri(request.path)
    if page_obj is not None and page_obj.number > 1:
        url += f"?page={page_obj.number}"
    return url


def genres_with_reviews():
    return (
        Genre.objects.annotate(
            review_count=Count("films__reviews", filter=Q(films__reviews__in=Review.objects.published()))
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


class ReviewDetailView(DetailView):
    """The review page.

    Its parts that are the same for every reader (film box, review body, critic box, JSON-LD,
    each page of the thread) are cached fragments in templates, keyed by the versions they depend
    on (`Review.updated_at`, which reviews/signals.py touches when anything shown changes; the
    thread's version), and used by every reader. Anonymous readers without a session or messages
    cookie also get `ETag`/`Last-Modified` and 304s, and share one cached copy of the whole page
    (reviewsite/pagecache.py) with fresh tokens filled in: one query on a hit.
    """

    template_name = "reviews/review_detail.html"
    context_object_name = "review"
    queryset = Review.objects.select_related("film", "critic")

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
                settings.CACHES["html"]["VERSION"],  # the templates' digest
                review.pk,
                review.updated_at.isoformat(),
                review.thread_version,
                review.approved_comment_count,
                review.comments_are_open(),
            )
        )
        return hashlib.sha256(stamp.encode()).hexdigest()[:32], review.last_modified.timestamp()

    def get_object(self, queryset=None):
        review = super().get_object(queryset)
        user = self.request.user
        if not (review.is_published or (user.is_authenticated and user.is_staff)):
            raise Http404("No review found matching the query")
        return review

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.same_for_everyone():
            response = self.render_page({})
            patch_vary_headers(response, ["Cookie"])
            patch_cache_control(response, private=True, no_cache=True)
            return response
        etag, last_modified = self.validators()
        etag = quote_etag(etag)
        response = get_conditional_response(request, etag=etag, last_modified=int(last_modified))
        if response is None:
            # Everything else the bytes depend on is in the key ({% now "Y" %} is in the footer);
            # the validators say which version of the page is current.
            key = pagecache.cache_key(request, timezone.localdate().year)
            headers = (("ETag", etag), ("Last-Modified", http_date(last_modified)))
            if key:
                response = pagecache.serve(request, key, self.render_page, version=etag, headers=headers)
            else:
                response = self.render_page({})
                for name, value in headers:
                    response[name] = value
            response["Cache-Control"] = "no-cache"  # a new response: nothing to patch
        patch_vary_headers(response, ["Cookie"])
        return response

    def render_page(self, extra_context):
        context = self.get_context_data(object=self.object, **extra_context)
        return self.render_to_response(context).render()

    def get_context_data(self, **kwargs):
        review = self.object
        return super().get_context_data(
            film=review.film,
            critic=review.critic,
            canonical_url=self.request.build_absolute_uri(review.get_absolute_url()),
            is_preview=not review.is_published,
            **kwargs,
        )


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
            poster_url=image_url(self.request, film.poster),
        )
        return context


class PersonDetailView(DetailView):
    """A person's filmography by role, with years (every film we list, reviewed or not), and our
    reviews of their films."""

    template_name = "reviews/person_detail.html"
    context_object_name = "person"
    model = Person

    # Roles in the order a reader looks for them; headings say what the person did.
    ROLE_HEADINGS = {
        Credit.Role.DIRECTOR: "Directed",
        Credit.Role.WRITER: "Wrote",
        Credit.Role.CAST: "Starred in",
        Credit.Role.PRODUCER: "Produced",
        Credit.Role.CINEMATOGRAPHER: "Photographed",
        Credit.Role.EDITOR: "Edited",
        Credit.Role.COMPOSER: "Scored",
    }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        latest_review = (
            Review.objects.published()
            .filter(film=OuterRef("film"))
            .order_by("-published_at")
            .values("slug")[:1]
        )
        credits = list(
            self.object.credits.select_related("film")
            .annotate(review_slug=Subquery(latest_review))
            .order_by("-film__year", "film__title")
        )
        filmography = [
            (heading, [c for c in credits if c.role == role])
            for role, heading in self.ROLE_HEADINGS.items()
            if any(c.role == role for c in credits)
        ]
        reviews = (
            Review.objects.published()
            .filter(film__in={c.film_id for c in credits})
            .for_listing()
            .order_by("-published_at")
        )
        context.update(
            filmography=filmography,
            directed=[c for c in credits if c.role == Credit.Role.DIRECTOR],
            reviews=list(reviews[:20]),
            years=(min(c.film.year for c in credits), max(c.film.year for c in credits)) if credits else None,
            canonical_url=self.request.build_absolute_uri(self.object.get_absolute_url()),
        )
        return context


class CriticListView(ListPageMixin, ListView):
    template_name = "reviews/critic_list.html"
    context_object_name = "critics"

    def get_queryset(self):
        return Critic.objects.annotate(
            review_count=Count("reviews", filter=Q(reviews__in=Review.objects.published()))
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
