"""RSS and Atom feeds: latest reviews, per critic, per genre; approved comments per review.

Items carry the lowdown and the spoiler-free text only (`body_public_text`), never `body_html`.
RSS `description` and Atom `summary type="html"` are read as HTML by feed readers, so that text
goes out HTML-escaped inside our own paragraphs: a critic's `<img onerror=...>` written as code in
the Markdown stays text. Comment bodies are our sanitised `body_html` less its spoilers.
Links are absolute from the request (not from the Sites framework), so feeds are right on any
host; `per_request()` makes a fresh feed object per request so nothing is shared between threads.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.timezone import localtime

from reviewsite.html import without_details

from . import markup
from .models import Critic, Genre, Review

FEED_LENGTH = 20
SPOILER_NOTE = "<p>[Spoiler hidden: read it on the site.]</p>"


def per_request(feed_class):
    def view(request, *args, **kwargs):
        return feed_class()(request, *args, **kwargs)

    view.feed_class = feed_class
    return view


class ReviewFeed(Feed):
    description_template = None

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def absolute(self, url):
        return self.request.build_absolute_uri(url)

    def feed_url(self, obj=None):
        return self.absolute(self.request.path)

    def title(self, obj=None):
        return f"{settings.MARQUEE_SITE_NAME}: latest film reviews"

    def link(self, obj=None):
        return self.absolute(reverse("reviews:review-list"))

    def description(self, obj=None):
        return "The latest reviews from our critics."

    def reviews(self, obj):
        return Review.objects.published()

    def items(self, obj=None):
        return self.reviews(obj).select_related("film", "critic").order_by("-published_at")[:FEED_LENGTH]

    def item_title(self, item):
        stars = f" ({item.stars:g}/5)" if item.stars is not None else ""
        return f"{item.film.title} ({item.film.year}): {item.headline}{stars}"

    def item_description(self, item):
        return format_html("<p>{}</p><p>{}</p>", item.lowdown, markup.snippet(item.body_public_text, 600))

    def item_link(self, item):
        return self.absolute(item.get_absolute_url())

    def item_guid(self, item):
        return self.absolute(item.get_absolute_url())

    def item_author_name(self, item):
        return item.critic.name

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.film.title]


class LatestReviewsAtom(ReviewFeed):
    feed_type = Atom1Feed
    subtitle = ReviewFeed.description


class CriticReviewsFeed(ReviewFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Critic, slug=slug)

    def title(self, obj):
        return f"{settings.MARQUEE_SITE_NAME}: reviews by {obj.name}"

    def link(self, obj):
        return self.absolute(obj.get_absolute_url())

    def description(self, obj):
        return f"The latest reviews by {obj.name}, {obj.title}."

    def reviews(self, obj):
        return Review.objects.published().filter(critic=obj)


class CriticReviewsAtom(CriticReviewsFeed):
    feed_type = Atom1Feed
    subtitle = CriticReviewsFeed.description


class GenreReviewsFeed(ReviewFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Genre, slug=slug)

    def title(self, obj):
        return f"{settings.MARQUEE_SITE_NAME}: {obj.name} reviews"

    def link(self, obj):
        return self.absolute(obj.get_absolute_url())

    def description(self, obj):
        return f"The latest reviews of {obj.name.lower()} films."

    def reviews(self, obj):
        return Review.objects.published().filter(film__genres=obj)


class GenreReviewsAtom(GenreReviewsFeed):
    feed_type = Atom1Feed
    subtitle = GenreReviewsFeed.description


class ReviewCommentsFeed(Feed):
    """Approved comments on one published review: names, text and dates; never e-mail or IP."""

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, slug):
        return get_object_or_404(Review.objects.published().select_related("film"), slug=slug)

    def feed_url(self, obj):
        return self.request.build_absolute_uri(self.request.path)

    def title(self, obj):
        return f"Comments on {obj.film.title}: {obj.headline}"

    def link(self, obj):
        return self.request.build_absolute_uri(obj.get_absolute_url() + "#comments")

    def description(self, obj):
        return f"What readers say about {obj.film.title}."

    def items(self, obj):
        # Only public columns: guest_email, ip_address and user_agent are never loaded.
        return (
            obj.comments.filter(status="approved")
            .select_related("author")
            .only("pk", "guest_name", "body_html", "created_at", "author__username", "author__display_name")
            .order_by("-created_at")[:50]
        )

    def item_title(self, item):
        return f"{self._name(item)} on {date_format(localtime(item.created_at), 'N j, Y')}"

    def _name(self, item):
        return item.author.public_name if item.author_id else (item.guest_name or "A reader")

    def item_author_name(self, item):
        return self._name(item)

    def item_description(self, item):
        # A reader's spoiler stays hidden in feed readers too (they cannot collapse it).
        return without_details(item.body_html, SPOILER_NOTE)

    def item_link(self, item):
        return self.request.build_absolute_uri(f"/comments/{item.pk}/")

    def item_guid(self, item):
        return self.item_link(item)

    def item_pubdate(self, item):
        return item.created_at


class ReviewCommentsAtom(ReviewCommentsFeed):
    feed_type = Atom1Feed
    subtitle = ReviewCommentsFeed.description
