"""The Editors group: exactly what moderation needs, nothing else.

Editors moderate comments, handle readers' reports, manage bans and the word list, read the
audit trail and look at reviews. They cannot edit reviews, users or groups.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Editors"
PERMISSIONS = {
    "comments": {
        "comment": ["view", "change"],
        "report": ["view", "change"],
        "ban": ["view", "add", "change", "delete"],
        "wordlistentry": ["view", "add", "change", "delete"],
        "moderationaction": ["view"],
        "commentrevision": ["view"],
    },
    "reviews": {"review": ["view"]},
}


def create_editors_group(apps, schema_editor):
    # On a fresh database permissions only exist after post_migrate; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    wanted = []
    for app_label, models in PERMISSIONS.items():
        for model, actions in models.items():
            for action in actions:
                wanted.append(
                    Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
                )
    group.permissions.set(wanted)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reviews", "0001_initial"),
        ("comments", "0002_moderation"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
