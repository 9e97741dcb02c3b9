"""The standard after-class questionnaire a training body starts from (課後滿意度問卷): the four
sections the issue names, each with the questions personnel offices commonly ask."""

from __future__ import annotations

from django.utils.translation import gettext

from peili.surveys.enums import QuestionKind, SectionKind
from peili.surveys.services import QuestionSpec, SectionSpec


def standard_sections() -> tuple[SectionSpec, ...]:
    """The questionnaire a template starts with when the organizer asks for the standard one:
    the usual course, instructor (repeated per instructor), venue-and-meals and overall questions
    of a civil-service training body's 課後問卷."""
    scale, single, multiple, text = QuestionKind.SCALE, QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TEXT
    return (
        SectionSpec(
            SectionKind.COURSE,
            gettext("課程內容"),
            (
                QuestionSpec(scale, gettext("課程內容符合我的工作需要")),
                QuestionSpec(scale, gettext("課程內容充實、難易適中")),
                QuestionSpec(scale, gettext("課程時數安排適當")),
                QuestionSpec(scale, gettext("我能將所學應用於工作")),
            ),
        ),
        SectionSpec(
            SectionKind.INSTRUCTOR,
            gettext("講座"),
            (
                QuestionSpec(scale, gettext("講座對課程內容學有專精")),
                QuestionSpec(scale, gettext("講座表達清楚、條理分明")),
                QuestionSpec(scale, gettext("講座能與學員良好互動")),
                QuestionSpec(text, gettext("對講座的其他建議"), required=False),
            ),
        ),
        SectionSpec(
            SectionKind.VENUE,
            gettext("場地與餐飲"),
            (
                QuestionSpec(scale, gettext("教室環境與設備良好")),
                QuestionSpec(scale, gettext("行政服務人員態度親切、協助周到")),
                QuestionSpec(scale, gettext("餐點品質（未供餐者免填）"), required=False),
            ),
        ),
        SectionSpec(
            SectionKind.OVERALL,
            gettext("整體評價"),
            (
                QuestionSpec(scale, gettext("整體而言，我對本次課程感到滿意")),
                QuestionSpec(
                    single,
                    gettext("我會推薦同仁參加本課程"),
                    options=(gettext("會"), gettext("不一定"), gettext("不會")),
                ),
                QuestionSpec(
                    multiple,
                    gettext("您從哪些管道得知本課程"),
                    required=False,
                    options=(
                        gettext("公文"),
                        gettext("機關網站"),
                        gettext("終身學習入口網站"),
                        gettext("主管或同仁推薦"),
                        gettext("其他"),
                    ),
                ),
                QuestionSpec(text, gettext("希望未來開設的課程"), required=False),
                QuestionSpec(text, gettext("其他意見或建議"), required=False),
            ),
        ),
    )
