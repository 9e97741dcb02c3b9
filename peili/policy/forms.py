from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from peili.core.roc import ROC_OFFSET
from peili.policy.models import Jurisdiction, PolicyPack
from peili.policy.selectors import packs_for_choice
from peili.policy.services import MAX_YEAR, MIN_YEAR, NOTE_MAX


class SourceTextarea(forms.Textarea):
    def __init__(self) -> None:
        super().__init__(attrs={"rows": 30, "spellcheck": "false", "autocapitalize": "off", "class": "yaml-source"})


class JurisdictionForm(forms.Form):
    code = forms.SlugField(
        label=_("轄區代碼"),
        max_length=40,
        help_text=_("小寫英文字母、數字與連字號，例如 hsinchu-city；建立後不能修改。"),
    )
    name = forms.CharField(label=_("名稱"), max_length=100)
    is_national_default = forms.BooleanField(
        label=_("全國預設"),
        required=False,
        help_text=_("其他轄區未規定的區段沿用全國預設；同時只能有一個。"),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True


class PackCreateForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(label=_("轄區"), queryset=Jurisdiction.objects.all())
    roc_year = forms.IntegerField(
        label=_("年度（民國）"),
        min_value=MIN_YEAR - ROC_OFFSET,
        max_value=MAX_YEAR - ROC_OFFSET,
        help_text=_("例：115"),
    )
    source = forms.CharField(label=_("內容（YAML）"), widget=SourceTextarea(), strip=False)
    note = forms.CharField(label=_("說明"), max_length=NOTE_MAX, required=False)

    @property
    def year(self) -> int:
        return int(self.cleaned_data["roc_year"]) + ROC_OFFSET


class PackEditForm(forms.Form):
    # The revision the editor started from: a save on top of someone else's newer one is refused.
    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    source = forms.CharField(label=_("內容（YAML）"), widget=SourceTextarea(), strip=False)
    note = forms.CharField(label=_("修改說明"), max_length=NOTE_MAX, help_text=_("例：依 116 年度計畫調整補助上限"))

    def __init__(self, *args: Any, validate_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Checking the text is allowed before a note is written; saving is not.
        self.fields["note"].required = not validate_only


class PackChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, PolicyPack)
        return _("%(jurisdiction)s　%(year)s 年　%(title)s") % {
            "jurisdiction": obj.jurisdiction.name,
            "year": obj.year - ROC_OFFSET,
            "title": obj.title,
        }


class CompareForm(forms.Form):
    left = PackChoiceField(label=_("參數包甲"), queryset=PolicyPack.objects.none())
    right = PackChoiceField(label=_("參數包乙"), queryset=PolicyPack.objects.none())
    only_differences = forms.BooleanField(label=_("只顯示不同處"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = packs_for_choice()
        self.fields["left"].queryset = choices  # type: ignore[attr-defined]
        self.fields["right"].queryset = choices  # type: ignore[attr-defined]


class CategoryCodesForm(forms.Form):
    """One field per learning category: the national portal's category code (empty: not known)."""

    def __init__(self, *args: Any, categories: list[tuple[str, str, str | None, int]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, name, code, _depth in categories:
            self.fields[f"code_{key}"] = forms.RegexField(
                label=name,
                regex=r"^[0-9A-Za-z]{1,10}$",
                required=False,
                initial=code or "",
                max_length=10,
                error_messages={"invalid": _("入口網代碼只能含英文字母與數字（1 至 10 碼）。")},
                widget=forms.TextInput(attrs={"inputmode": "latin", "autocomplete": "off", "size": 8}),
            )

    def codes(self) -> dict[str, str]:
        return {name.removeprefix("code_"): value for name, value in self.cleaned_data.items()}
