import pytest

from peili.catalog.enums import ClassStatus, PlanStatus
from peili.catalog.models import CourseClass, TrainingPlan
from peili.demo.catalog import CLASSES, catalog_demo_load
from peili.demo.loader import demo_load

pytestmark = pytest.mark.django_db


def test_demo_catalog_loads_once():
    demo_load(actor=None)  # the demo world includes the catalog
    assert catalog_demo_load(actor=None) == 0
    plan = TrainingPlan.objects.get(organizer__code="376570100A")
    assert plan.status == PlanStatus.APPROVED
    assert plan.items.count() == 8
    # The catalog's classes, plus the attendance demo's class today and the one waiting to be closed.
    catalog_classes = CourseClass.objects.filter(course__title__in=[spec.title for spec in CLASSES])
    assert catalog_classes.filter(status=ClassStatus.PUBLISHED).count() == len(CLASSES)
    blended = CourseClass.objects.get(delivery_mode="blended")
    assert blended.prestudy_url
