"""A class's hours split names learning categories (keys of the pack's `hours.categories`), not
rows of the portal-code table, which goes (issue 11: counting never depends on a portal code).

Each split row keeps its meaning: a code a pack gives to a category becomes that category; the
demo's placeholder codes (L01–L06) become the categories they stood for; any other code becomes a
category key of its own (`code_<code>`), so nothing is lost and the class page names it.
"""

from __future__ import annotations

from django.db import migrations, models

# The demo catalog's placeholders before learning categories were pack data.
PLACEHOLDERS = {
    "L01": "major_policy",
    "L02": "environmental_education",
    "L03": "gender_mainstreaming",
    "L04": "democratic_governance",
    "L05": "business",
    "L06": "leadership",
}


def code_to_category(apps):
    PolicyPack = apps.get_model("policy", "PolicyPack")
    mapping = dict(PLACEHOLDERS)
    for data in PolicyPack.objects.values_list("data", flat=True):
        for key, category in ((data or {}).get("hours") or {}).get("categories", {}).items():
            if category.get("portal_code"):
                mapping.setdefault(category["portal_code"], key)
    return mapping


def forwards(apps, schema_editor):
    ClassCategoryHours = apps.get_model("catalog", "ClassCategoryHours")
    mapping = code_to_category(apps)
    for row in ClassCategoryHours.objects.select_related("category"):
        code = row.category.code
        row.category_key = mapping.get(code) or f"code_{code.lower()}"[:40]
        row.save(update_fields=["category_key"])


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_class_pending_count"), ("policy", "0002_learning_categories")]

    operations = [
        migrations.AddField(
            model_name="classcategoryhours",
            name="category_key",
            field=models.CharField(default="", max_length=40, verbose_name="學習類別"),
            preserve_default=False,
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="classcategoryhours", name="catalog_class_category_unique"),
        migrations.RemoveField(model_name="classcategoryhours", name="category"),
        migrations.RenameField(model_name="classcategoryhours", old_name="category_key", new_name="category"),
        migrations.AddConstraint(
            model_name="classcategoryhours",
            constraint=models.UniqueConstraint(fields=("course_class", "category"), name="catalog_class_category_unique"),
        ),
        migrations.DeleteModel(name="PortalCategory"),
    ]
