"""The importers, registered by their apps (`Importer`), and found here by key, task name or job model.

An importer is declared once, in its app (`peili.org.importing.importer`,
`peili.records.importing.importer`), and registered from the app's `ready()`: this app, a lower
floor, never imports it. The declaration names what the framework cannot know: the job model and
the work (read, check, match, write) for the runner; the permission, the form and the page's words
for the one set of pages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.functional import Promise

from peili.imports.enums import BaseProblemCode, ImportStage, ImportStatus

if TYPE_CHECKING:
    from django import forms

    from peili.imports.models import ImportJob

StageCallback = Callable[[ImportStage, float], None]
# Each page's URL name (without the namespace), as every importer's urls are named.
PAGES = ("import", "import_template", "import_job", "import_status", "import_load", "import_problems")


@dataclass(frozen=True)
class Importer:
    """One import: what the framework runs and shows for it.

    The work: `work(job, actor, on_stage)` reads, checks and (unless the job only validates) writes
    the job's file and returns an outcome; `status_of(outcome)` is the job's state after it and
    `report_of(outcome)` its report (plain JSON for the page). `stage_start`/`stage_span`: where each
    stage starts in the job's progress, in percent, and how much of it the stage's own progress fills.
    """

    key: str  # "people", "records"
    namespace: str  # the URL namespace of its pages ("org", "records")
    job_model: type[ImportJob]
    permission: str  # the named predicate of every page (peili.core.permissions)
    work: Callable[[Any, Any, StageCallback], Any]
    status_of: Callable[[Any], ImportStatus]
    report_of: Callable[[Any], dict[str, Any]]
    stage_start: Mapping[ImportStage, int]
    stage_span: Mapping[ImportStage, int]
    task: Any  # the Celery task that runs a job (`peili.imports.tasks.job_task`; settings give it its limits)
    sees_every_job: Callable[[Any], bool]  # who may open every upload, not only their own
    # Audit actions and the conflict code of a load that cannot be queued (stable: kept as they were).
    upload_action: str
    load_action: str
    not_loadable_code: str
    codes: Sequence[type[models.TextChoices]] = (BaseProblemCode,)
    # The pages. `create(data=, filename=, actor=, **job_options(form.cleaned_data))` keeps an upload.
    create: Callable[..., Any] | None = None
    form: type[forms.Form] | None = None
    job_options: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda cleaned: {})
    title: str | Promise = ""
    lead: str | Promise = ""
    report_title: str | Promise = ""
    back_label: str | Promise = ""
    no_file_message: str | Promise = ""
    template_filename: str | Promise = ""
    template_xlsx: Callable[[], bytes] | None = None
    problems_filename: str = "import"  # the CSV is "<this>-<job id>-problems.csv"
    # Partials of the pages: the column help, the job's options, the verdict and the outcome.
    columns_template: str = ""
    options_template: str = ""
    verdict_template: str = ""
    outcome_template: str = ""
    page_context: Callable[[], dict[str, Any]] = field(default=dict)
    job_context: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda report: {})

    def url_name(self, page: str) -> str:
        return f"{self.namespace}:{page}"

    def code_label(self, code: str) -> str:
        """The message template of one of this importer's problem codes (base or its own)."""
        for choices in self.codes:
            if code in choices.values:
                return str(choices(code).label)
        raise KeyError(code)


_IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    """Register an importer (from its app's `ready()`); registering the same key twice is a mistake,
    unless it is the same declaration (a reloaded app)."""
    known = _IMPORTERS.get(importer.key)
    if known is not None and known is not importer:
        raise ValueError(f"importer {importer.key!r} is already registered")
    _IMPORTERS[importer.key] = importer
    return importer


def get(key: str) -> Importer:
    return _IMPORTERS[key]


def by_task(name: str) -> Importer | None:
    return next((i for i in _IMPORTERS.values() if i.task.name == name), None)


def by_model(model: type[models.Model]) -> Importer:
    return next(i for i in _IMPORTERS.values() if i.job_model is model)


def importers() -> list[Importer]:
    return list(_IMPORTERS.values())
