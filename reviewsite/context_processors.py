from django.conf import settings


def site(request):
    return {
        "site_name": settings.MARQUEE_SITE_NAME,
        # How long `{% cache %}` keeps the fragments of pages (keyed by versions, so never stale).
        "fragment_seconds": settings.MARQUEE_PAGE_CACHE_SECONDS,
    }
