from django.apps import AppConfig


class CommentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "comments"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from accounts import privacy
        from accounts.models import register_reserved_name
        from reviewsite import pagecache

        from . import (
            forms,
            moderation,
            signals,  # noqa: F401 - connects the thread-invalidation receivers
        )
        from . import privacy as comment_privacy
        from .models import Ban, WordListEntry

        privacy.register_exporter("comments", comment_privacy.export_comments)
        privacy.register_exporter("reports", comment_privacy.export_reports)
        privacy.register_eraser(comment_privacy.erase_comments)
        # A critic's name is theirs on comments: no other account may take it as a display name.
        register_reserved_name(comment_privacy.critic_name_taken)
        pagecache.register_fresh_value(forms.SECURITY_VALUE, forms.fresh_security_token)
        # Every post screens against the word lists, which are cached: a change forgets them.
        post_save.connect(moderation.forget_word_lists, sender=WordListEntry)
        post_delete.connect(moderation.forget_word_lists, sender=WordListEntry)
        post_save.connect(moderation.forget_bans, sender=Ban)
        post_delete.connect(moderation.forget_bans, sender=Ban)
