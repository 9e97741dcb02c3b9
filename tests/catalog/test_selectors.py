from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peili.catalog import selectors, services
from peili.catalog.enums import DeliveryMode
from peili.catalog.models import CourseClass
from peili.catalog.selectors import CatalogFilters
from tests.factories import AgencyFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def junior(tree):
    """委任第5職等 in agency b."""
    user = UserFactory(username="junior")
    PersonFactory(user=user, agency=tree["b"], category="junior", grade=5, name="張雅婷")
    return user


def test_person_facts_and_eligibility_rules(make_class, tree, junior):
    course_class = make_class(grade_min=6, supervisors_only=True)
    course_class.eligible_agencies.set([tree["a"]])
    person = selectors.person_for_user(junior)
    facts = selectors.person_facts(person)
    assert (facts.agency_path, facts.category, facts.grade) == (tree["b"].path, "junior", 5)
    rules = selectors.eligibility_rules(course_class)
    assert (rules.agency_paths, rules.grade_min, rules.supervisors_only) == ((tree["a"].path,), 6, True)
    result = selectors.class_eligibility(person, course_class)
    assert result.codes == ("eligibility.agency", "eligibility.grade", "eligibility.supervisor")
    assert result.reasons[1].message == "您的官等職等不符本班期資格：限薦任第6職等以上。"


def test_newcomers_only_without_a_pack_setting_is_refused_with_a_reason(make_class, junior):
    course_class = make_class(newcomers_only=True)
    result = selectors.class_eligibility(selectors.person_for_user(junior), course_class)
    assert result.codes == ("eligibility.newcomer",)


def test_newcomers_within_the_pack_months_are_eligible(make_class, tree, today):
    from peili.policy.schema import Pack
    from peili.policy.services import presets_load

    if "registration" not in Pack.__dataclass_fields__:
        pytest.skip("the policy pack has no registration section yet")
    presets_load(actor=None)  # Hsinchu: newcomer_months 12
    course_class = make_class(newcomers_only=True)
    fresh = PersonFactory(agency=tree["b"], agency_start=today - timedelta(days=60))
    settled = PersonFactory(agency=tree["b"], agency_start=today - timedelta(days=800))
    assert selectors.class_eligibility(fresh, course_class).eligible
    assert selectors.class_eligibility(settled, course_class).codes == ("eligibility.newcomer",)
    assert (
        selectors.class_eligibility(settled, course_class).reasons[0].message
        == "本班期限新進人員（到職 12 個月內）參加。"
    )


def test_catalog_lists_eligible_classes_first_with_reasons(make_class, junior):
    restricted = make_class(title="薦任主管研習", grade_min=6)
    open_later = make_class(title="環境教育", days=60)
    open_sooner = make_class(title="性別主流化", days=45)
    draft = make_class(title="尚未發布", publish=False)
    entries = selectors.catalog_entries(junior)
    assert [e.card.id for e in entries] == [open_sooner.pk, open_later.pk, restricted.pk]
    assert draft.pk not in [e.card.id for e in entries]
    assert [e.eligible for e in entries] == [True, True, False]
    assert entries[2].eligibility.reasons[0].message == "您的官等職等不符本班期資格：限薦任第6職等以上。"
    assert entries[0].seats_left == 40


def test_seats_are_read_live_while_the_rest_comes_from_the_index(make_class, junior, django_assert_num_queries):
    course_class = make_class(title="環境教育")
    (before,) = selectors.catalog_entries(junior)
    assert before.seats_left == 40
    # what a registration does: counters move under the class lock, no catalog stamp moves
    CourseClass.objects.filter(pk=course_class.pk).update(confirmed_count=39, waitlist_count=2)
    with django_assert_num_queries(3):  # the stamps, the page's counters, the viewer's own registrations
        (after,) = selectors.catalog_entries(junior)[:1]
    assert (after.seats_left, after.waitlist_count) == (1, 2)
    assert after.card is before.card  # the card was kept


def test_a_user_without_a_person_sees_every_class_as_not_checkable(make_class, organizer):
    make_class()
    (entry,) = selectors.catalog_entries(organizer)
    assert entry.eligibility.codes == ("eligibility.no_person",)


def test_catalog_filters(make_class, tree, junior, categories, organizer, today, jurisdiction):
    leadership = make_class(title="領導力", track="leadership", days=35)
    make_class(
        title="資安混成",
        days=70,
        delivery_mode=DeliveryMode.BLENDED,
        prestudy_title="資安預習",
        prestudy_url="https://e.example.tw/1",
        digital_hours=Decimal(1),
        classroom_hours=Decimal(2),
    )
    only_b = make_class(title="教育處專班", days=36)
    only_b.eligible_agencies.set([tree["b"]])
    services.class_hours_set(course_class=leadership, split={categories["523"]: 3}, actor=organizer)

    def titles(**kwargs):
        return [e.card.title for e in selectors.catalog_entries(junior, CatalogFilters(**kwargs))]

    assert titles(q="資安") == ["資安混成"]
    assert titles(track="leadership") == ["領導力"]
    assert titles(mode=DeliveryMode.BLENDED) == ["資安混成"]
    assert titles(month=today + timedelta(days=70)) == ["資安混成"]
    assert sorted(titles(category="information_security_general")) == ["教育處專班", "資安混成"]
    # a category finds the classes of the categories under it (資通安全 ⊃ 通識, 專業)
    assert sorted(titles(category="information_security")) == ["教育處專班", "資安混成", "領導力"]
    # open to agency a1 (under a): classes without an agency restriction only
    assert sorted(titles(agency_path=tree["a1"].path)) == ["資安混成", "領導力"]
    # the root's subtree restriction admits its descendants
    only_b.eligible_agencies.set([tree["root"]])
    assert "教育處專班" in titles(agency_path=tree["a1"].path)
    assert titles(agency_path=AgencyFactory(jurisdiction=jurisdiction).path) == ["領導力", "資安混成"]


def test_catalog_query_count_does_not_grow_with_classes(make_class, junior, tree):
    def count():
        junior_fresh = type(junior).objects.get(pk=junior.pk)  # no cached grants
        with CaptureQueriesContext(connection) as ctx:
            entries = selectors.catalog_entries(junior_fresh)
        return len(entries), len(ctx.captured_queries)

    first = make_class(title="第一班", grade_min=6)
    first.eligible_agencies.set([tree["a"]])
    one = count()
    for title in ("第二班", "第三班"):
        make_class(title=title, supervisors_only=True).eligible_agencies.set([tree["b"]])
    three = count()
    assert one[0] == 1
    assert three[0] == 3
    assert one[1] == three[1]


def test_drafts_are_visible_only_to_their_managers(make_class, organizer, junior, admin_user):
    draft = make_class(publish=False)
    published = make_class()
    assert selectors.class_for_user(junior, draft.pk) is None
    assert selectors.class_for_user(junior, published.pk) == published
    assert selectors.class_for_user(organizer, draft.pk) == draft
    assert selectors.class_for_user(admin_user, draft.pk) == draft


def test_managers_see_their_own_bodies_classes(make_class, organizer, admin_user, tree, jurisdiction):
    mine = make_class()
    stranger = UserFactory()
    from tests.factories import grant

    grant(stranger, "organizer", tree["b"])
    assert list(selectors.classes_for_manager(organizer)) == [mine]
    assert list(selectors.classes_for_manager(stranger)) == []
    assert list(selectors.classes_for_manager(admin_user)) == [mine]
