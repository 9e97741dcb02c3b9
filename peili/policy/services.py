"""Writes to jurisdictions and policy packs. Each function is atomic, validates before it writes,
and leaves an audit entry; a pack change also leaves a numbered `PolicyPackRevision`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from peili.core import audit, locking
from peili.core.errors import Conflict, PeiliError
from peili.core.roc import ROC_OFFSET
from peili.policy import loader
from peili.policy.codes import Action, Error
from peili.policy.enums import REQUIRED_SECTIONS, Section
from peili.policy.models import Jurisdiction, PolicyPack, PolicyPackRevision
from peili.policy.schema import PackDocument
from peili.policy.selectors import effective_pack

JURISDICTION_FIELDS = ["code", "name", "is_national_default"]
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MIN_YEAR = 1912  # ROC year 1
MAX_YEAR = 2200
NOTE_MAX = 200

PRESET_DIR = Path(__file__).resolve().parent / "presets"


@dataclass(frozen=True)
class Preset:
    code: str
    name: str
    is_national_default: bool
    year: int
    filename: str

    def source(self) -> str:
        return (PRESET_DIR / self.filename).read_text(encoding="utf-8")


PRESETS: tuple[Preset, ...] = (
    Preset("national", "全國（預設）", True, 2026, "national-2026.yaml"),
    Preset("hsinchu-city", "新竹市政府", False, 2022, "hsinchu-city-2022.yaml"),
    Preset("kaohsiung-edu", "高雄市政府教育局", False, 2014, "kaohsiung-edu-2014.yaml"),
    Preset("chiayi-county", "嘉義縣政府", False, 2014, "chiayi-county-2014.yaml"),
    Preset("taipei-city", "臺北市政府", False, 2020, "taipei-city-2020.yaml"),
)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeiliError(
            Error.POLICY_YEAR_INVALID,
            _("年度須介於民國 %(lo)d 年與 %(hi)d 年之間。")
            % {"lo": MIN_YEAR - ROC_OFFSET, "hi": MAX_YEAR - ROC_OFFSET},
        )


def _check_note(note: str) -> None:
    if len(note) > NOTE_MAX:
        raise PeiliError(Error.POLICY_NOTE_TOO_LONG, _("修改說明最多 %(n)d 字。") % {"n": NOTE_MAX})


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100:
        raise PeiliError(Error.POLICY_JURISDICTION_NAME_INVALID, _("轄區名稱須為 1 至 100 字。"))
    return name


def _summary(pack: PolicyPack, document: PackDocument) -> dict[str, Any]:
    return {
        "jurisdiction": pack.jurisdiction.code,
        "year": pack.year,
        "title": pack.title,
        "revision": pack.revision,
        "sections": document.present_sections(),
    }


_ABSENT = object()


def _changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The keys whose values differ, on both sides (unlike `audit.diff`, keys that disappear count)."""
    keys = list(dict.fromkeys([*before, *after]))
    changed = [k for k in keys if before.get(k, _ABSENT) != after.get(k, _ABSENT)]
    return {k: before.get(k) for k in changed}, {k: after.get(k) for k in changed}


# --- jurisdictions ------------------------------------------------------------------------------


def _incomplete_packs(jurisdiction: Jurisdiction) -> list[dict[str, Any]]:
    out = []
    for pack in jurisdiction.packs.order_by("year"):
        document = loader.from_data(pack.data)
        missing = [name for name in REQUIRED_SECTIONS if document.section(name) is None]
        if missing:
            out.append({"year": pack.year, "sections": missing})
    return out


def _claim_default(jurisdiction: Jurisdiction | None) -> None:
    others = Jurisdiction.objects.filter(is_national_default=True)
    if jurisdiction is not None:
        others = others.exclude(pk=jurisdiction.pk)
    other = others.first()
    if other is not None:
        raise Conflict(
            Error.POLICY_DEFAULT_EXISTS,
            _("「%(name)s」已是全國預設，請先取消它的全國預設。") % {"name": other.name},
        )


@transaction.atomic
def jurisdiction_create(*, code: str, name: str, is_national_default: bool = False, actor: Any) -> Jurisdiction:
    code = code.strip()
    if not CODE_PATTERN.match(code):
        raise PeiliError(
            Error.POLICY_JURISDICTION_CODE_INVALID,
            _("轄區代碼須為小寫英文字母、數字與連字號（最多 40 字），例如 hsinchu-city。"),
        )
    if Jurisdiction.objects.filter(code=code).exists():
        raise Conflict(Error.POLICY_JURISDICTION_EXISTS, _("轄區代碼 %(code)s 已存在。") % {"code": code})
    if is_national_default:
        _claim_default(None)
    jurisdiction = Jurisdiction.objects.create(
        code=code, name=_check_name(name), is_national_default=is_national_default
    )
    audit.record(
        actor=actor,
        action=Action.JURISDICTION_CREATE,
        target=jurisdiction,
        after=audit.snapshot(jurisdiction, JURISDICTION_FIELDS),
    )
    return jurisdiction


