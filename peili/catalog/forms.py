"""Forms for plans, courses, classes and the catalog filters. Dates are entered and shown in ROC."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peili.catalog.enums import DeliveryMode, OrganiserType
from peili.catalog.models import ClassSession, Instructor, Venue
from peili.core import roc
from peili.core.forms import ROCDateField, TitleField
from peili.org.forms import national_id_error
from peili.org.models import Agency, Person
from peili.org.rules import normalise_national_id
from peili.policy.vocabulary import PersonnelCategory

_TIME = re.compile(r"^\s*(\d{1,2})[:：](\d{2})\s*$")


class ROCDateTimeInput(forms.TextInput):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"placeholder": "115/03/01 09:00", "autocomplete": "off"}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            return f"{roc.format_short(local.date())} {local:%H:%M}"
        return super().format_value(value)


class ROCDateTimeField(forms.Field):
    """An ROC date and a time: 115/03/01 09:00 (the time may be left out: 00:00)."""

    widget = ROCDateTimeInput
    default_error_messages = {"invalid": _("日期時間格式不正確，請用 115/03/01 09:00。")}

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        day_text, _sep, time_text = text.partition(" ")
        try:
            day = roc.parse_date(day_text)
        except roc.ROCDateError as error:
            raise forms.ValidationError(error.message, code="invalid") from None
        at = time(0, 0)
        if time_text.strip():
            match = _TIME.match(time_text)
            if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            at = time(int(match.group(1)), int(match.group(2)))
        return timezone.make_aware(datetime.combine(day, at))


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


class CourseForm(forms.Form):
    organizer = forms.ModelChoiceField(label=_("主辦機關"), queryset=Agency.objects.none(), empty_label=None)
    title = TitleField(label=_("課程名稱"), max_length=200)
    track = forms.ChoiceField(label=_("訓練類別"), required=False)
    code = forms.CharField(label=_("課程代碼"), max_length=30, required=False)
    summary = forms.CharField(label=_("課程簡介"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, bodies: Any, tracks: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organizer_field = self.fields["organizer"]
        assert isinstance(organizer_field, forms.ModelChoiceField)
        organizer_field.queryset = bodies
        track_field = self.fields["track"]
        assert isinstance(track_field, forms.ChoiceField)
        track_field.choices = [("", _("（不分類）")), *tracks]


CATEGORY_CHOICES = [(c.value, c.label) for c in PersonnelCategory]


class ClassForm(forms.Form):
    term = forms.IntegerField(
        label=_("期別"), min_value=1, max_value=999, required=False, help_text=_("空白則自動編號。")
    )
    delivery_mode = forms.ChoiceField(label=_("學習方式"), choices=DeliveryMode.choices)
    prestudy_title = forms.CharField(label=_("線上預習課程（混成）"), max_length=200, required=False)
    prestudy_url = forms.URLField(label=_("預習課程網址（混成）"), required=False, assume_scheme="https")
    organiser_type = forms.ChoiceField(label=_("辦理方式"), choices=OrganiserType.choices)
    host_institute = forms.CharField(label=_("合辦／受委託／薦送機構"), max_length=120, required=False)
    city = forms.CharField(label=_("上課縣市"), max_length=20, required=False)
    certified_hours = forms.DecimalField(label=_("認證時數"), min_value=0, max_digits=6, decimal_places=1)
    digital_hours = forms.DecimalField(label=_("數位時數"), min_value=0, max_digits=6, decimal_places=1, initial=0)
    classroom_hours = forms.DecimalField(label=_("實體時數"), min_value=0, max_digits=6, decimal_places=1, initial=0)
    capacity = forms.IntegerField(label=_("名額"), min_value=1, initial=40)
    waitlist_size = forms.IntegerField(label=_("候補名額"), min_value=0, initial=10)
    registration_opens_at = ROCDateTimeField(label=_("報名開始"), required=False)
    registration_closes_at = ROCDateTimeField(label=_("報名截止"), required=False)
    cancellation_deadline = ROCDateTimeField(label=_("取消報名期限"), required=False, help_text=_("須早於開課日期。"))
    needs_supervisor_consent = forms.BooleanField(label=_("須經主管同意"), required=False, initial=True)
    meals_provided = forms.BooleanField(label=_("供餐（報名時選擇葷素）"), required=False)
    eligible_agencies = forms.ModelMultipleChoiceField(
        label=_("限定機關（含所屬）"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_("不選則不限機關。"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    eligible_categories = forms.MultipleChoiceField(
        label=_("限定人員類別"),
        choices=CATEGORY_CHOICES,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=_("不選則不限類別。"),
    )
    grade_min = forms.IntegerField(label=_("最低職等"), min_value=1, max_value=14, required=False)
    grade_max = forms.IntegerField(label=_("最高職等"), min_value=1, max_value=14, required=False)
    supervisors_only = forms.BooleanField(label=_("限主管人員"), required=False)
    newcomers_only = forms.BooleanField(label=_("限新進人員"), required=False)
    named_list = forms.CharField(
        label=_("指定名單（身分證字號）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("以逗號或換行分隔；名單上的人員不受其他資格限制。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = self.fields["eligible_agencies"]
        assert isinstance(agencies, forms.ModelMultipleChoiceField)
        agencies.queryset = Agency.objects.filter(is_active=True).order_by("path")

    def clean_named_list(self) -> list[Person]:
        raw = self.cleaned_data.get("named_list") or ""
        parts = [part for part in re.split(r"[\s,，、]+", raw) if part.strip()]
        wrong = [f"{part}：{error}" for part in parts if (error := national_id_error(part)) is not None]
        if wrong:
            raise forms.ValidationError(wrong)
        ids = [normalise_national_id(part) for part in parts]
        people = list(Person.objects.filter(national_id__in=ids))
        missing = sorted(set(ids) - {p.national_id for p in people})
        if missing:
            raise forms.ValidationError(_("找不到這些身分證字號的人員：%(ids)s") % {"ids": "、".join(missing)})
        return people

    def class_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("named_list", None)
        data.pop("eligible_agencies", None)
        if data.get("term") is None:
            data.pop("term", None)
        return data


class SessionForm(forms.Form):
    date = ROCDateField(label=_("日期"), help_text=_("例：115/03/02"))
    starts_at = forms.TimeField(label=_("開始時間"), widget=TimeInput())
    ends_at = forms.TimeField(label=_("結束時間"), widget=TimeInput())
    topic = forms.CharField(label=_("課程主題"), max_length=200, required=False)
    venue = forms.ModelChoiceField(
        label=_("場地"), queryset=Venue.objects.none(), required=False, empty_label=_("（線上或未定）")
    )
    instructors = forms.ModelMultipleChoiceField(
        label=_("講座"),
        queryset=Instructor.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    hours = forms.DecimalField(label=_("時數"), min_value=0, max_digits=6, decimal_places=1, initial=0)

    def __init__(self, *args: Any, venues: Any, instructors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        venue_field = self.fields["venue"]
        assert isinstance(venue_field, forms.ModelChoiceField)
        venue_field.queryset = venues
        instructor_field = self.fields["instructors"]
        assert isinstance(instructor_field, forms.ModelMultipleChoiceField)
        instructor_field.queryset = instructors

    def session_values(self) -> dict[str, Any]:
        """The session as `services.session_add` and `session_update` take it."""
        return {**self.cleaned_data, "instructors": list(self.cleaned_data["instructors"])}

    @staticmethod
    def initial_from(session: ClassSession) -> dict[str, Any]:
        return {
            "date": session.date,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "topic": session.topic,
            "venue": session.venue_id,
            "instructors": [i.pk for i in session.instructors.all()],
            "hours": session.hours,
        }


HOURS_ROWS = 4


class HoursSplitForm(forms.Form):
    """Up to four (category, hours) rows: how the certified hours split across learning categories
    (the organizer's pack's `hours.categories`)."""

    def __init__(
        self,
        *args: Any,
        categories: list[tuple[str, str]],
        initial_split: list[tuple[str, Any]] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        initial_split = initial_split or []
        self._names = {key: label.strip("　") for key, label in categories}
        for index in range(HOURS_ROWS):
            key, hours = initial_split[index] if index < len(initial_split) else (None, None)
            self.fields[f"category_{index}"] = forms.ChoiceField(
                label=_("學習類別 %(n)s") % {"n": index + 1},
                choices=[("", _("（未選）")), *categories],
                required=False,
                initial=key,
            )
            self.fields[f"hours_{index}"] = forms.DecimalField(
                label=_("時數 %(n)s") % {"n": index + 1},
                min_value=0,
                max_digits=6,
                decimal_places=1,
                required=False,
                initial=hours,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        split: dict[str, Any] = {}
        for index in range(HOURS_ROWS):
            category, hours = cleaned.get(f"category_{index}") or None, cleaned.get(f"hours_{index}")
            if category is None and not hours:
                continue
            if category is None or hours is None:
                raise forms.ValidationError(_("第 %(n)s 列請同時選擇學習類別並填寫時數。") % {"n": index + 1})
            if category in split:
                raise forms.ValidationError(_("學習類別「%(c)s」重複。") % {"c": self._names.get(category, category)})
            split[category] = hours
        cleaned["split"] = split
        return cleaned


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("資料名稱"), max_length=200)
    file = forms.FileField(label=_("檔案"), help_text=_("PDF、Office、ODF、文字或 ZIP，20 MB 以內。"))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("停辦原因"), max_length=500)


class PlanForm(forms.Form):
    organizer = forms.ModelChoiceField(label=_("主辦機關"), queryset=Agency.objects.none(), empty_label=None)
    year = forms.IntegerField(label=_("年度（民國）"), min_value=100, max_value=200)
    title = forms.CharField(label=_("計畫名稱"), max_length=200)
    note = forms.CharField(label=_("說明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organizer_field = self.fields["organizer"]
        assert isinstance(organizer_field, forms.ModelChoiceField)
        organizer_field.queryset = bodies


class PlanItemForm(forms.Form):
    track = forms.ChoiceField(label=_("訓練類別"))
    title = forms.CharField(label=_("課程名稱"), max_length=200)
    target_audience = forms.CharField(label=_("參訓對象"), max_length=200, required=False)
    planned_classes = forms.IntegerField(label=_("預定班期數"), min_value=0, initial=1)
    planned_trainees = forms.IntegerField(label=_("預定訓練人數"), min_value=0, initial=0)
    budget = forms.DecimalField(label=_("預算（新臺幣元）"), min_value=0, max_digits=12, decimal_places=0, initial=0)

    def __init__(self, *args: Any, tracks: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        track_field = self.fields["track"]
        assert isinstance(track_field, forms.ChoiceField)
        track_field.choices = tracks or [("general", _("一般"))]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("審核結果"),
        choices=[("approve", _("核定")), ("return", pgettext_lazy("decision", "退回修正"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("審核意見"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _month_choices(today: date, months: int = 12) -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]] = [("", _("全部月份"))]
    year, month = today.year, today.month
    for _offset in range(months):
        choices.append((f"{year:04d}-{month:02d}", f"{year - roc.ROC_OFFSET}/{month:02d}"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return choices


class CatalogFilterForm(forms.Form):
    """The catalog's filters; the category and agency choices come from the catalog index (kept per
    process), so showing the form costs no query."""

    q = forms.CharField(label=_("課程名稱"), required=False)
    track = forms.ChoiceField(label=_("訓練類別"), required=False)
    category = forms.ChoiceField(label=_("學習類別"), required=False)
    month = forms.ChoiceField(label=_("開課月份（民國）"), required=False)
    mode = forms.ChoiceField(label=_("學習方式"), required=False, choices=[("", _("全部")), *DeliveryMode.choices])
    agency = forms.ChoiceField(label=_("開放機關"), required=False)

    def __init__(
        self,
        *args: Any,
        tracks: list[tuple[str, str]],
        categories: Iterable[tuple[str, str]],
        agencies: Iterable[tuple[int, str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._agency_paths = {str(pk): path for pk, path, _name in agencies}
        self._choices("track", [("", _("全部")), *tracks])
        self._choices("category", [("", _("全部")), *categories])
        self._choices("month", _month_choices(timezone.localdate()))
        self._choices("agency", [("", _("不限")), *((str(pk), name) for pk, _path, name in agencies)])

    def _choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def agency_path(self) -> str:
        return self._agency_paths.get(self.cleaned_data.get("agency") or "", "")

    def month_date(self) -> date | None:
        value = self.cleaned_data.get("month") or ""
        if not value:
            return None
        year, month = value.split("-")
        return date(int(year), int(month), 1)
