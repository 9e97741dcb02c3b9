from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from peili.api import errors
from peili.api.errors import api_errors
from peili.api.schemas import Id, InSchema, Year
from peili.core.errors import NotFound
from peili.core.permissions import api_requires
from peili.policy import loader, selectors, services
from peili.policy.enums import Section
from peili.policy.models import Jurisdiction, PolicyPack

router = Router(tags=["政策參數"])


class JurisdictionOut(Schema):
    code: str
    name: str
    is_national_default: bool
    years: list[int]


class PackSummaryOut(Schema):
    id: int
    jurisdiction: str
    year: int
    title: str
    revision: int
    updated_at: datetime


class PackOut(PackSummaryOut):
    source: str
    data: dict[str, Any]


class OriginOut(Schema):
    jurisdiction: str
    year: int
    revision: int
    pack_id: int | None


class EffectiveOut(Schema):
    jurisdiction: str
    year: int
    title: str
    sections: dict[str, dict[str, Any] | None]
    origins: dict[str, OriginOut]
    inherited: list[str]


class ProblemOut(Schema):
    line: int
    path: str
    code: str
    message: str


class ValidateIn(InSchema):
    source: str
    jurisdiction: str | None = None


class ValidateOut(Schema):
    valid: bool
    title: str | None
    problems: list[ProblemOut]


class PackCreateIn(InSchema):
    jurisdiction: str
    year: Year
    source: str
    note: str = ""


class PackUpdateIn(InSchema):
    source: str
    note: str
    # The revision the edit started from; a stale one is refused with policy.stale_revision (409).
    base_revision: Id | None = None


def _summary(pack: PolicyPack) -> dict[str, Any]:
    return {
        "id": pack.pk,
        "jurisdiction": pack.jurisdiction.code,
        "year": pack.year,
        "title": pack.title,
        "revision": pack.revision,
        "updated_at": pack.updated_at,
    }


def _pack_out(pack: PolicyPack) -> PackOut:
    return PackOut(**_summary(pack), source=pack.source, data=pack.data)


def _get_pack(pack_id: int) -> PolicyPack:
    pack = PolicyPack.objects.select_related("jurisdiction").filter(pk=pack_id).first()
    if pack is None:
        raise NotFound(errors.POLICY_PACK_NOT_FOUND, _("找不到此政策參數包。"))
    return pack


@router.get("/jurisdictions", response=list[JurisdictionOut], summary="轄區一覽")
@api_requires("policy.view_packs")
def jurisdictions(request: HttpRequest) -> list[JurisdictionOut]:
    return [
        JurisdictionOut(
            code=j.code,
            name=j.name,
            is_national_default=j.is_national_default,
            years=[p.year for p in j.packs.all()],
        )
        for j in selectors.jurisdictions_with_packs()
    ]


@router.get("/packs", response=list[PackSummaryOut], summary="政策參數包一覽")
@api_requires("policy.view_packs")
def packs(request: HttpRequest, jurisdiction: str | None = None) -> list[dict[str, Any]]:
    qs = selectors.packs_for_choice()
    if jurisdiction:
        qs = qs.filter(jurisdiction__code=jurisdiction)
    return [_summary(p) for p in qs]


@router.get("/packs/{pack_id}", response=PackOut, summary="政策參數包（驗證後內容、YAML 原文與版次）")
@api_requires("policy.view_packs")
@api_errors(errors.POLICY_PACK_NOT_FOUND)
def pack(request: HttpRequest, pack_id: Id) -> PackOut:
    return _pack_out(_get_pack(pack_id))


@router.get(
    "/effective/{code}/{year}",
    response=EffectiveOut,
    summary="某轄區某年度（西元）實際適用的規定（未規定的區段沿用全國預設）",
)
@api_requires("policy.view_packs")
@api_errors(errors.POLICY_JURISDICTION_NOT_FOUND, errors.POLICY_NO_PACK, errors.POLICY_SECTION_MISSING)
def effective(request: HttpRequest, code: str, year: Year) -> EffectiveOut:
    found = selectors.effective_pack(code, year)
    sections: dict[str, dict[str, Any] | None] = {}
    for name in Section.values:
        value = found.section(name)
        sections[name] = value.model_dump(mode="json") if value is not None else None
    return EffectiveOut(
        jurisdiction=found.jurisdiction_code,
        year=found.year,
        title=found.title,
        sections=sections,
        origins={
            name: OriginOut(
                jurisdiction=origin.jurisdiction_code,
                year=origin.year,
                revision=origin.revision,
                pack_id=origin.pack_id,
            )
            for name, origin in found.origins.items()
        },
        inherited=list(found.inherited),
    )


@router.post("/validate", response=ValidateOut, summary="檢查 YAML 內容（不儲存），回傳含行號的問題清單")
@api_requires("policy.view_packs")
@api_errors(errors.POLICY_JURISDICTION_NOT_FOUND)
def validate(request: HttpRequest, payload: ValidateIn) -> ValidateOut:
    complete = False
    if payload.jurisdiction:
        complete = selectors.jurisdiction_by_code(payload.jurisdiction).is_national_default
    result = loader.validate(payload.source, complete=complete)
    return ValidateOut(
        valid=result.ok,
        title=result.document.title if result.document else None,
        problems=[ProblemOut(**p.as_dict()) for p in result.problems],
    )


@router.post("/packs", response={201: PackOut}, summary="新增政策參數包（系統管理者）")
@api_requires("policy.manage_packs")
@api_errors(
    errors.POLICY_JURISDICTION_NOT_FOUND,
    errors.POLICY_NOTE_TOO_LONG,
    errors.POLICY_INVALID,
    errors.POLICY_PACK_EXISTS,
)
def pack_create(request: HttpRequest, payload: PackCreateIn) -> Status[PackOut]:
    jurisdiction: Jurisdiction = selectors.jurisdiction_by_code(payload.jurisdiction)
    created = services.pack_create(
        jurisdiction=jurisdiction, year=payload.year, source=payload.source, actor=request.user, note=payload.note
    )
    return Status(201, _pack_out(created))


@router.put("/packs/{pack_id}", response=PackOut, summary="修改政策參數包，建立新版本（系統管理者）")
@api_requires("policy.manage_packs")
@api_errors(
    errors.POLICY_PACK_NOT_FOUND, errors.POLICY_NOTE_TOO_LONG, errors.POLICY_STALE_REVISION, errors.POLICY_INVALID
)
def pack_update(request: HttpRequest, pack_id: Id, payload: PackUpdateIn) -> PackOut:
    updated = services.pack_update(
        pack=_get_pack(pack_id),
        source=payload.source,
        actor=request.user,
        note=payload.note,
        base_revision=payload.base_revision,
    )
    return _pack_out(updated)
