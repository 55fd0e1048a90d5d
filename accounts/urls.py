from django.urls import path

from . import views

app_name = "accounts"

# "settings" is in ACCOUNT_USERNAME_BLACKLIST, so it can never be someone's profile.
urlpatterns = [
    path("settings/", views.settings, name="settings"),
    path("settings/data/", views.export, name="export"),
    path("settings/delete/", views.delete, name="delete"),
    path("<str:username>/", views.profile, name="profile"),
]
