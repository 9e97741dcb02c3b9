"""A record's hours are counted by learning category (issue 11).

`RecordHours.category` is new: the learning category (a key of the pack's `hours.categories`);
`code` stays as the portal's category code a record was imported with. Rows that carried the demo
catalog's placeholder codes (L01–L06, never portal codes) get the categories those stood for and
lose the placeholder; every other row keeps its code, which the pack's category list resolves
when hours are counted. Nothing is dropped. The standings are then recomputed, so the compliance
figures count the hours they always should have.
"""

from __future__ import annotations

from django.db import migrations, models

PLACEHOLDERS = {
    "L01": "major_policy",
    "L02": "environmental_education",
    "L03": "gender_mainstreaming",
    "L04": "democratic_governance",
    "L05": "business",
    "L06": "leadership",
}


def forwards(apps, schema_editor):
    RecordHours = apps.get_model("records", "RecordHours")
    for code, key in PLACEHOLDERS.items():
        RecordHours.objects.filter(code=code).update(category=key, code="")


def recompute(apps, schema_editor):
    """Standings follow the new counting. Uses the services of this release on purpose: on a new
    database there are no records and nothing runs; on an existing one the code matches."""
    LearningRecord = apps.get_model("records", "LearningRecord")
    years = sorted(set(LearningRecord.objects.values_list("year", flat=True).distinct()))
    if not years:
        return
    from peili.core.errors import PeiliError  # the release's own code (see above)
    from peili.records.services import standings_recompute

    for year in years:
        try:
            standings_recompute(year=year)
        except PeiliError:  # a year no pack reaches: left for `peili compliance --recompute`
            continue


class Migration(migrations.Migration):
    dependencies = [("records", "0003_partial_fk_indexes"), ("catalog", "0005_learning_categories")]

    operations = [
        migrations.AddField(
            model_name="recordhours",
            name="category",
            field=models.CharField(blank=True, default="", max_length=40, verbose_name="學習類別"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="recordhours",
            name="code",
            field=models.CharField(blank=True, max_length=10, verbose_name="課程類別代碼"),
        ),
        migrations.RemoveConstraint(model_name="recordhours", name="records_hours_one_row_per_code"),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="recordhours",
            constraint=models.UniqueConstraint(
                fields=("record", "category", "code"), name="records_hours_one_row_per_category"
            ),
        ),
        migrations.AddConstraint(
            model_name="recordhours",
            constraint=models.CheckConstraint(
                condition=models.Q(("category", ""), ("code", ""), _negated=True), name="records_hours_category_or_code"
            ),
        ),
        migrations.RunPython(recompute, migrations.RunPython.noop),
    ]
