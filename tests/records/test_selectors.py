"""The reads behind the transcript and the dashboard: a person's years, an agency subtree's numbers
from the stored standings (never the ledger) in a fixed number of queries, the filtered list, and
where the dashboard opens for each user."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peili.records import selectors, services
from tests.factories import AgencyFactory, PersonFactory, UserFactory, grant
from tests.records.conftest import data
from tests.records.office import YEAR, build

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def office(person):
    return build(person)


def test_the_summary_of_a_small_subtree(office):
    summary = selectors.compliance_summary(office.bureau, YEAR)
    assert (summary.people, summary.meets, summary.short, summary.none) == (5, 1, 4, 2)
    assert (summary.total_hours, summary.average, summary.meets_percent) == (D("43.0"), D("8.6"), 20)
    # Five people; the top 10 % is half a person: half of the 20 hours of the first of two with 20.
    assert summary.top_share == D(10) / D(43)
    assert summary.top_share_percent == D("23.3")
    assert [b.people for b in summary.bands] == [2, 1, 0, 0, 0, 2, 0]
    assert {s.key: s.people for s in summary.short_of}["environmental_education"] == 4


def test_the_summary_reads_only_standings_in_two_queries(office):
    rule = selectors.hours_rule(office.bureau.jurisdiction, YEAR)
    with CaptureQueriesContext(connection) as few:
        selectors.compliance_summary(office.bureau, YEAR, rule=rule)
    for index in range(25):
        someone = PersonFactory(agency=office.school)
        services.record_create(person=someone, data=data(external_key=f"s:{index}"), actor=None)
    with CaptureQueriesContext(connection) as many:
        summary = selectors.compliance_summary(office.bureau, YEAR, rule=rule)
    assert len(few) == len(many) == 2  # the people, their standings
    assert summary.people == 30
    assert not any("records_learningrecord" in q["sql"] for q in many.captured_queries)


def test_an_empty_subtree_has_no_average_and_no_share(office):
    empty = AgencyFactory(jurisdiction=office.bureau.jurisdiction, parent=office.bureau)
    summary = selectors.compliance_summary(empty, YEAR)
    assert (summary.people, summary.average, summary.top_share, summary.meets_percent) == (0, None, None, None)
    assert sum(b.people for b in summary.bands) == 0


def test_people_with_no_standing_have_no_hours(office):
    rows = {r.name: r for r in selectors.compliance_export(selectors.compliance_people(office.bureau, YEAR), YEAR)}
    fresh = rows["吳新進"]
    assert (fresh.total, fresh.missing, fresh.meets, fresh.records) == (D(0), D(20), False, 0)
    assert fresh.short_of[0] == "尚缺 全年學習時數 20 小時"
    assert "尚缺 民主治理價值（性別主流化） 1 小時" in fresh.short_of
    assert rows["張老師"].meets
    assert rows["許專業"].short_of == (
        "尚缺 當前政府重大政策 1 小時",
        "尚缺 環境教育 4 小時",
        "尚缺 民主治理價值 5 小時",
        "尚缺 民主治理價值（性別主流化） 1 小時",
    )


def test_the_list_is_ordered_by_agency_then_name(office):
    people = selectors.compliance_people(office.bureau, YEAR)
    assert [p.name for p in people] == ["林無時", "許專業", "陳學員", "吳新進", "張老師"]  # bureau, then school


def test_a_page_of_the_list_reads_its_rows_in_two_queries(office):
    page = list(selectors.compliance_people(office.bureau, YEAR)[:2])
    rule = selectors.hours_rule(office.bureau.jurisdiction, YEAR)
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.compliance_list(page, YEAR, known=(office.bureau.jurisdiction_id, rule))
    assert len(rows) == 2
    assert len(queries) == 1  # the page's standings; the rule was known


def test_the_transcript_groups_years_and_names_categories(office):
    transcript = selectors.person_transcript(office.learner, today=date(2026, 6, 1))
    assert transcript.available_years == (2026, 2025)
    this_year, last_year = transcript.years
    assert (this_year.total, this_year.standing.meets, last_year.standing.meets) == (D(3), False, True)
    assert this_year.lines[0].split[0].name == "環境教育"
    assert [p.key for p in this_year.floors] == ["democratic_governance.gender_mainstreaming"]
    assert transcript.total == D(23)
    assert transcript.record_count == 2


def test_one_year_still_lists_the_other_years(office, django_assert_num_queries):
    office.learner.agency.jurisdiction  # noqa: B018 — loaded, as the page's person is
    selectors.person_transcript(office.learner, year=2025)  # warm the pack cache
    with django_assert_num_queries(4):  # records, splits, the years there are, the stamp (names: the pack)
        transcript = selectors.person_transcript(office.learner, year=2025, today=date(2026, 6, 1))
    assert [y.year for y in transcript.years] == [2025]
    assert transcript.available_years == (2026, 2025)


def test_a_year_without_records_stands_at_zero(office):
    transcript = selectors.person_transcript(office.learner, year=2024, today=date(2026, 6, 1))
    (year,) = transcript.years
    assert (year.total, year.lines, year.standing.missing) == (D(0), (), D(20))


def test_where_the_dashboard_opens(office):
    assert selectors.default_agency(office.officer) == office.bureau
    assert selectors.default_agency(office.admin).parent is None
    nobody = UserFactory()
    assert selectors.default_agency(nobody) is None
    admin_with_person = UserFactory()
    grant(admin_with_person, "admin")
    PersonFactory(agency=office.school, user=admin_with_person)
    assert selectors.default_agency(admin_with_person) == office.bureau  # the root of their own agency


def test_who_is_in_scope(office):
    assert selectors.in_scope(office.officer, office.school.path)
    assert not selectors.in_scope(office.officer, office.outside.path)
    assert selectors.in_scope(office.admin, office.outside.path)
    assert not selectors.in_scope(office.learner.user, office.bureau.path)


def test_the_reminder_reaches_the_short_with_an_address(office):
    reach = selectors.reminder_reach(office.bureau, YEAR)
    assert (reach.short, reach.with_email, reach.without_email) == (4, 3, 1)
    names = sorted(p.name for p in selectors.reminder_recipients(office.bureau, YEAR))
    assert names == ["林無時", "許專業", "陳學員"]  # 許專業 by their account's address


def test_the_summary_knows_how_long_each_filtered_list_is(office):
    """The dashboard's pages take their length from the summary (no COUNT of their own)."""
    PersonFactory(agency=office.school)  # one more without a standing
    rule = selectors.hours_rule(office.bureau.jurisdiction, YEAR)
    summary = selectors.compliance_summary(office.bureau, YEAR, rule=rule)
    checked = 0
    for status in selectors.STATUSES:
        for short_of in ["", *[item.key for item in summary.short_of]]:
            known = summary.listed(status, short_of)
            people = selectors.compliance_people(office.bureau, YEAR, status=status, short_of=short_of, rule=rule)
            if known is not None:
                assert known == people.count(), (status, short_of)
                checked += 1
    assert checked == 4 + 3 * 5  # every status alone; all, short and meets with each requirement
