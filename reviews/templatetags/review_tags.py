"""Small pieces of the review pages: star ratings, responsive images, structured data."""

from decimal import Decimal

from django import template
from django.conf import settings
from django.core.cache import caches
from django.utils.html import format_html

from reviews import structured_data

register = template.Library()


@register.simple_tag
def stars(value, size=""):
    """★★★½☆ followed by the score as text ("3.5/5", which everyone can read, in the same gold),
    and "3.5 out of 5 stars" for screen readers, which skip the glyphs; nothing when unrated."""
    if value is None:
        return ""
    halves = int(value * 2)
    full, half = divmod(halves, 2)
    empty = 5 - full - half
    glyphs = "★" * full + ("½" if half else "") + "☆" * empty
    score = format(Decimal(value).normalize(), "f")  # "4.5", "4" (not "4.0")
    return format_html(
        '<span class="stars {}"><span class="stars-glyphs" aria-hidden="true">{}</span> '
        '<span class="stars-score" aria-hidden="true">{}/5</span>'
        '<span class="visually-hidden">{} out of 5 stars</span></span>',
        size,
        glyphs,
        score,
        score,
    )


@register.simple_tag
def picture(field_file, alt, sizes="(min-width: 768px) 240px, 40vw", css_class="", width=320, eager=False):
    """An <img> with srcset, width/height and lazy loading for a ProcessedImageField's file."""
    if not field_file:
        return ""
    src, src_width, src_height = field_file.rendition(width)
    return format_html(
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" class="{}" '
        'loading="{}" decoding="async">',
        src,
        field_file.srcset,
        sizes,
        src_width or "",
        src_height or "",
        alt,
        css_class,
        "eager" if eager else "lazy",
    )


@register.simple_tag(takes_context=True)
def review_json_ld(context, review):
    """The review's schema.org JSON-LD. Its film box's credits and genres cost two queries, so the
    data is cached by the review's version; the comment count, which moves with the thread, is
    put in per request."""
    request = context["request"]
    key = f"review-json-ld:{review.pk}:{review.updated_at.timestamp()}:{request.scheme}:{request.get_host()}"
    data = caches["html"].get_or_set(
        key, lambda: structured_data.review_json_ld(request, review), settings.MARQUEE_PAGE_CACHE_SECONDS
    )
    return structured_data.json_ld({**data, "commentCount": review.approved_comment_count})
