"""The demo year: the compliance dashboard shows people who meet the rule, people on the way and
people with nothing yet — every demo hour counted in its category."""

from __future__ import annotations

import pytest

from peili.demo.loader import demo_load
from peili.demo.records import KEY_PREFIX, records_demo_load
from peili.records.models import LearningRecord, RecordHours, YearStanding

pytestmark = pytest.mark.django_db


def test_the_demo_year_has_people_meeting_the_rule_and_people_short_of_it():
    demo_load(actor=None)
    year = LearningRecord.objects.filter(external_key__startswith=KEY_PREFIX).first().year
    standings = YearStanding.objects.filter(year=year, person__agency__jurisdiction__code="hsinchu-city")
    assert standings.filter(meets=True).count() >= 10
    assert standings.filter(meets=False).count() >= 10
    # every part of a demo record names a category of the pack: nothing is left uncounted
    parts = RecordHours.objects.filter(record__external_key__startswith=KEY_PREFIX)
    assert parts.exists()
    assert not parts.filter(category="").exists()
    assert not LearningRecord.objects.filter(external_key__startswith=KEY_PREFIX, person__user__username="learner")
    assert records_demo_load(actor=None) == 0  # once only
