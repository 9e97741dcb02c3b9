"""The registration part of the role matrix (see tests/test_role_matrix.py).

The world's class is organized by the organizer's agency; its registration belongs to the world's
staff member (the supervisor's unit, inside the officer's subtree) and awaits consent, so every role
that passes a named permission also passes its object-level check. Refused object-level attempts
on POST-only actions come back as a redirect with a message, changing nothing."""

from __future__ import annotations

from typing import Any

from peili.enrolment import services
from peili.enrolment.notifications import consent_token
from tests.enrolment.conftest import make_class

ALL = {"admin", "officer", "organizer", "supervisor", "learner", "reviewer"}

EXPECTED: dict[str, set[str]] = {
    "enrolment.register": {"supervisor", "learner"},
    "enrolment.nominate": {"admin", "officer"},
    "enrolment.cancel": {"admin", "officer", "organizer", "supervisor", "learner"},
    "enrolment.consent": {"admin", "officer", "supervisor"},
    "enrolment.substitute": {"admin", "officer"},
    "enrolment.view_roster": {"admin", "organizer"},
}


def build(world: Any) -> None:
    course_class = make_class(world.agency, needs_supervisor_consent=True)
    registration = services.registration_create(
        person=world.staff, course_class=course_class, meal="meat", deputy_name="代理人", actor=None
    ).registration
    world.extra["course_class"] = course_class
    world.extra["registration"] = registration
    world.extra["token"] = consent_token(registration.pk, world.users["supervisor"].pk)


def route_kwargs(world: Any) -> dict[str, dict[str, Any]]:
    course_class = world.extra["course_class"]
    registration = world.extra["registration"]
    return {
        "enrolment:register": {"class_id": course_class.pk},
        "enrolment:cancel": {"pk": registration.pk},
        "enrolment:decide": {"pk": registration.pk},
        "enrolment:substitute": {"pk": registration.pk},
        "enrolment:consent_link": {"token": world.extra["token"]},
        "enrolment:roster": {"class_id": course_class.pk},
        "enrolment:roster_xlsx": {"class_id": course_class.pk},
        "enrolment:signin_sheet": {"class_id": course_class.pk},
    }


def api_path_params(world: Any) -> dict[str, Any]:
    return {
        "{registration_id}": world.extra["registration"].pk,
        "{class_id}": world.extra["course_class"].pk,
    }
