"""Forms of the registration pages: they only parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from peili.catalog.models import CourseClass
from peili.enrolment.enums import Meal
from peili.org.forms import PersonNameField
from peili.org.models import Person


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        unit = f"（{obj.unit.name}）" if obj.unit_id else ""
        return f"{obj.name}{unit}"


class RegisterForm(forms.Form):
    meal = forms.ChoiceField(label=_("用餐"), choices=Meal.choices, initial=Meal.MEAT, widget=forms.RadioSelect)
    deputy = PersonChoiceField(
        label=_("職務代理人"), queryset=Person.objects.none(), required=False, empty_label=_("（請選擇同仁）")
    )
    deputy_name = PersonNameField(
        label=_("或填寫職務代理人姓名"),
        what=_("職務代理人姓名"),
        max_length=60,
        required=False,
        help_text=_("代理人不在清單中時填寫。"),
    )

    def __init__(self, *args: Any, colleagues: QuerySet[Person], meals: bool, deputy_required: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = colleagues  # type: ignore[attr-defined]
        if deputy_required:
            self.fields["deputy"].label = _("職務代理人（必填）")
        if not meals:
            del self.fields["meal"]


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("意見（選填）"), max_length=200, required=False)


class NominateClassForm(forms.Form):
    course_class: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("班期"), queryset=CourseClass.objects.none(), empty_label=_("（請選擇班期）")
    )

    def __init__(self, *args: Any, classes: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course_class"].queryset = classes  # type: ignore[attr-defined]
        self.fields["course_class"].widget.attrs["data-autosubmit"] = ""


class SubstituteForm(forms.Form):
    """The substitute, and their deputy (the service refuses a missing one where the pack requires it,
    as for a registration)."""

    substitute = PersonChoiceField(label=_("遞補人員"), queryset=Person.objects.none(), empty_label=_("（請選擇同仁）"))
    deputy = PersonChoiceField(
        label=_("遞補人員的職務代理人"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("（請選擇同仁）"),
    )
    deputy_name = forms.CharField(
        label=_("或填寫職務代理人姓名"), max_length=60, required=False, help_text=_("代理人不在清單中時填寫。")
    )

    def __init__(
        self,
        *args: Any,
        colleagues: QuerySet[Person],
        deputies: QuerySet[Person],
        deputy_required: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["substitute"].queryset = colleagues  # type: ignore[attr-defined]
        self.fields["deputy"].queryset = deputies  # type: ignore[attr-defined]
        if deputy_required:
            self.fields["deputy"].label = _("遞補人員的職務代理人（必填）")
