"""Forms of written reflections (心得寫作): the learner's text, the organizer's review.

They parse input only; the minimum length, the deadline and the states are checked by
`peili.surveys.services` (the server is the judge; the page's counter only helps).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

# Sanity bounds of the form, not policy (the minimum length comes from the class's requirement).
TEXT_MAX = 20_000
COMMENT_MAX = 2_000

SAVE, SUBMIT = "save", "submit"
ACCEPT, RETURN = "accept", "return"


class ReflectionForm(forms.Form):
    """The reflection's text and which button was pressed: 暫存 (save) or 送出 (submit)."""

    text = forms.CharField(
        label=_("心得內容"),
        required=False,
        strip=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 16, "class": "survey-reflection-text"}),
        error_messages={"max_length": _("心得最多 %(limit_value)d 字元（目前 %(show_value)d）。")},
    )
    action = forms.ChoiceField(choices=[(SAVE, _("暫存")), (SUBMIT, _("送出"))], initial=SAVE, required=False)

    def __init__(self, *args: Any, min_chars: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["text"].widget
        widget.attrs.update(
            {
                "data-reflection-min": str(min_chars),
                "data-reflection-counter": "reflection-count",
                "data-reflection-announcer": "reflection-announce",
            }
        )

    def text_widget(self) -> str:
        """The textarea, described by the rule, the counter and — after a refusal — the error."""
        field = self["text"]
        described = "reflection-rule reflection-count" + (" reflection-error" if field.errors else "")
        return field.as_widget(attrs={"aria-describedby": described})

    @property
    def submitting(self) -> bool:
        return self.cleaned_data.get("action") == SUBMIT


class ReviewForm(forms.Form):
    """The organizer's decision on a submitted reflection; returning it needs a comment."""

    decision = forms.ChoiceField(
        label=_("審閱結果"),
        choices=[(ACCEPT, _("通過")), (RETURN, _("退回修改"))],
        error_messages={"required": _("請選擇通過或退回修改。"), "invalid_choice": _("請選擇通過或退回修改。")},
    )
    comment = forms.CharField(
        label=_("審閱意見"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("退回修改時必填，學員會在通知與心得頁看到。"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == RETURN and not (data.get("comment") or "").strip():
            self.add_error("comment", _("退回心得須填寫審閱意見。"))
        return data

    @property
    def accepting(self) -> bool:
        return self.cleaned_data["decision"] == ACCEPT
