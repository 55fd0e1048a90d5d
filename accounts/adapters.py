from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError

from reviewsite.siteurl import site_url

from . import names
from .models import display_name_taken


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """allauth's e-mails name the site and the address the reader used, not the Sites row
        written at migrate time (which says 127.0.0.1:8000 on a fresh database)."""
        base = site_url()
        domain = urlsplit(base).netloc
        context = {
            "site_name": settings.MARQUEE_SITE_NAME,
            "site_url": base,
            "site_domain": domain,
            **context,
            # allauth's own templates say {{ current_site.name }} and {{ current_site.domain }}.
            "current_site": SimpleNamespace(name=settings.MARQUEE_SITE_NAME, domain=domain),
        }
        return super().send_mail(template_prefix, email, context)

    def clean_username(self, username, shallow=False):
        """allauth's checks, and the one rule for names: a username may not look like someone's name."""
        username = super().clean_username(username, shallow=shallow)
        if not shallow and display_name_taken(username):
            raise ValidationError(
                "That username looks like the name of one of our members or critics. Please choose another.",
                code="reserved",
            )
        return username


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        """Take the provider's name as the display name, unless someone already has it."""
        user = super().populate_user(request, sociallogin, data)
        name = names.clean(data.get("name"))[: user._meta.get_field("display_name").max_length]
        if name and not names.markup_problem(name) and not display_name_taken(name):
            user.display_name = name
        return user
