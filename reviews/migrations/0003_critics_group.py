"""The Critics group: write and edit reviews (their own only: see ReviewAdmin), look up films and people.

Which reviews a critic sees is decided in the admin from `Critic.account`, not by a permission:
the group holds what every critic may do, `reviews.edit_all_reviews` lifts the "own reviews" rule.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Critics"
PERMISSIONS = {
    "reviews": {
        "review": ["view", "add", "change"],
        "film": ["view"],
        "person": ["view"],
        "genre": ["view"],
    },
}


def create_critics_group(apps, schema_editor):
    # On a fresh database permissions only exist after post_migrate; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    wanted = [
        Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
        for app_label, models in PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    ]
    group.permissions.set(wanted)


def remove_critics_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reviews", "0002_images_public_text_half_stars"),
    ]

    operations = [migrations.RunPython(create_critics_group, remove_critics_group)]
