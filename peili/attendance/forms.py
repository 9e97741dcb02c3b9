from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from peili.attendance.enums import Kind
from peili.attendance.selectors import CompletionLine, RosterLine
from peili.attendance.services import Correction, RosterEntry
from peili.core.forms import ROCDateField

# A roster or closing page holds this many people: each posts a handful of fields per person, and
# Django refuses a form of more than DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) fields — a limit kept for
# every form. A class of 2,000 is saved a page at a time.
PAGE_SIZE = 100


def row_ids(value: str | None) -> list[int] | None:
    """The registration ids a posted page showed (its hidden `rows` field: "12,13,14"); None when the
    field is missing, malformed or longer than a page."""
    parts = (value or "").split(",")
    if not value or len(parts) > PAGE_SIZE or not all(part.isdigit() and len(part) <= 18 for part in parts):
        return None
    ids = [int(part) for part in parts]
    return ids if len(set(ids)) == len(ids) else None


class RosterForm(forms.Form):
    """One row of fields per person on the page: present, signed out, late and early minutes (at most
    the session's length), leave minutes (at most its hours)."""

    def __init__(
        self, *args: Any, lines: Sequence[RosterLine], length_minutes: int, leave_minutes: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            pk, mark = line.registration.pk, line.attendance
            name = line.registration.person.name
            self.fields[f"in_{pk}"] = forms.BooleanField(
                label=_("%(name)s 簽到") % {"name": name},
                required=False,
                initial=bool(mark and mark.signed_in_at),
            )
            self.fields[f"out_{pk}"] = forms.BooleanField(
                label=_("%(name)s 簽退") % {"name": name},
                required=False,
                initial=bool(mark and mark.signed_out_at),
            )
            self.fields[f"late_{pk}"] = forms.IntegerField(
                label=_("%(name)s 遲到分鐘") % {"name": name},
                min_value=0,
                max_value=length_minutes,
                initial=mark.late_minutes if mark else 0,
            )
            self.fields[f"early_{pk}"] = forms.IntegerField(
                label=_("%(name)s 早退分鐘") % {"name": name},
                min_value=0,
                max_value=length_minutes,
                initial=mark.early_minutes if mark else 0,
            )
            self.fields[f"leave_{pk}"] = forms.IntegerField(
                label=_("%(name)s 請假分鐘") % {"name": name},
                min_value=0,
                max_value=leave_minutes,
                initial=mark.leave_minutes if mark else 0,
            )

    @property
    def row_ids(self) -> str:
        return ",".join(str(line.registration.pk) for line in self.lines)

    def rows(self) -> Iterator[tuple[RosterLine, dict[str, forms.BoundField]]]:
        for line in self.lines:
            pk = line.registration.pk
            yield line, {key: self[f"{key}_{pk}"] for key in ("in", "out", "late", "early", "leave")}

    def entries(self) -> dict[int, RosterEntry]:
        data = self.cleaned_data
        return {
            line.registration.pk: RosterEntry(
                present=data[f"in_{line.registration.pk}"],
                signed_out=data[f"out_{line.registration.pk}"],
                late_minutes=data[f"late_{line.registration.pk}"] or 0,
                early_minutes=data[f"early_{line.registration.pk}"] or 0,
                leave_minutes=data[f"leave_{line.registration.pk}"] or 0,
            )
            for line in self.lines
        }


DECISIONS = [("", _("依規定")), ("complete", _("更正為完訓")), ("not_complete", _("更正為未完訓"))]


class CloseForm(forms.Form):
    """Closing a class, a page of people at a time: for each, keep the rule's outcome or correct it
    with a reason. The corrections of the other pages are kept (`pending`) until the class closes."""

    def __init__(
        self, *args: Any, lines: Sequence[CompletionLine], pending: Mapping[int, Correction], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        self.pending = pending
        for line in lines:
            pk, name = line.registration.pk, line.registration.person.name
            kept = pending.get(pk)
            self.fields[f"decision_{pk}"] = forms.ChoiceField(
                label=_("%(name)s 完訓結果") % {"name": name},
                choices=DECISIONS,
                required=False,
                initial="" if kept is None else ("complete" if kept.completes else "not_complete"),
            )
            self.fields[f"reason_{pk}"] = forms.CharField(
                label=_("%(name)s 更正原因") % {"name": name},
                max_length=300,
                required=False,
                initial=kept.reason if kept else "",
            )

    @property
    def row_ids(self) -> str:
        return ",".join(str(line.registration.pk) for line in self.lines)

    def rows(self) -> Iterator[tuple[CompletionLine, forms.BoundField, forms.BoundField]]:
        for line in self.lines:
            yield line, self[f"decision_{line.registration.pk}"], self[f"reason_{line.registration.pk}"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for line in self.lines:
            pk = line.registration.pk
            decision = data.get(f"decision_{pk}")
            if decision and not (data.get(f"reason_{pk}") or "").strip():
                self.add_error(f"reason_{pk}", _("更正完訓結果須說明原因。"))
        return data

    def corrections(self) -> dict[int, Correction]:
        """Every correction: the other pages' kept ones, with this page's as now chosen."""
        out = dict(self.pending)
        for line in self.lines:
            pk = line.registration.pk
            decision = self.cleaned_data.get(f"decision_{pk}")
            out.pop(pk, None)
            if decision:
                out[pk] = Correction(decision == "complete", self.cleaned_data[f"reason_{pk}"].strip())
        return out


class CorrectForm(forms.Form):
    completes = forms.TypedChoiceField(
        label=_("完訓結果"),
        choices=[("1", _("完訓")), ("0", _("未完訓"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("更正原因"), max_length=300)


class CodeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("簽到或簽退"), choices=Kind.choices, initial=Kind.SIGN_IN, widget=forms.RadioSelect
    )
    code = forms.RegexField(
        label=_("六位數簽到碼"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("請輸入現場畫面上的六位數字。")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "6"}),
    )


class UploadedForm(forms.Form):
    uploaded_on = ROCDateField(label=_("上傳日期"))
