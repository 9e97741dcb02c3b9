"""factory_boy factories shared by the suite."""

from __future__ import annotations

import itertools
from datetime import date

import factory

from peili.accounts.models import User
from peili.org.enums import Role
from peili.org.models import Agency, Person, RoleAssignment, Unit
from peili.org.rules import make_national_id
from peili.policy.models import Jurisdiction
from peili.policy.vocabulary import PersonnelCategory

_ids = itertools.count(10_000_000)


def next_national_id(letter: str = "A", gender_digit: str = "1") -> str:
    return make_national_id(letter, f"{gender_digit}{next(_ids) % 10_000_000:07d}")


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"j{n}")
    name = factory.Sequence(lambda n: f"轄區{n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"{379500000 + n:09d}A")
    name = factory.Sequence(lambda n: f"測試機關{n}")
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    parent = None
    path = factory.LazyAttribute(lambda o: f"{o.parent.path if o.parent else ''}{o.code}/")
    depth = factory.LazyAttribute(lambda o: o.parent.depth + 1 if o.parent else 0)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"第{n}科")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"使用者{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    national_id = factory.LazyFunction(next_national_id)
    employee_number = factory.Sequence(lambda n: f"E{n:05d}")
    name = factory.Sequence(lambda n: f"王小明{n}")
    gender = "M"
    birth_date = date(1985, 3, 1)
    agency = factory.SubFactory(AgencyFactory)
    category = PersonnelCategory.SENIOR
    grade = 7


def grant(user: User, role: Role | str, agency: Agency | None = None) -> RoleAssignment:
    return RoleAssignment.objects.create(user=user, role=role, agency=agency)
