"""Reminders to people short of the yearly hours: an email (and an in-app notice, for those with an
account) to every active person of an agency subtree who has not met the year's rule, telling them
what they are short of. Called from `tasks.send_hours_reminders` (ids in).

Sent at most once a day per person and year: the in-app notice's key (`hours-reminder:<year>:<day>`,
unique per account) guards those with an account; a claim on the same key in the shared cache
guards the addresses of people without one. The run is audited once, with its counts.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peili.core import audit, roc
from peili.notifications.services import deliver
from peili.org.models import Agency, Person
from peili.records import rules, selectors
from peili.records.codes import Action
from peili.records.enums import NotificationKind

logger = logging.getLogger(__name__)

# The in-app notice's kind (registered with the notifications app in `apps.py`).
KIND = NotificationKind.HOURS_REMINDER
CLAIM_SECONDS = 36 * 60 * 60  # outlives the day it guards


@dataclass(frozen=True)
class ReminderResult:
    short: int  # short of the rule in the subtree and year
    sent: int
    without_email: int  # short, but no address (theirs or their account's): not reached
    already: int  # reminded earlier today: not sent again
    failed: int  # the mail server refused


def dedupe_key(year: int, day: date) -> str:
    return f"hours-reminder:{year}:{day.isoformat()}"


def _claim(person: Person, key: str) -> bool:
    """The day's reminder for someone without an account: True the first time only (an atomic
    add in Django's shared cache — Redis or the database cache table)."""
    return bool(cache.add(f"peili:records:{key}:{person.pk}", 1, timeout=CLAIM_SECONDS))


def _email(person: Person) -> str:
    return person.email or (person.user.email if person.user is not None else "")


def _message(person: Person, row: selectors.ComplianceRow) -> tuple[str, str]:
    year = row.year - roc.ROC_OFFSET
    title = _("學習時數提醒：%(year)s 年度尚未達成") % {"year": year}
    lines = [
        _("%(name)s 您好：") % {"name": person.name},
        _("依 %(year)s 年度學習時數規定，您目前的認證時數為 %(hours)s 小時，尚未達成：")
        % {"year": year, "hours": rules.hours_text(row.total)},
        *(f"・{item}" for item in row.short_of),
        _("請把握時間參加實體課程或數位學習；您的學習時數與各類別達成情形請見培力的「我的學習時數」。"),
    ]
    return title, "\n".join(lines)


def hours_reminders(*, agency_id: int, year: int, actor_id: int | None, today: date | None = None) -> ReminderResult:
    """Remind the short people of the subtree of `agency_id` in `year`; audited once with the counts."""
    agency = Agency.objects.get(pk=agency_id)
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    today = today or timezone.localdate()
    key = dedupe_key(year, today)
    reach = selectors.reminder_reach(agency, year)
    sent = already = failed = 0
    url = reverse("records:transcript")
    for person, row in selectors.with_rows(selectors.reminder_recipients(agency, year), year):
        if person.user is None and not _claim(person, key):
            already += 1
            continue
        title, body = _message(person, row)
        try:
            delivered = deliver(
                user=person.user, email=_email(person), kind=KIND, key=key, title=title, body=body, url=url
            )
        except OSError:  # smtplib's errors are OSErrors: count it, go on with the others
            logger.exception("hours reminder to person %s failed", person.pk)
            failed += 1
            continue
        if delivered:
            sent += 1
        else:
            already += 1
    result = ReminderResult(
        short=reach.short, sent=sent, without_email=reach.without_email, already=already, failed=failed
    )
    details: dict[str, Any] = {"year": year, "agency": agency.code, **asdict(result)}
    audit.record(actor=actor, action=Action.REMIND, target=agency, after=details)
    return result
