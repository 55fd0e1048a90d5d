from django.urls import path, register_converter

from . import views

app_name = "accounts"


class UsernameConverter:
    """What Django's username validator allows, at most 150 characters. Anything else (a NUL,
    which PostgreSQL refuses in a query with a 500, or 5,000 characters) is no one's profile: 404."""

    regex = r"[\w.@+-]{1,150}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UsernameConverter, "username")

# "settings" is in ACCOUNT_USERNAME_BLACKLIST, so it can never be someone's profile.
urlpatterns = [
    path("settings/", views.settings, name="settings"),
    path("settings/data/", views.export, name="export"),
    path("settings/delete/", views.delete, name="delete"),
    path("<username:username>/", views.profile, name="profile"),
]
