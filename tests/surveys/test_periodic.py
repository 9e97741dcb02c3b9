"""`peili periodic` runs every scheduled task once — here, opening a survey of a class that has
ended, as Celery beat would."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from peili.surveys import services
from peili.surveys.models import Survey

pytestmark = pytest.mark.django_db


def test_periodic_runs_each_scheduled_task_once(ended_class, template, attendees, body, organizer_user):
    services.template_default_set(organizer=body, track="", template=template, actor=organizer_user)
    out = StringIO()

    call_command("periodic", stdout=out)

    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == list(settings.CELERY_BEAT_SCHEDULE)
    assert "surveys-open: 3" in lines
    survey = Survey.objects.get(course_class=ended_class)
    assert survey.invited_count == 3
    # Again: nothing new to open or send.
    out = StringIO()
    call_command("periodic", stdout=out)
    assert "surveys-open: 0" in out.getvalue().splitlines()
