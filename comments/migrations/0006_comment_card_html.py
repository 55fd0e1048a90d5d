"""Comment.card_html: the thread's HTML of each comment's own row (comments/cards.py), filled
for the comments that exist. Later changes to the card's format re-render with the
`rerender_comments` command."""

from django.db import migrations, models
from django.utils import timezone

from comments import cards

BATCH = 500


def fill_cards(apps, schema_editor):
    """Render the card of every comment that has none (all of them, when the field is new)."""
    Comment = apps.get_model("comments", "Comment")
    alias = schema_editor.connection.alias
    empty = Comment.objects.using(alias).filter(card_html="").only("pk", *cards.FIELDS).order_by("pk")
    report_url = cards.url_template("comments:comment-report")
    tz = timezone.get_default_timezone()
    last_pk = 0
    while batch := list(empty.filter(pk__gt=last_pk)[:BATCH]):
        for comment in batch:
            comment.card_html = cards.card_html(comment, report_url=report_url, tz=tz)
        Comment.objects.using(alias).bulk_update(batch, ["card_html"])
        last_pk = batch[-1].pk


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
        # Backwards the column goes, cards and all.
        migrations.RunPython(fill_cards, migrations.RunPython.noop),
    ]
