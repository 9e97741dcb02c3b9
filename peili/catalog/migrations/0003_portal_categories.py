"""The national portal's information-security category codes named in the seeds (522, 523).

The full published list should be loaded as data; these two are known for certain and let a fresh
installation split hours and publish a class at once.
"""

from django.db import migrations

KNOWN = [("522", "資安通識"), ("523", "資安專職")]


def load(apps, schema_editor):
    PortalCategory = apps.get_model("catalog", "PortalCategory")
    for code, name in KNOWN:
        PortalCategory.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_catalog_indexes")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
