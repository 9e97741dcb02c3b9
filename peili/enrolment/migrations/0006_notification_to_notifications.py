# Notification moved to the notifications app (issue 12), which took over its table in its own
# 0001: enrolment forgets the model in Django's state only; the table and its rows stay.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("enrolment", "0005_substitute_source"),
        ("notifications", "0001_notification_from_enrolment"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
