"""The home page's cards: each app's card for the person, assembled here at the top floor (an app
never imports the home page; the home page imports every app's card)."""

from __future__ import annotations

from typing import Any

from peili.attendance.selectors import today_card
from peili.org.selectors import home_summary
from peili.surveys.selectors import home_card as survey_card


def home_for_user(user: Any) -> dict[str, Any]:
    """What the signed-in person's home shows: their roles, today's date and the cards for their work."""
    summary = home_summary(user)
    for card in (survey_card(user), today_card(user, summary["today"])):
        if card is not None:
            summary["cards"].insert(0, card)
    return summary
