from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from peili.org.models import Agency, agency_code_validator
from peili.policy.models import Jurisdiction


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
