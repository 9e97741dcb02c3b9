"""Late, early and leave are minutes (issue 11, item 6): the absence rule's boundary is reachable end
to end — 140 minutes of leave in a 7-hour (420-minute) class is exactly a third: kept under Hsinchu's
「逾三分之一」 (strict), forfeited under Chiayi's 「三分之一以上」 (inclusive) — typed on the roster
page, decided on the closing page, written into the completion and the hours ledger."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from peili.attendance.models import Attendance, Completion
from peili.catalog.models import ClassCategoryHours
from peili.policy.models import Jurisdiction
from peili.records.models import LearningRecord
from tests.attendance.conftest import confirm
from tests.attendance.html_forms import form_post
from tests.enrolment.conftest import make_class
from tests.factories import AgencyFactory, PersonFactory, UserFactory, grant


def _organizer_of(jurisdiction_code, tree):
    """A training body of the jurisdiction and an organizer of it."""
    if jurisdiction_code == "hsinchu-city":
        agency = tree["a1"]
    else:
        agency = AgencyFactory(
            code="376600000A", name="嘉義縣政府", jurisdiction=Jurisdiction.objects.get(code=jurisdiction_code)
        )
    agency.is_training_body = True
    agency.save(update_fields=["is_training_body"])
    user = UserFactory(username=f"organizer-{jurisdiction_code}")
    grant(user, "organizer", agency)
    return agency, user


@pytest.mark.parametrize(
    ("jurisdiction_code", "completes", "reason"),
    [("hsinchu-city", True, ""), ("chiayi-county", False, "absence.over_threshold")],
)
def test_140_minutes_of_leave_in_a_7_hour_class_through_the_pages(
    client, packs, tree, jurisdiction_code, completes, reason
):
    agency, organizer = _organizer_of(jurisdiction_code, tree)
    course_class = make_class(
        agency,
        title="七小時班期",
        start=timezone.localdate() - timedelta(days=1),
        sessions=((9, 12), (13, 17)),
        certified_hours=Decimal(7),
        classroom_hours=Decimal(7),
    )
    ClassCategoryHours.objects.create(course_class=course_class, category="environmental_education", hours=7)
    registration = confirm(course_class, PersonFactory(agency=agency, name="請假者"))
    morning, afternoon = course_class.sessions.order_by("starts_at")
    pk = registration.pk
    client.force_login(organizer)

    # The roster takes minutes: present in the morning; in the afternoon present, 140 minutes on leave.
    for session, leave in ((morning, "0"), (afternoon, "140")):
        url = reverse("attendance:roster", args=[session.pk])
        page = client.get(url).content.decode()
        assert "請假（分）" in page
        data = form_post(page, "roster-form", **{f"in_{pk}": "on", f"leave_{pk}": leave})
        assert client.post(url, data).status_code == 302
    assert Attendance.objects.get(session=afternoon).leave_minutes == 140

    # The closing page shows the rule's verdict and the hours as people read them.
    url = reverse("attendance:close", args=[course_class.pk])
    page = client.get(url).content.decode()
    assert "4 小時 40 分／2 小時 20 分／0" in page
    assert ("未完訓：缺課超過規定比例" in page) is not completes
    response = client.post(url, form_post(page, "close-form", button="確認結訓並登錄時數"))
    assert response.status_code == 302

    completion = Completion.objects.get(registration=registration)
    assert (completion.attended_minutes, completion.leave_minutes, completion.unexcused_minutes) == (280, 140, 0)
    assert (completion.rule_completes, completion.rule_reason, completion.completes) == (completes, reason, completes)
    assert LearningRecord.objects.filter(person=registration.person, course_class=course_class).exists() is completes
    detail = client.get(reverse("attendance:class", args=[course_class.pk])).content.decode()
    assert "4 小時 40 分／2 小時 20 分／0" in detail


def test_the_roster_page_refuses_leave_beyond_the_session_in_minutes(client, ended, learners, organizer_user):
    session = ended.sessions.order_by("starts_at").first()  # 3 hours: 180 minutes
    client.force_login(organizer_user)
    url = reverse("attendance:roster", args=[session.pk])
    page = client.get(url).content.decode()
    pk = learners[0].pk
    refused = client.post(url, form_post(page, "roster-form", **{f"leave_{pk}": "181"}))
    assert refused.status_code == 200
    assert "180" in refused.content.decode()
    assert not Attendance.objects.exists()
    assert client.post(url, form_post(page, "roster-form", **{f"leave_{pk}": "180"})).status_code == 302
    assert Attendance.objects.get(registration_id=pk).leave_minutes == 180
