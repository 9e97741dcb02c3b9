from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from peili.core.text import name_refusal, nfc, shown_char
from peili.org.enums import NationalIdProblem
from peili.org.models import Agency, agency_code_validator
from peili.org.rules import national_id_bad_character, national_id_problem, normalise_national_id
from peili.policy.models import Jurisdiction


def national_id_error(value: str) -> str | None:
    """Why `value` is not a national ID, in Chinese, or None. Full-width letters and digits are
    the same ID (`rules.normalise_national_id`); any other character is refused and named."""
    reason = national_id_problem(value)
    if reason is None:
        return None
    message = str(NationalIdProblem(reason).label)
    if reason == NationalIdProblem.CHARACTERS:
        message %= {"char": shown_char(national_id_bad_character(normalise_national_id(value)) or "")}
    return message


class NationalIdField(forms.CharField):
    """A national ID: cleaned to its normalised form (`rules.normalise_national_id`), refused with
    the reason when it is not one."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)  # room for spaces typed between groups of digits
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not text:
            return ""
        error = national_id_error(text)
        if error is not None:
            raise forms.ValidationError(error, code="national_id")
        return normalise_national_id(text)


class PersonNameField(forms.CharField):
    """A person's name: NFC, and refused with the reason when it holds a character no name has or
    starts like a spreadsheet formula (`core.text.name_refusal`)."""

    def __init__(self, *, what: object = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.what = what  # names the field in the reason (「職務代理人姓名」); default: the label

    def clean(self, value: Any) -> str:
        text = nfc(super().clean(value))
        refused = name_refusal(text)
        if refused is not None:
            what = str(self.what or self.label or _("姓名"))
            raise forms.ValidationError(refused.message(what), code=refused.code)
        return text


class AgencyForm(forms.Form):
    code = forms.CharField(
        label=_("機關代碼"),
        max_length=10,
        validators=[agency_code_validator],
        help_text=_("10 碼，例如 379570000A。"),
    )
    name = forms.CharField(label=_("機關名稱"), max_length=100)
    short_name = forms.CharField(label=_("簡稱"), max_length=40, required=False)
    parent = forms.ModelChoiceField(label=_("上級機關"), queryset=Agency.objects.all(), required=False)
    jurisdiction = forms.ModelChoiceField(label=_("適用轄區"), queryset=Jurisdiction.objects.all())
    is_training_body = forms.BooleanField(label=_("訓練機構（可開班辦訓）"), required=False)

    def __init__(self, *args: object, editing: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if editing:
            self.fields["code"].disabled = True


class HeadcountForm(forms.Form):
    year = forms.IntegerField(label=_("年度（民國）"), min_value=1, max_value=200)
    budgeted_headcount = forms.IntegerField(label=_("編制內預算員額"), min_value=0)


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("姓名、員工編號或身分證字號"), required=False)
    agency = forms.ModelChoiceField(
        label=_("機關（含所屬）"), queryset=Agency.objects.none(), required=False, empty_label=_("全部機關")
    )
    active = forms.ChoiceField(
        label=_("狀態"), required=False, choices=[("1", _("在職")), ("0", _("離職")), ("", _("全部"))]
    )
