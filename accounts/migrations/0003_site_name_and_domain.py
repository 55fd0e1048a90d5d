"""Name the site: allauth's e-mails say "Hello from <site name>" and link to its domain.

The domain comes from DJANGO_SITE_URL (MARQUEE_SITE_URL) at migrate time; editors can change
both in the admin (Sites).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations


def name_site(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    domain = urlsplit(getattr(settings, "MARQUEE_SITE_URL", "")).netloc or "127.0.0.1:8000"
    Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.MARQUEE_SITE_NAME}
    )


def unname_site(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    Site.objects.filter(pk=settings.SITE_ID).update(domain="example.com", name="example.com")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_profile_and_preferences"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(name_site, unname_site)]
