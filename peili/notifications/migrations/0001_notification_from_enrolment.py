# The Notification model moves here from enrolment (issue 12). Its table (enrolment_notification),
# index and constraint keep their names: only Django's state moves, no row is copied or lost.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import peili.notifications.kinds


def content_type_follows(apps, schema_editor):
    """Move the model's content type (and so its permissions) to this app rather than leave a
    stale one behind; a fresh database has none yet."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="notifications", model="notification").exists():
        ContentType.objects.filter(app_label="enrolment", model="notification").update(app_label="notifications")


def content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="enrolment", model="notification").exists():
        ContentType.objects.filter(app_label="notifications", model="notification").update(app_label="enrolment")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("enrolment", "0005_substitute_source"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=peili.notifications.kinds.choices, max_length=20, verbose_name="類型")),
                        ("title", models.CharField(max_length=200, verbose_name="標題")),
                        ("body", models.TextField(blank=True, verbose_name="內容")),
                        ("url", models.CharField(blank=True, max_length=300, verbose_name="連結")),
                        ("key", models.CharField(blank=True, max_length=100, verbose_name="去重鍵")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="建立時間")),
                        ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="已讀時間")),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="收件者",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "通知",
                        "verbose_name_plural": "通知",
                        "db_table": "enrolment_notification",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [models.Index(fields=["user", "-created_at"], name="enrolment_notice_user")],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("key", ""), _negated=True),
                                fields=("user", "key"),
                                name="enrolment_notice_unique_key",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_follows, content_type_back, elidable=True),
    ]
