"""The role matrix: every page and API route, every role — who gets in, and that a refused request
changes nothing. Expectations are written out per permission (not derived from the predicates), so a
predicate that drifts fails here."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from peili.api.router import api
from peili.core.models import CalendarOverride
from peili.policy.models import PolicyPack
from peili.policy.services import presets_load
from tests.factories import PersonFactory, UnitFactory, UserFactory, grant

ROLES = ["anonymous", "admin", "officer", "organizer", "supervisor", "learner", "reviewer"]
SIGNED_IN = set(ROLES) - {"anonymous"}

# Who gets through each named permission (for the objects the matrix uses: all inside the officer's subtree).
EXPECTED: dict[str, set[str]] = {
    "public": set(ROLES),
    "accounts.signed_in": SIGNED_IN,
    "accounts.manage_users": {"admin"},
    "core.view_audit": {"admin"},
    "core.manage_calendar": {"admin"},
    "org.view_agencies": {"admin", "officer", "organizer"},
    "org.manage_agencies": {"admin"},
    "org.view_people": {"admin", "officer", "supervisor"},
    "org.import_people": {"admin", "officer"},
    "org.view_own_record": {"supervisor", "learner"},
    "policy.view_packs": {"admin", "officer", "organizer"},
    "policy.manage_packs": {"admin"},
}

# Object-level checks inside a view narrow some routes further than the view's named permission.
OBJECT_LEVEL: dict[str, set[str]] = {}

SKIP_NAMESPACES = {"api"}
SKIP_NAMES = {"set_language"}


@dataclass
class World:
    users: dict[str, Any]
    staff: Any
    agency: Any
    override: Any
    pack: Any
    # Objects that the apps' matrix modules add (tests/<app>/matrix.py `build(world)`).
    extra: dict[str, Any] = field(default_factory=dict)


# Each app may keep its part of the matrix in tests/<app>/matrix.py (or several parts, in
# tests/<app>/matrix_<part>.py) with:
#   EXPECTED: dict[permission, set[role]]     who gets through each of its named permissions
#   build(world) -> None                      create the objects its routes need (into world.extra)
#   route_kwargs(world) -> dict[url name, kwargs]
#   api_path_params(world) -> dict["{placeholder}", value]
#   OBJECT_LEVEL (optional): dict[url name, set[role]]   routes its objects narrow further
# so that apps extend the matrix without editing this file.
APP_MATRICES = [
    importlib.import_module(f"tests.{path.parent.name}.{path.stem}")
    for path in sorted(Path(__file__).parent.glob("*/matrix*.py"))
]
for _module in APP_MATRICES:
    EXPECTED.update(_module.EXPECTED)
    OBJECT_LEVEL.update(getattr(_module, "OBJECT_LEVEL", {}))


@pytest.fixture
def world(tree, jurisdiction) -> World:
    unit = UnitFactory(agency=tree["a"], name="考訓科")
    users = {"anonymous": None}
    for role in ROLES[1:]:
        users[role] = UserFactory(username=f"m-{role}")
    grant(users["admin"], "admin")
    grant(users["officer"], "personnel_officer", tree["a"])
    grant(users["organizer"], "organizer", tree["a"])
    grant(users["supervisor"], "supervisor", tree["a"])
    grant(users["reviewer"], "reviewer")
    PersonFactory(user=users["supervisor"], agency=tree["a"], unit=unit, is_supervisor=True)
    PersonFactory(user=users["learner"], agency=tree["a1"])
    staff = PersonFactory(agency=tree["a"], unit=unit)
    override = CalendarOverride.objects.create(date=date(2026, 9, 2), kind="day_off", reason="颱風")
    presets_load(actor=None)
    pack = PolicyPack.objects.get(jurisdiction=jurisdiction)
    built = World(users=users, staff=staff, agency=tree["a"], override=override, pack=pack)
    for module in APP_MATRICES:
        module.build(built)
    return built


def route_kwargs(name: str, w: World) -> dict[str, Any]:
    table = {
        "accounts:user_detail": {"pk": w.users["learner"].pk},
        "accounts:user_toggle_active": {"pk": w.users["learner"].pk},
        "accounts:role_revoke": {
            "pk": w.users["officer"].pk,
            "assignment_id": w.users["officer"].role_assignments.first().pk,
        },
        "org:agency_detail": {"code": w.agency.code},
        "org:agency_edit": {"code": w.agency.code},
        "org:person_detail": {"pk": w.staff.pk},
        "core:calendar_delete": {"pk": w.override.pk},
        "policy:jurisdiction_edit": {"code": w.pack.jurisdiction.code},
        "policy:pack_detail": {"pk": w.pack.pk},
        "policy:pack_edit": {"pk": w.pack.pk},
        "policy:pack_copy": {"pk": w.pack.pk},
        "policy:pack_history": {"pk": w.pack.pk},
        "policy:revision_detail": {"pk": w.pack.pk, "number": 1},
    }
    for module in APP_MATRICES:
        table.update(module.route_kwargs(w))
    return table[name]


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}:{p.name}" if namespace else p.name), prefix + str(p.pattern), p.callback


def page_routes():
    for name, pattern, callback in _walk(get_resolver().url_patterns):
        if name and (name.split(":")[0] in SKIP_NAMESPACES or name in SKIP_NAMES):
            continue
        yield name, pattern, callback


PAGE_ROUTES = sorted({name for name, _, _ in page_routes() if name})


def test_every_route_is_named_and_guarded():
    unguarded = [
        (name, pattern)
        for name, pattern, cb in page_routes()
        if not hasattr(cb, "peili_permission") and "api/v1/" not in pattern
    ]
    assert unguarded == []
    for name, _pattern, callback in page_routes():
        assert callback.peili_permission in EXPECTED, f"{name}: add {callback.peili_permission} to EXPECTED"


def test_every_api_operation_is_guarded():
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                permission = getattr(operation.view_func, "peili_permission", None)
                assert permission in EXPECTED, f"{path} {operation.methods}: {permission}"


def db_state() -> dict[str, str]:
    """Every row of every table (the matrix world is small): a refused request must not change a
    value, not just the row counts."""
    return {
        m._meta.label: repr(list(m.objects.order_by("pk").values_list()))
        for m in apps.get_models()
        if m._meta.label != "sessions.Session"
    }


POST_PAYLOAD = {
    "username": "intruder",
    "display_name": "入侵者",
    "password": "Very-long-password-2026",
    "role": "admin",
    "code": "376570999A",
    "name": "新機關",
    "year": "115",
    "budgeted_headcount": "5",
    "day": "115/12/01",
    "kind": "day_off",
    "reason": "颱風",
    "source": "x: 1",
    "note": "n",
}


def _url(name: str, w: World) -> str:
    try:
        return reverse(name)
    except Exception:
        return reverse(name, kwargs=route_kwargs(name, w))


@pytest.mark.parametrize("name", PAGE_ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_page_matrix(client, world, name, role):
    callback = next(cb for n, _, cb in page_routes() if n == name)
    permission = callback.peili_permission
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    url = _url(name, world)
    allowed = role in OBJECT_LEVEL.get(name, EXPECTED[permission])
    before = db_state()
    response = client.get(url)
    if response.status_code == 405:  # POST-only action
        response = client.post(url, POST_PAYLOAD)
    if allowed:
        assert response.status_code in {200, 302}, (name, role, response.status_code)
    else:
        if role == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login"))
        else:
            assert response.status_code == 403, (name, role, response.status_code)
        # A refused request changes nothing, even as a POST with plausible data.
        client.post(url, {**POST_PAYLOAD, "jurisdiction": world.agency.jurisdiction_id})
        assert db_state() == before


def api_operations():
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    yield method, ("/api/v1" + prefix.rstrip("/") + path).replace("//", "/"), operation.view_func


API_OPS = sorted({(m, p) for m, p, _ in api_operations()})


def _api_path(path: str, w: World) -> str:
    for module in APP_MATRICES:
        for placeholder, value in module.api_path_params(w).items():
            path = path.replace(placeholder, str(value))
    return (
        path.replace("{person_id}", str(w.staff.pk))
        .replace("{pack_id}", str(w.pack.pk if w.pack else 0))
        .replace("{code}", w.agency.jurisdiction.code)
    )


@pytest.mark.parametrize(("method", "path"), API_OPS)
@pytest.mark.parametrize("role", ROLES)
def test_api_matrix(client, world, method, path, role):
    view = next(v for m, p, v in api_operations() if (m, p) == (method, path))
    permission = view.peili_permission
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    before = db_state()
    response = client.generic(method, _api_path(path, world), "{}", content_type="application/json")
    if role in EXPECTED[permission]:
        assert response.status_code not in {401, 403}, (path, role, response.content)
        assert response.status_code < 500, (path, role, response.content)
    else:
        expected = 401 if role == "anonymous" else 403
        assert response.status_code == expected, (path, role, response.status_code)
        body = response.json()
        assert body["code"] == ("auth.required" if role == "anonymous" else "permission.denied")
        assert db_state() == before
