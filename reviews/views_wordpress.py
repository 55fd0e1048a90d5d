"""Old WordPress links to imported reviews answer 301 to the review (see comments/wordpress.py).

`/2010/09/28/never-let-me-go/` (date permalinks, also with `comment-page-2/` after them) and
`/?p=123` (WordPress's plain links). The
post's own path was recorded at import, so any date-based permalink structure matches exactly;
the slug is the fallback for a path that differs only in its date. Drafts and scheduled
reviews are not public, so their old links are 404s.
"""

from functools import wraps

from django.http import Http404, HttpResponsePermanentRedirect

from .models import Review

MAX_POST_ID = 2**63 - 1


def _redirect_to(review):
    return HttpResponsePermanentRedirect(review.get_absolute_url())


def post_permalink(request, slug, **date_parts):
    imported = Review.objects.published().filter(wordpress_id__isnull=False)
    # The recorded path (less a "comment-page-2/" WordPress adds when it pages comments).
    path = (
        request.path[: request.path.rfind("comment-page-")]
        if "/comment-page-" in request.path
        else request.path
    )
    review = imported.filter(wordpress_path=path).first() or imported.filter(slug=slug).first()
    if review is None:
        raise Http404("No review was imported from this old address.")
    return _redirect_to(review)


def redirect_post_query(view):
    """Wrap the home page's view: `/?p=123` goes to the review imported from post 123; any other
    request (an unknown or malformed id included) is the home page as usual."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        post_id = request.GET.get("p", "")
        if post_id.isascii() and post_id.isdigit() and int(post_id) <= MAX_POST_ID:
            review = Review.objects.published().filter(wordpress_id=int(post_id)).only("slug").first()
            if review is not None:
                return _redirect_to(review)
        return view(request, *args, **kwargs)

    return wrapper
