"""Completion conditions registered by apps above attendance (surveys' reflection; later e-learning's
pre-study): the closing asks each one, without attendance importing them."""

from __future__ import annotations

import pytest

from peili.attendance import conditions, selectors
from peili.attendance.enums import Reason
from tests.attendance.test_services import _attend


@pytest.fixture
def prestudy(monkeypatch):
    """A condition like e-learning's pre-study: only the first learner has done it."""
    done: set[int] = set()

    def provider(course_class):
        return conditions.ConditionState(
            key="prestudy",
            gates=True,
            statuses=dict.fromkeys(done, "done"),
            allows=lambda status: status == "done",
            reason="prestudy.not_done",
            label=lambda status: "已完成" if status else "未完成",
        )

    monkeypatch.setattr(conditions, "_providers", {**conditions._providers, "prestudy": provider})
    return done


def test_surveys_registers_the_reflection():
    assert conditions.REFLECTION in conditions._providers


def test_a_key_is_registered_once():
    provider = conditions._providers[conditions.REFLECTION]
    conditions.register(conditions.REFLECTION, provider)  # the same provider again: harmless
    with pytest.raises(ValueError, match="already registered"):
        conditions.register(conditions.REFLECTION, lambda course_class: None)


def test_a_registered_condition_stops_whom_it_does_not_allow(ended, learners, organizer_user, prestudy):
    _attend(ended, learners, organizer_user)
    prestudy.add(learners[0].person_id)
    preview = selectors.completion_preview(ended)
    decided = {line.registration.pk: (line.outcome.completes, line.outcome.reason) for line in preview.rows}
    assert decided == {
        learners[0].pk: (True, ""),
        learners[1].pk: (False, "prestudy.not_done"),  # the absence rule lets them complete
        learners[2].pk: (False, Reason.UNEXCUSED.value),  # keeps the absence rule's reason
    }
    labels = {line.registration.pk: line.labels["prestudy"] for line in preview.rows}
    assert labels == {learners[0].pk: "已完成", learners[1].pk: "未完成", learners[2].pk: "未完成"}
    assert "prestudy" in preview.conditions
    assert not preview.reflection_required
