"""Comment.card_html: once the thread's HTML of each comment's own row, stored on save.

Removed by 0008 (a comment's HTML now comes from templates/comments/_comment.html, cached). The
backfill that ran here imported comments/cards.py, which is gone; a database that still has to
run this migration gets the column empty and loses it at 0007, so nothing is lost by skipping it.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0005_flood_check_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="card_html",
            field=models.TextField(blank=True, default="", editable=False),
        ),
    ]
