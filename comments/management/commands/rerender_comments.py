"""Re-render every comment's `body_html` from its source text (after a change to the markup).

A change to the comment template or the time zone needs nothing: the HTML cache's version is
a digest of both (reviewsite/settings.py)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from comments.models import Comment
from reviews.models import Review


class Command(BaseCommand):
    help = "Re-render body_html of all comments (or those of --review ID); refresh the threads."

    def add_arguments(self, parser):
        parser.add_argument("--review", type=int, help="Only this review's comments.")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, review=None, batch_size=500, **options):
        comments = Comment.objects.order_by("pk")
        if review:
            comments = comments.filter(review_id=review)
        changed = 0
        touched_reviews = set()
        last_pk = 0
        while True:
            batch = list(comments.filter(pk__gt=last_pk)[:batch_size])
            if not batch:
                break
            with transaction.atomic():
                for comment in batch:
                    before = comment.body_html
                    comment.render_body()
                    if comment._quoted:
                        comment.quoted_comments.set(comment._quoted)
                    if comment.body_html != before:
                        Comment.objects.filter(pk=comment.pk).update(
                            body_html=comment.body_html, updated_at=timezone.now()
                        )
                        changed += 1
                        touched_reviews.add(comment.review_id)
            last_pk = batch[-1].pk
        with transaction.atomic():
            for review_id in touched_reviews:
                Review(pk=review_id).bump_thread()
        self.stdout.write(f"Re-rendered {changed} comment(s) on {len(touched_reviews)} review(s).")
