"""`{% load comment_forms %}`: what the comment form shows beside itself.

The comment section is rendered without a request (it is cached for every anonymous reader)
and within a small query budget, so the sign-in buttons beside the form come from settings
(`DJANGO_OIDC_*`), not from allauth's `{% get_providers %}`, which needs a request and reads
the database. Providers added in the admin (Social applications) are on the sign-in page the
"Sign in to comment" link opens.
"""

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag
def signin_providers(next_url):
    """[(name, url)] for each sign-in provider configured in settings, coming back to `next_url`."""
    query = urlencode({"process": "login", "next": next_url})
    providers = []
    for provider, config in getattr(settings, "SOCIALACCOUNT_PROVIDERS", {}).items():
        for app in config.get("APPS", []):
            try:
                if provider == "openid_connect":
                    url = reverse("openid_connect_login", kwargs={"provider_id": app["provider_id"]})
                else:
                    url = reverse(f"{provider}_login")
            except (NoReverseMatch, KeyError):
                continue
            providers.append((app.get("name") or provider, f"{url}?{query}"))
    return providers