@transaction.atomic
def jurisdiction_update(
    *, jurisdiction: Jurisdiction, name: str, is_national_default: bool, actor: Any
) -> Jurisdiction:
    """Rename a jurisdiction or make it (or stop it being) the national default. The code never
    changes: API clients and presets refer to it. A new national default must have every
    section other packs inherit in each of its packs."""
    jurisdiction = locking.lock_row(Jurisdiction, pk=jurisdiction.pk)
    before = audit.snapshot(jurisdiction, JURISDICTION_FIELDS)
    if is_national_default and not jurisdiction.is_national_default:
        incomplete = _incomplete_packs(jurisdiction)
        if incomplete:
            raise PeiliError(
                Error.POLICY_DEFAULT_INCOMPLETE,
                _("此轄區有參數包缺少全國預設必備的區段（%(sections)s），不能設為全國預設。")
                % {"sections": "、".join(str(Section(n).label) for n in REQUIRED_SECTIONS)},
                details=incomplete,
            )
        # The default moves here: the previous one stops being it, in the same transaction.
        for previous in locking.locked(Jurisdiction.objects.filter(is_national_default=True)):
            previous.is_national_default = False
            previous.save(update_fields=["is_national_default"])
            audit.record(
                actor=actor,
                action=Action.JURISDICTION_UPDATE,
                target=previous,
                before={"is_national_default": True},
                after={"is_national_default": False},
            )
    if jurisdiction.is_national_default and not is_national_default:
        # Every jurisdiction without its own hours, study or subsidy rules inherits them from here.
        raise PeiliError(
            Error.POLICY_DEFAULT_REQUIRED,
            _("必須有一個全國預設轄區：請改將另一個轄區設為全國預設，本轄區即自動取消。"),
        )
    jurisdiction.name = _check_name(name)
    jurisdiction.is_national_default = is_national_default
    jurisdiction.save()
    before_changed, after_changed = audit.diff(before, audit.snapshot(jurisdiction, JURISDICTION_FIELDS))
    if after_changed:
        audit.record(
            actor=actor,
            action=Action.JURISDICTION_UPDATE,
            target=jurisdiction,
            before=before_changed,
            after=after_changed,
        )
    return jurisdiction


# --- packs --------------------------------------------------------------------------------------


@transaction.atomic
def pack_create(*, jurisdiction: Jurisdiction, year: int, source: str, actor: Any, note: str = "") -> PolicyPack:
    """Validate `source` and save it as revision 1 of the jurisdiction's pack for `year`.

    Raises `PeiliError("policy.invalid", details=[problems])` before writing anything, and
    `Conflict("policy.pack_exists")` when the jurisdiction already has a pack for that year.
    """
    _check_year(year)
    _check_note(note)
    document = loader.load(source, complete=jurisdiction.is_national_default)
    exists = Conflict(
        Error.POLICY_PACK_EXISTS,
        _("「%(name)s」已有 %(year)d 年度的政策參數包。") % {"name": jurisdiction.name, "year": year - ROC_OFFSET},
    )
    if PolicyPack.objects.filter(jurisdiction=jurisdiction, year=year).exists():
        raise exists
    try:
        with transaction.atomic():
            pack = PolicyPack.objects.create(
                jurisdiction=jurisdiction,
                year=year,
                title=document.title,
                source=source,
                data=loader.to_data(document),
                revision=1,
                updated_by=_user(actor),
            )
    except IntegrityError:
        raise exists from None
    PolicyPackRevision.objects.create(
        pack=pack, number=1, source=source, note=note or _("建立"), created_by=_user(actor)
    )
    audit.record(actor=actor, action=Action.PACK_CREATE, target=pack, after=_summary(pack, document), note=note)
    return pack


