from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from peili.core.errors import PeiliError
from peili.core.pages import read_for_page, submit
from peili.core.permissions import allowed, requires
from peili.core.roc import ROC_OFFSET
from peili.policy import display, loader, selectors, services
from peili.policy.forms import CategoryCodesForm, CompareForm, JurisdictionForm, PackCreateForm, PackEditForm
from peili.policy.loader import Problem
from peili.policy.models import Jurisdiction, PolicyPack


def _problems(error: PeiliError) -> list[Problem]:
    if error.code != "policy.invalid" or not isinstance(error.details, list):
        return []
    return [Problem(**detail) for detail in error.details]


def _source_lines(source: str, problems: list[Problem]) -> list[dict[str, Any]]:
    """The submitted text, numbered, with the lines that have problems marked."""
    marked = {p.line for p in problems}
    return [{"number": n, "text": text, "problem": n in marked} for n, text in enumerate(source.splitlines(), 1)]


def _pack(pk: int) -> PolicyPack:
    return read_for_page(selectors.pack_for_page, pk)


@requires("policy.view_packs")
def packs(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "policy/packs.html",
        {
            "jurisdictions": selectors.jurisdictions_with_packs(),
            "can_manage": allowed(request.user, "policy.manage_packs"),
        },
    )


@requires("policy.view_packs")
def pack_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pack = _pack(pk)
    sections, own = selectors.pack_sections(pack)
    return render(
        request,
        "policy/pack_detail.html",
        {
            "pack": pack,
            "document": loader.load(pack.source),  # the author's key order (see selectors.layer)
            "sections": display.describe(sections, own),
            "can_manage": allowed(request.user, "policy.manage_packs"),
        },
    )


@requires("policy.manage_packs")
def pack_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pack = _pack(pk)
    validate_only = "validate" in request.POST
    form = PackEditForm(
        request.POST or None,
        initial={"source": pack.source, "base_revision": pack.revision},
        validate_only=validate_only,
    )
    problems: list[Problem] = []
    checked = False
    if request.method == "POST" and form.is_valid():
        source = form.cleaned_data["source"]
        if validate_only:
            problems = list(loader.validate(source, complete=pack.jurisdiction.is_national_default).problems)
            checked = not problems
        else:
            try:
                updated = services.pack_update(
                    pack=pack,
                    source=source,
                    actor=request.user,
                    note=form.cleaned_data["note"],
                    base_revision=form.cleaned_data["base_revision"],
                )
            except PeiliError as error:
                problems = _problems(error)
                if not problems:
                    form.add_error(None, error.message)
            else:
                if updated.revision == pack.revision:
                    messages.info(request, _("內容沒有變更，未建立新版本。"))
                else:
                    messages.success(request, _("已儲存第 %(n)d 版。") % {"n": updated.revision})
                return redirect("policy:pack_detail", pk=pack.pk)
    source_text = form.data.get("source", pack.source) if form.is_bound else pack.source
    return render(
        request,
        "policy/pack_form.html",
        {
            "form": form,
            "pack": pack,
            "problems": problems,
            "checked": checked,
            "source_lines": _source_lines(source_text, problems) if problems else [],
        },
    )


def _pack_create_view(request: HttpRequest, origin: PolicyPack | None) -> HttpResponse:
    initial: dict[str, Any] = {}
    if origin is not None:
        initial = {
            "jurisdiction": origin.jurisdiction,
            "roc_year": origin.year - ROC_OFFSET + 1,
            "source": origin.source,
            "note": _("複製自 %(title)s 第 %(n)d 版") % {"title": origin.title, "n": origin.revision},
        }
    validate_only = "validate" in request.POST
    form = PackCreateForm(request.POST or None, initial=initial)
    problems: list[Problem] = []
    checked = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if validate_only:
            complete = data["jurisdiction"].is_national_default
            problems = list(loader.validate(data["source"], complete=complete).problems)
            checked = not problems
        else:
            try:
                pack = services.pack_create(
                    jurisdiction=data["jurisdiction"],
                    year=form.year,
                    source=data["source"],
                    actor=request.user,
                    note=data["note"],
                )
            except PeiliError as error:
                problems = _problems(error)
                if not problems:
                    form.add_error(None, error.message)
            else:
                messages.success(request, _("已建立政策參數包。"))
                return redirect("policy:pack_detail", pk=pack.pk)
    source_text = form.data.get("source", "") if form.is_bound else initial.get("source", "")
    return render(
        request,
        "policy/pack_form.html",
        {
            "form": form,
            "origin": origin,
            "problems": problems,
            "checked": checked,
            "source_lines": _source_lines(source_text, problems) if problems else [],
        },
    )


@requires("policy.manage_packs")
def pack_create(request: HttpRequest) -> HttpResponse:
    return _pack_create_view(request, None)


