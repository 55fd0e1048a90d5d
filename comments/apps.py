from django.apps import AppConfig


class CommentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "comments"

    def ready(self):
        from accounts import privacy

        from . import privacy as comment_privacy

        privacy.register_exporter("comments", comment_privacy.export_comments)
        privacy.register_eraser(comment_privacy.erase_comments)
