"""Form fields shared by the pages: ROC dates, and titles checked for what they may hold."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from peili.core import roc
from peili.core.enums import CalendarOverrideKind
from peili.core.text import nfc, refusal


class ROCDateInput(forms.TextInput):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"placeholder": "115/01/31", "inputmode": "numeric", "autocomplete": "off"}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, date):
            return roc.format_short(value)
        return super().format_value(value)


class ROCDateField(forms.Field):
    """Accepts 111/02/07, 111年2月7日, 111-02-07, 1110207 and Gregorian dates; shows 111/02/07."""

    widget = ROCDateInput
    default_error_messages = {"invalid": _("日期格式不正確。")}

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        try:
            return roc.parse_date(str(value))
        except roc.ROCDateError as error:
            raise forms.ValidationError(error.message, code="invalid") from None


class TitleField(forms.CharField):
    """A title (a course's name): NFC, and refused with the reason when it holds a character nobody
    sees or starts like a spreadsheet formula (`core.text.refusal`) — it goes into the national
    portal's upload file, which is not neutralised."""

    def clean(self, value: Any) -> str:
        text = nfc(super().clean(value))
        refused = refusal(text)
        if refused is not None:
            raise forms.ValidationError(refused.message(str(self.label)), code=refused.code)
        return text


class CalendarOverrideForm(forms.Form):
    day = ROCDateField(label=_("日期"), help_text=_("例：115/09/02 或 115年9月2日"))
    kind = forms.ChoiceField(label=_("類別"), choices=CalendarOverrideKind.choices)
    reason = forms.CharField(label=_("原因"), max_length=200, help_text=_("例：颱風停止上班"))