@transaction.atomic
def pack_update(
    *, pack: PolicyPack, source: str, actor: Any, note: str, base_revision: int | None = None
) -> PolicyPack:
    """Replace a pack's source with a new revision. Nothing is written when `source` is invalid
    (`PeiliError("policy.invalid")`) or identical to the current one (the pack is returned as is).
    The audit entry lists every changed parameter by dotted path, before and after."""
    _check_note(note)
    pack = locking.lock_row(PolicyPack.objects.select_related("jurisdiction"), pk=pack.pk)
    if base_revision is not None and base_revision != pack.revision:
        raise Conflict(
            Error.POLICY_STALE_REVISION,
            _("此參數包已有人儲存第 %(n)d 版；請重新開啟編輯頁，在最新版本上修改。") % {"n": pack.revision},
            details={"current_revision": pack.revision, "base_revision": base_revision},
        )
    document = loader.load(source, complete=pack.jurisdiction.is_national_default)
    if source == pack.source:
        return pack
    old_revision, old_data = pack.revision, pack.data
    pack.source = source
    pack.data = loader.to_data(document)
    pack.title = document.title
    pack.revision = old_revision + 1
    pack.updated_by = _user(actor)
    pack.save()
    PolicyPackRevision.objects.create(
        pack=pack, number=pack.revision, source=source, note=note, created_by=_user(actor)
    )
    before, after = _changes(loader.flatten(old_data), loader.flatten(pack.data))
    audit.record(
        actor=actor,
        action=Action.PACK_UPDATE,
        target=pack,
        before={"revision": old_revision, **before},
        after={"revision": pack.revision, **after},
        note=note,
    )
    return pack


def pack_copy(*, pack: PolicyPack, jurisdiction: Jurisdiction, year: int, actor: Any, note: str = "") -> PolicyPack:
    """A new pack (another year, or another jurisdiction) starting from `pack`'s source."""
    default_note = _("複製自 %(pack)s 第 %(rev)d 版") % {"pack": pack.title, "rev": pack.revision}
    return pack_create(
        jurisdiction=jurisdiction, year=year, source=pack.source, actor=actor, note=note or default_note[:NOTE_MAX]
    )


@transaction.atomic
def presets_load(*, actor: Any) -> list[PolicyPack]:
    """Create the preset jurisdictions and their packs where missing; return the preset packs.

    Idempotent: an existing jurisdiction (even renamed) or pack (even edited) is left alone. The
    national preset becomes the national default only when no jurisdiction is one yet.
    """
    packs: list[PolicyPack] = []
    for preset in PRESETS:
        jurisdiction = Jurisdiction.objects.filter(code=preset.code).first()
        if jurisdiction is None:
            default_free = not Jurisdiction.objects.filter(is_national_default=True).exists()
            jurisdiction = jurisdiction_create(
                code=preset.code,
                name=preset.name,
                is_national_default=preset.is_national_default and default_free,
                actor=actor,
            )
        pack = PolicyPack.objects.filter(jurisdiction=jurisdiction, year=preset.year).first()
        if pack is None:
            pack = pack_create(
                jurisdiction=jurisdiction,
                year=preset.year,
                source=preset.source(),
                actor=actor,
                note=_("載入預設參數包 %(file)s") % {"file": preset.filename},
            )
        packs.append(pack)
    return packs


# --- learning categories' portal codes ----------------------------------------------------------

PORTAL_CODE = re.compile(r"^[0-9A-Za-z]{1,10}$")


def category_codes_set(
    *, jurisdiction: Jurisdiction, year: int, codes: dict[str, str], actor: Any, note: str = ""
) -> PolicyPack:
    """Fill in (or clear, with "") the national portal's category codes of learning categories:
    the pack that gives `jurisdiction` its `hours` section in `year` gets a new revision with the
    codes written into its YAML (comments and layout kept), validated and audited like any edit.
    Only the portal's upload files need the codes; counting hours never does."""
    origin = effective_pack(jurisdiction, year).origins.get(Section.HOURS)
    pack = PolicyPack.objects.filter(pk=origin.pack_id).first() if origin and origin.pack_id else None
    if pack is None:
        raise PeiliError(Error.POLICY_NO_PACK, _("這個轄區在該年度沒有學習時數規定，無從設定學習類別。"))
    known = loader.from_data(pack.data).hours
    assert known is not None  # the pack gives the hours section
    unknown = sorted(key for key in codes if key not in known.categories)
    if unknown:
        raise PeiliError(
            Error.POLICY_UNKNOWN_CATEGORY,
            _("學習類別「%(keys)s」不在參數包中。") % {"keys": "、".join(unknown)},
            details={"categories": unknown},
        )
    cleaned = {key: code.strip() for key, code in codes.items()}
    wrong = {key: code for key, code in cleaned.items() if code and not PORTAL_CODE.match(code)}
    if wrong:
        raise PeiliError(
            Error.POLICY_CATEGORY_CODE_INVALID,
            _("入口網代碼只能含英文字母與數字（1 至 10 碼）：%(items)s。")
            % {"items": "、".join(f"{known.categories[k].name}「{c}」" for k, c in sorted(wrong.items()))},
            details={"categories": sorted(wrong)},
        )
    changed = {
        key: code or None for key, code in cleaned.items() if (code or None) != known.categories[key].portal_code
    }
    if not changed:
        return pack
    source = loader.with_category_codes(pack.source, changed)
    return pack_update(pack=pack, source=source, actor=actor, note=note or _("設定學習類別的入口網代碼"))
