from django.urls import path

from . import views, views_moderation

app_name = "comments"

# Posting, replies and permalinks (comments, part 1).
urlpatterns = [
    path("review/<int:review_id>/post/", views.post_comment, name="comment-post"),
    path("review/<int:review_id>/token/", views.form_token, name="form-token"),
    path("<int:pk>/", views.permalink, name="comment-permalink"),
    path("<int:pk>/reply/", views.reply, name="comment-reply"),
    # An old WordPress comment anchor (#comment-123), followed by static/js/wordpress_anchors.js.
    path("wordpress/<int:wordpress_id>/", views.wordpress_comment, name="comment-wordpress"),
]

# Moderation: reports, the author's own comment, guests' signed links, unsubscribing.
urlpatterns += [
    path("<int:pk>/report/", views_moderation.report_comment, name="comment-report"),
    path("<int:pk>/edit/", views_moderation.edit_comment, name="comment-edit"),
    path("<int:pk>/delete/", views_moderation.delete_comment, name="comment-delete"),
    path("<int:pk>/manage/<str:token>/", views_moderation.guest_manage, name="guest-manage"),
    path("<int:pk>/manage/<str:token>/edit/", views_moderation.guest_edit, name="guest-edit"),
    path("<int:pk>/manage/<str:token>/delete/", views_moderation.guest_delete, name="guest-delete"),
    path("confirm/<str:token>/", views_moderation.guest_confirm, name="guest-confirm"),
    path("unsubscribe/<str:token>/", views_moderation.unsubscribe, name="unsubscribe"),
]
