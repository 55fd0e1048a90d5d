from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from .models import display_name_taken


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        """Take the provider's name as the display name, unless someone already has it."""
        user = super().populate_user(request, sociallogin, data)
        name = (data.get("name") or "").strip()[: user._meta.get_field("display_name").max_length]
        if name and not display_name_taken(name):
            user.display_name = name
        return user
