"""The results API: exact figures for a class, a course, an instructor and a body; refusals."""

from __future__ import annotations

from django.utils import timezone

from peili.surveys.models import Answer, Tally
from tests.factories import AgencyFactory, UserFactory, grant
from tests.surveys.test_results import _instructor, varied
from tests.surveys.test_results import two_versions as two_versions  # noqa: PLC0414  (a fixture)

BASE = "/api/v1/surveys/results"


def test_class_results(client, survey, attendees, organizer_user):
    varied(survey, attendees)
    client.force_login(organizer_user)
    reply = client.get(f"{BASE}/classes/{survey.course_class.pk}")
    assert reply.status_code == 200, reply.content
    body = reply.json()
    assert (body["invited"], body["responded"], body["response_rate"]) == (3, 3, "100.00")
    assert (body["index"], body["index_answers"], body["anonymous"]) == ("80.00", 18, True)
    assert body["points"] == [{"points": [20, 40, 60, 80, 100], "years": [timezone.localdate().year]}]
    questions = {q["text"]: q for q in body["questions"]}
    timing = questions["課程時間安排適當"]
    assert (timing["count"], timing["mean"], timing["index"]) == (3, "3.67", "73.33")
    assert [(b["value"], b["count"], b["percent"]) for b in timing["distribution"]] == [
        (1, 0, "0.00"),
        (2, 1, "33.33"),
        (3, 0, "0.00"),
        (4, 1, "33.33"),
        (5, 1, "33.33"),
    ]
    clear = questions["講座表達清楚"]
    assert [(i["name"], i["mean"], i["index"]) for i in clear["instructors"]] == [
        ("林講座", "3.33", "66.67"),
        ("陳講座", "4.67", "93.33"),
    ]
    assert questions["其他意見"]["count"] == 3
    for person in attendees:
        assert person.name not in reply.content.decode()


def test_course_instructor_and_body(client, two_versions, organizer_user, tree):
    first, _second = two_versions
    client.force_login(organizer_user)
    course = client.get(f"{BASE}/courses/{first.course_class.course_id}").json()
    assert course["index"] == "60.00"
    assert [(r["term"], r["index"], r["response_rate"]) for r in course["class_rows"]] == [
        (1, "80.00", "100.00"),
        (2, "30.00", "100.00"),
    ]
    assert [t["index"] for t in course["trend"]] == ["60.00"]
    chen = client.get(f"{BASE}/instructors/{_instructor('陳講座').pk}").json()
    assert (chen["index"], [t["index"] for t in chen["trend"]]) == ("68.00", ["93.33", "30.00"])
    year = timezone.localdate().year
    body = client.get(f"{BASE}/bodies/{tree['a1'].code}", {"year_from": year - 1, "year_to": year}).json()
    assert (body["index"], body["classes"]) == ("60.00", 2)
    assert [(r["title"], r["index"]) for r in body["course_rows"]] == [("公務倫理", "60.00")]
    bad = client.get(f"{BASE}/bodies/{tree['a1'].code}", {"year_from": year, "year_to": year - 1})
    assert (bad.status_code, bad.json()["code"]) == (400, "survey.year_range")


def test_refusals(client, two_versions, tree, attendees):
    first, _second = two_versions
    other = AgencyFactory(
        code="376570300A", name="新竹市政府社會處", parent=tree["root"], jurisdiction=tree["root"].jurisdiction
    )
    user = UserFactory(username="other-organizer")
    grant(user, "organizer", other)
    client.force_login(user)
    before = Tally.objects.count(), Answer.objects.count()
    for path in (
        f"{BASE}/classes/{first.course_class.pk}",
        f"{BASE}/courses/{first.course_class.course_id}",
        f"{BASE}/bodies/{tree['a1'].code}",
    ):
        reply = client.get(path)
        assert (reply.status_code, reply.json()["code"]) == (403, "permission.denied"), path
        assert "questions" not in reply.json()
    reply = client.get(f"{BASE}/instructors/{_instructor('陳講座').pk}")
    assert (reply.status_code, reply.json()["code"]) == (404, "instructor.not_found")
    assert client.get(f"{BASE}/classes/999999").json()["code"] == "class.not_found"
    assert client.get(f"{BASE}/bodies/NOPE").json()["code"] == "agency.not_found"
    client.force_login(attendees[0].user)
    assert client.get(f"{BASE}/classes/{first.course_class.pk}").status_code == 403
    client.logout()
    assert client.get(f"{BASE}/classes/{first.course_class.pk}").status_code == 401
    assert (Tally.objects.count(), Answer.objects.count()) == before
