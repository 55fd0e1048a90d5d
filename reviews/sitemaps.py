"""sitemap.xml: reviews, films, people and critics, with absolute URLs from the request's host."""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.db.models import Exists, Max, OuterRef

from .models import Credit, Critic, Film, Person, Review


class RequestSitemap(Sitemap):
    """Uses the host the request came in on instead of the Sites framework's domain."""

    limit = 5000

    def __init__(self, domain=None):
        self.domain = domain

    def get_domain(self, site=None):
        return self.domain or super().get_domain(site)


class ReviewSitemap(RequestSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Review.objects.published().order_by("-published_at").only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at


class FilmSitemap(RequestSitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return (
            Film.objects.filter(Exists(Review.objects.published().filter(film=OuterRef("pk"))))
            .annotate(last_review=Max("reviews__updated_at"))
            .order_by("title")
            .only("slug")
        )

    def lastmod(self, item):
        return item.last_review


class PersonSitemap(RequestSitemap):
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        reviewed = Review.objects.published().filter(film=OuterRef("film"))
        credited = Credit.objects.filter(person=OuterRef("pk")).filter(Exists(reviewed))
        return Person.objects.filter(Exists(credited)).order_by("name").only("slug")


class CriticSitemap(RequestSitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Critic.objects.order_by("name").only("slug")


SITEMAPS = {
    "reviews": ReviewSitemap,
    "films": FilmSitemap,
    "people": PersonSitemap,
    "critics": CriticSitemap,
}


def sitemap(request):
    sitemaps = {name: cls(domain=request.get_host()) for name, cls in SITEMAPS.items()}
    return sitemap_view(request, sitemaps=sitemaps)
