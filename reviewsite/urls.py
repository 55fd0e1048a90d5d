from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from . import views

# The admin in the site's name (the editors' home), not "Django administration".
admin.site.site_header = settings.MARQUEE_SITE_NAME
admin.site.site_title = f"{settings.MARQUEE_SITE_NAME} admin"
admin.site.index_title = "Administration"

handler400 = "reviewsite.views.bad_request"
handler403 = "reviewsite.views.permission_denied"
handler404 = "reviewsite.views.page_not_found"
handler500 = "reviewsite.views.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("comments/", include("comments.urls")),
    path("members/", include("accounts.urls")),
    path("", include("reviews.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", views.media, name="media"),
    ]
