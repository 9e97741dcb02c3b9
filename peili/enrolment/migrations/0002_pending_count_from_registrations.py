"""Fill the new pending_count counter from the registrations awaiting consent."""

from django.db import migrations
from django.db.models import Count


def fill(apps, schema_editor):
    CourseClass = apps.get_model("catalog", "CourseClass")
    Registration = apps.get_model("enrolment", "Registration")
    counts = (
        Registration.objects.filter(status="pending_consent")
        .values("course_class_id")
        .annotate(n=Count("id"))
    )
    for row in counts:
        CourseClass.objects.filter(pk=row["course_class_id"]).update(pending_count=row["n"])


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_class_pending_count"),
        ("enrolment", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
