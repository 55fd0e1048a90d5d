from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.core.exceptions import ValidationError

from . import names
from .models import display_name_taken


class AccountAdapter(DefaultAccountAdapter):
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