@requires("policy.manage_packs")
def pack_copy(request: HttpRequest, pk: int) -> HttpResponse:
    return _pack_create_view(request, _pack(pk))


@requires("policy.view_packs")
def pack_history(request: HttpRequest, pk: int) -> HttpResponse:
    pack = _pack(pk)
    return render(
        request,
        "policy/pack_history.html",
        {"pack": pack, "revisions": selectors.pack_revisions(pack)},
    )


@requires("policy.view_packs")
def revision_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    pack = _pack(pk)
    revision = read_for_page(selectors.pack_revision, pack, number)
    result = loader.validate(revision.source, complete=pack.jurisdiction.is_national_default)
    sections = []
    if result.document is not None:
        found, own = selectors.pack_sections(pack, document=result.document, revision=revision.number)
        sections = display.describe(found, own)
    return render(
        request,
        "policy/revision_detail.html",
        {"pack": pack, "revision": revision, "sections": sections, "problems": result.problems},
    )


@requires("policy.view_packs")
def compare(request: HttpRequest) -> HttpResponse:
    chosen = "left" in request.GET and "right" in request.GET
    form = CompareForm(request.GET if chosen else None, initial={"left": request.GET.get("left")})
    rows: list[display.CompareSection] = []
    left = right = None
    if form.is_bound and form.is_valid():
        left, right = form.cleaned_data["left"], form.cleaned_data["right"]
        left_sections, left_own = selectors.pack_sections(left)
        right_sections, right_own = selectors.pack_sections(right)
        rows = display.compare(display.describe(left_sections, left_own), display.describe(right_sections, right_own))
    return render(
        request,
        "policy/compare.html",
        {
            "form": form,
            "left": left,
            "right": right,
            "sections": rows,
            "only_differences": form.is_bound and form.is_valid() and form.cleaned_data["only_differences"],
            "differing": sum(section.differing for section in rows),
        },
    )


def _jurisdiction_form_view(request: HttpRequest, jurisdiction: Jurisdiction | None) -> HttpResponse:
    initial = {}
    if jurisdiction is not None:
        initial = {
            "code": jurisdiction.code,
            "name": jurisdiction.name,
            "is_national_default": jurisdiction.is_national_default,
        }
    form = JurisdictionForm(request.POST or None, initial=initial, editing=jurisdiction is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common = {"name": data["name"], "is_national_default": data["is_national_default"], "actor": request.user}

        def save() -> Jurisdiction:
            if jurisdiction is None:
                return services.jurisdiction_create(code=data["code"], **common)
            return services.jurisdiction_update(jurisdiction=jurisdiction, **common)

        if submit(request, form, save, _("已儲存轄區。")) is not None:
            return redirect("policy:packs")
    return render(request, "policy/jurisdiction_form.html", {"form": form, "jurisdiction": jurisdiction})


@requires("policy.manage_packs")
def jurisdiction_create(request: HttpRequest) -> HttpResponse:
    return _jurisdiction_form_view(request, None)


@requires("policy.manage_packs")
def jurisdiction_edit(request: HttpRequest, code: str) -> HttpResponse:
    return _jurisdiction_form_view(request, read_for_page(selectors.jurisdiction_by_code, code))


@requires("policy.view_packs")
def categories(request: HttpRequest) -> HttpResponse:
    """學習類別: a jurisdiction's learning categories in a year — their tree, which yearly-rule
    requirement counts each, and the national portal's code each goes out with — and, for an
    administrator, a form to fill the codes in (no YAML)."""
    year = timezone.localdate().year
    code = request.GET.get("jurisdiction") or request.POST.get("jurisdiction") or ""
    jurisdiction = selectors.jurisdiction_shown(code)
    view = selectors.category_view(jurisdiction, year) if jurisdiction is not None else None
    can_manage = allowed(request.user, "policy.manage_packs")
    form = None
    if view is not None and can_manage:
        rows = [(row.key, row.name, row.portal_code, row.depth) for row in view.rows]
        form = CategoryCodesForm(request.POST if request.method == "POST" else None, categories=rows)
        if request.method == "POST" and form.is_valid() and jurisdiction is not None:
            codes = form.codes()
            done = submit(
                request,
                form,
                lambda: services.category_codes_set(
                    jurisdiction=jurisdiction, year=year, codes=codes, actor=request.user
                ),
                _("已儲存學習類別的入口網代碼。"),
            )
            if done is not None:
                return redirect(f"{request.path}?jurisdiction={jurisdiction.code}")
    return render(
        request,
        "policy/categories.html",
        {
            "jurisdictions": selectors.jurisdictions(),
            "jurisdiction": jurisdiction,
            "view": view,
            "form": form,
            "rows": [(row, form[f"code_{row.key}"] if form is not None else None) for row in view.rows] if view else [],
            "year": year,
        },
    )
