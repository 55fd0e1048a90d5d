from django.conf import settings


def permissions_policy(get_response):
    """Add `settings.PERMISSIONS_POLICY` as the Permissions-Policy header (Django has no setting)."""

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware
