"""Leave in minutes (issue 11): the roster's leave was tenths of an hour, so 140 minutes — exactly a
third of a 7-hour class — could not be entered. Leave becomes whole minutes (tenths × 6, exactly), and
a completion's tally — hours to two decimals, rounded from whole minutes when it was written — becomes
the whole minutes it was rounded from (hours × 60, to the nearest minute: a rounding of at most 0.005
hours, 0.3 minutes, is undone exactly).

Going back writes tenths of an hour and hours to two decimals again (the nearest ones)."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations, models

BATCH = 2000
TALLY = (("attended_hours", "attended_minutes"), ("leave_hours", "leave_minutes"), ("unexcused_hours", "unexcused_minutes"))


def _minutes(hours):
    return int((Decimal(hours) * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _rewrite(model, rows, fields):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            model.objects.bulk_update(batch, fields)
            batch = []
    if batch:
        model.objects.bulk_update(batch, fields)


def to_minutes(apps, schema_editor):
    attendance = apps.get_model("attendance", "Attendance")
    rows = attendance.objects.filter(leave_hours__gt=0).only("pk", "leave_hours").order_by("pk").iterator()

    def leave():
        for row in rows:
            # Tenths of an hour are 6 minutes each: Decimal("2.3") × 60 is exactly 138.
            row.leave_minutes = int(Decimal(row.leave_hours) * 60)
            yield row

    _rewrite(attendance, leave(), ["leave_minutes"])
    completion = apps.get_model("attendance", "Completion")

    def tallies():
        for row in completion.objects.order_by("pk").iterator():
            for hours, minutes in TALLY:
                setattr(row, minutes, _minutes(getattr(row, hours)))
            yield row

    _rewrite(completion, tallies(), [minutes for _hours, minutes in TALLY])


def to_hours(apps, schema_editor):
    attendance = apps.get_model("attendance", "Attendance")

    def leave():
        for row in attendance.objects.filter(leave_minutes__gt=0).order_by("pk").iterator():
            row.leave_hours = (Decimal(row.leave_minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            yield row

    _rewrite(attendance, leave(), ["leave_hours"])
    completion = apps.get_model("attendance", "Completion")

    def tallies():
        for row in completion.objects.order_by("pk").iterator():
            for hours, minutes in TALLY:
                value = (Decimal(getattr(row, minutes)) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                setattr(row, hours, value)
            yield row

    _rewrite(completion, tallies(), [hours for hours, _minutes in TALLY])


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0002_alter_completion_rule_reason"),
    ]

    operations = [
        migrations.AddField(
            model_name="attendance",
            name="leave_minutes",
            field=models.PositiveIntegerField(default=0, verbose_name="請假（分鐘）"),
        ),
        migrations.AddField(
            model_name="completion",
            name="attended_minutes",
            field=models.PositiveIntegerField(default=0, verbose_name="出席（分鐘）"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="completion",
            name="leave_minutes",
            field=models.PositiveIntegerField(default=0, verbose_name="請假（分鐘）"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="completion",
            name="unexcused_minutes",
            field=models.PositiveIntegerField(default=0, verbose_name="未請假缺課（分鐘）"),
            preserve_default=False,
        ),
        # Defaults for the fields about to go, so that going back can add them to existing rows.
        *(
            migrations.AlterField(
                model_name="completion",
                name=hours,
                field=models.DecimalField(decimal_places=2, default=Decimal(0), max_digits=6, verbose_name=label),
            )
            for hours, label in (
                ("attended_hours", "出席時數"),
                ("leave_hours", "請假時數"),
                ("unexcused_hours", "未請假缺課時數"),
            )
        ),
        migrations.RunPython(to_minutes, to_hours),
        migrations.RemoveConstraint(
            model_name="attendance",
            name="attendance_leave_not_negative",
        ),
        migrations.RemoveField(
            model_name="attendance",
            name="leave_hours",
        ),
        migrations.RemoveField(
            model_name="completion",
            name="attended_hours",
        ),
        migrations.RemoveField(
            model_name="completion",
            name="leave_hours",
        ),
        migrations.RemoveField(
            model_name="completion",
            name="unexcused_hours",
        ),
    ]
