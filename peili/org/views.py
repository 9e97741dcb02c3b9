from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from peili.core import roc
from peili.core.pages import read_for_page, submit
from peili.core.permissions import allowed, requires
from peili.org import selectors, services
from peili.org.forms import AgencyForm, HeadcountForm, PeopleFilterForm
from peili.org.models import Agency, Person
from peili.org.scopes import grants_for


@requires("org.view_agencies")
def agencies(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    rows = selectors.agencies_with_headcounts_for_user(request.user, year)
    return render(
        request,
        "org/agencies.html",
        {"rows": rows, "year": year, "can_manage": allowed(request.user, "org.manage_agencies")},
    )


@requires("org.view_agencies")
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = read_for_page(selectors.agency_for_user, request.user, code)
    can_manage = allowed(request.user, "org.manage_agencies")
    form = HeadcountForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("org.manage_agencies")
        if form.is_valid():
            services.headcount_set(
                agency=agency,
                year=form.cleaned_data["year"] + roc.ROC_OFFSET,
                budgeted_headcount=form.cleaned_data["budgeted_headcount"],
                actor=request.user,
            )
            messages.success(request, _("已更新預算員額。"))
            return redirect("org:agency_detail", code=code)
    return render(
        request,
        "org/agency_detail.html",
        {
            "agency": agency,
            "children": agency.children.order_by("code"),
            "units": agency.units.all(),
            "headcounts": agency.headcounts.all(),
            "form": form,
            "can_manage": can_manage,
            "people_count": selectors.active_people_count(agency),
        },
    )


def _agency_form_view(request: HttpRequest, agency: Agency | None) -> HttpResponse:
    initial = {}
    if agency is not None:
        initial = {
            "code": agency.code,
            "name": agency.name,
            "short_name": agency.short_name,
            "parent": agency.parent,
            "jurisdiction": agency.jurisdiction,
            "is_training_body": agency.is_training_body,
        }
    form = AgencyForm(request.POST or None, initial=initial, editing=agency is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        current = agency

        def save() -> Agency:
            if current is None:
                return services.agency_create(actor=request.user, **data)
            data.pop("code")
            return services.agency_update(agency=current, actor=request.user, **data)

        saved = submit(request, form, save, _("已儲存機關資料。"))
        if saved is not None:
            return redirect("org:agency_detail", code=saved.code)
    return render(request, "org/agency_form.html", {"form": form, "agency": agency})


@requires("org.manage_agencies")
def agency_create(request: HttpRequest) -> HttpResponse:
    return _agency_form_view(request, None)


@requires("org.manage_agencies")
def agency_edit(request: HttpRequest, code: str) -> HttpResponse:
    return _agency_form_view(request, read_for_page(selectors.agency_by_code, code))


@requires("org.view_people")
def people(request: HttpRequest) -> HttpResponse:
    params = request.GET.copy()
    params.setdefault("active", "1")  # in service unless the user chose otherwise — on every page
    form = PeopleFilterForm(params)
    form.fields["agency"].queryset = selectors.agencies_for_user(request.user)  # type: ignore[attr-defined]
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {"q": "", "agency": None, "active": "1"}
    qs = selectors.people_search(
        request.user,
        q=filters["q"],
        agency=filters["agency"],
        active={"1": True, "0": False}.get(filters["active"]),
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "org/people.html", {"page": page, "form": form})


@requires("org.view_people")
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = read_for_page(selectors.person_for_user, request.user, pk)
    return _render_person(request, person)


@requires("org.view_own_record")
def my_record(request: HttpRequest) -> HttpResponse:
    person = read_for_page(selectors.own_person_for_user, request.user)
    return _render_person(request, person)


def _render_person(request: HttpRequest, person: Person) -> HttpResponse:
    return render(
        request,
        "org/person_detail.html",
        {
            "person": person,
            "show_full_id": allowed(request.user, "org.view_full_national_id", person)
            or grants_for(request.user).person_id == person.pk,
            "ratings": person.ratings.all(),
            "disciplinary": person.disciplinary_records.all(),
        },
    )
