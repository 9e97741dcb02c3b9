"""Forms of the organizer's questionnaire builder, the body's defaults and a class's survey setup.

They parse input only; every write goes through `peili.surveys.services`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from peili.core import roc
from peili.core.forms import ROCDateField
from peili.org.models import Agency
from peili.surveys.enums import QuestionKind, SectionKind
from peili.surveys.models import SurveyTemplate
from peili.surveys.services import QuestionSpec, SectionSpec
from peili.surveys.standard import standard_sections

# Sanity bound of an option list typed one per line (not policy).
MAX_OPTIONS = 20


# --- templates -------------------------------------------------------------------------------------


class TemplateCreateForm(forms.Form):
    organizer = forms.ModelChoiceField(label=_("主辦機關"), queryset=Agency.objects.none(), empty_label=None)
    name = forms.CharField(label=_("範本名稱"), max_length=120, help_text=_("例：一般課程課後問卷"))
    description = forms.CharField(
        label=_("填答說明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("學員填答前看到的說明文字。"),
    )
    anonymous = forms.BooleanField(label=_("匿名填答"), required=False, initial=True)
    standard = forms.BooleanField(
        label=_("以標準範本建立"),
        required=False,
        initial=True,
        help_text=_("預先放入課程、講座、場地與餐飲、整體四個題組的常用題目，之後可再修改。"),
    )

    def __init__(self, *args: Any, bodies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organizer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = bodies

    def sections(self) -> tuple[SectionSpec, ...]:
        return standard_sections() if self.cleaned_data["standard"] else ()


class TemplateSettingsForm(forms.Form):
    name = forms.CharField(label=_("範本名稱"), max_length=120)
    description = forms.CharField(label=_("填答說明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    anonymous = forms.BooleanField(
        label=_("匿名填答"), required=False, help_text=_("只影響之後設定的班期問卷；已設定的班期不變。")
    )
    is_active = forms.BooleanField(
        label=_("啟用"), required=False, help_text=_("停用的範本不能再指定給班期，也不會作為預設問卷。")
    )

    @classmethod
    def of(cls, template: SurveyTemplate, data: Any = None) -> TemplateSettingsForm:
        return cls(
            data,
            initial={
                "name": template.name,
                "description": template.description,
                "anonymous": template.anonymous,
                "is_active": template.is_active,
            },
        )


class SectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("題組類型"), choices=SectionKind.choices)
    title = forms.CharField(label=_("題組標題"), max_length=120)


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("題型"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("題目"), max_length=300)
    required = forms.BooleanField(label=_("必答"), required=False, initial=True)
    options = forms.CharField(
        label=_("選項"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("單選與複選題使用，每行一個選項。"),
    )
    in_index = forms.BooleanField(
        label=_("納入滿意度指數"), required=False, initial=True, help_text=_("只適用於五點量表題。")
    )

    @classmethod
    def of(cls, question: Any, data: Any = None, **kwargs: Any) -> QuestionForm:
        return cls(
            data,
            initial={
                "kind": question.kind,
                "text": question.text,
                "required": question.required,
                "options": "\n".join(question.options),
                "in_index": question.in_index,
            },
            **kwargs,
        )

    def clean_options(self) -> tuple[str, ...]:
        lines = tuple(line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip())
        if len(lines) > MAX_OPTIONS:
            raise forms.ValidationError(_("選項最多 %(n)d 個。") % {"n": MAX_OPTIONS})
        if any(len(line) > 100 for line in lines):
            raise forms.ValidationError(_("每個選項最多 100 字。"))
        return lines

    def spec(self) -> QuestionSpec:
        data = self.cleaned_data
        return QuestionSpec(
            kind=data["kind"],
            text=data["text"],
            required=data["required"],
            options=data["options"],
            in_index=data["in_index"],
        )


class QuestionAddForm(QuestionForm):
    section = forms.CharField(widget=forms.HiddenInput, max_length=32)


# --- defaults --------------------------------------------------------------------------------------


class DefaultForm(forms.Form):
    """One row of the defaults page: a body, a track ("" for all its classes) and a template
    (empty: no default). The view checks the body and the template against the user."""

    body = forms.IntegerField(widget=forms.HiddenInput)
    track = forms.CharField(widget=forms.HiddenInput, required=False, max_length=60)
    template = forms.IntegerField(label=_("預設問卷範本"), required=False)


# --- a class's survey ------------------------------------------------------------------------------


def _anonymity(value: str) -> bool:
    return value == "1"


class TemplateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        how = gettext("匿名") if obj.anonymous else gettext("具名")
        return f"{obj.name}（{how}）"


class ClassSurveyForm(forms.Form):
    template = TemplateChoiceField(
        label=_("問卷範本"), queryset=SurveyTemplate.objects.none(), empty_label=_("請選擇範本")
    )
    anonymous = forms.TypedChoiceField(
        label=_("匿名或具名"),
        choices=[("", _("依範本設定")), ("1", _("匿名填答")), ("0", _("具名填答"))],
        coerce=_anonymity,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, templates: QuerySet[SurveyTemplate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["template"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = templates


class ReflectionForm(forms.Form):
    prompt = forms.CharField(
        label=_("寫作說明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("例：請說明本課程對您工作的啟發，以及預計如何應用。"),
    )
    min_chars = forms.IntegerField(label=_("最少字數"), min_value=1, max_value=20000, initial=300)
    due_on = ROCDateField(label=_("繳交期限"), help_text=_("例：115/09/30 或 115年9月30日"))

    def __init__(self, *args: Any, earliest: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.earliest = earliest

    def clean_due_on(self) -> date:
        due_on: date = self.cleaned_data["due_on"]
        if self.earliest is not None and due_on < self.earliest:
            raise forms.ValidationError(
                _("繳交期限不可早於班期結束日（%(day)s）。") % {"day": roc.format_short(self.earliest)}
            )
        return due_on
