from django.db import migrations, models


def path_byte_order(apps, schema_editor):
    """On PostgreSQL, sort `path` byte-wise (COLLATE "C"), as SQLite's BINARY collation does.

    Locale collations ignore punctuation and are slower for prefix and range scans; a
    materialised path wants plain byte order. ALTER COLUMN ... TYPE rebuilds the indexes on it.
    """
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE comments_comment ALTER COLUMN path TYPE varchar(255) COLLATE "C"')


def path_default_order(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'ALTER TABLE comments_comment ALTER COLUMN path TYPE varchar(255) COLLATE "default"'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0003_editors_group"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="quoted_comments",
            field=models.ManyToManyField(
                blank=True, editable=False, related_name="quoted_by", to="comments.comment"
            ),
        ),
        migrations.RunPython(path_byte_order, path_default_order, elidable=False),
    ]
