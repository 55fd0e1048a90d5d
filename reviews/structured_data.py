"""schema.org JSON-LD for review pages (`{% review_json_ld review %}` in reviews/templatetags)."""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data):
    """A JSON-LD document safe to put inside <script type="application/ld+json">."""
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES))  # noqa: S308


def image_url(request, field_file, width=640):
    if not field_file:
        return None
    url, _, _ = field_file.rendition(width)
    return request.build_absolute_uri(url)


def movie_json_ld(request, film):
    movie = {
        "@type": "Movie",
        "name": film.title,
        "url": request.build_absolute_uri(film.get_absolute_url()),
        "genre": [genre.name for genre in film.box.genres],
        "director": [
            {
                "@type": "Person",
                "name": c.person.name,
                "url": request.build_absolute_uri(c.person.get_absolute_url()),
            }
            for c in film.box.directors
        ],
        "actor": [
            {
                "@type": "Person",
                "name": c.person.name,
                "url": request.build_absolute_uri(c.person.get_absolute_url()),
            }
            for c in film.box.cast
        ],
    }
    if film.poster:
        movie["image"] = image_url(request, film.poster)
    if film.release_date:
        movie["dateCreated"] = film.release_date.isoformat()
    if film.runtime_minutes:
        movie["duration"] = f"PT{film.runtime_minutes // 60}H{film.runtime_minutes % 60}M"
    if film.mpaa_label:
        movie["contentRating"] = film.mpaa_label
    return movie


def review_json_ld(request, review):
    url = request.build_absolute_uri(review.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "Review",
        "url": url,
        "name": review.headline,
        "headline": review.headline,
        "itemReviewed": movie_json_ld(request, review.film),
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
