"""Reads of policy packs. `effective_pack(jurisdiction, year)` is what other apps call."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from peili.core import versions
from peili.core.codes import Error as CoreError
from peili.core.errors import NotFound, PeiliError
from peili.policy import loader, rules
from peili.policy.codes import Error
from peili.policy.enums import Section
from peili.policy.models import Jurisdiction, PolicyPack, PolicyPackRevision
from peili.policy.schema import HoursRule, Pack, PackDocument, PackLayer, PackOrigin, SectionBase


def national_default() -> Jurisdiction | None:
    return Jurisdiction.objects.filter(is_national_default=True).first()


def jurisdiction_by_code(code: str) -> Jurisdiction:
    found = Jurisdiction.objects.filter(code=code).first()
    if found is None:
        raise NotFound(Error.POLICY_JURISDICTION_NOT_FOUND, _("找不到轄區「%(code)s」。") % {"code": code})
    return found


def jurisdictions() -> QuerySet[Jurisdiction]:
    """Every jurisdiction, the national default first."""
    return Jurisdiction.objects.order_by("-is_national_default", "code")


def jurisdiction_shown(code: str) -> Jurisdiction | None:
    """The jurisdiction a page shows: the one named, or without a name the national default; when
    neither is found, the first by code (None when there are no jurisdictions)."""
    found = Jurisdiction.objects.filter(code=code).first() if code else national_default()
    return found or Jurisdiction.objects.order_by("code").first()


def jurisdictions_with_packs() -> QuerySet[Jurisdiction]:
    """Every jurisdiction with its packs (newest year first) in two queries."""
    packs = PolicyPack.objects.select_related("updated_by").order_by("-year")
    return Jurisdiction.objects.prefetch_related(Prefetch("packs", queryset=packs)).order_by(
        "-is_national_default", "code"
    )


def packs_for_choice(jurisdiction_code: str | None = None) -> QuerySet[PolicyPack]:
    """Every pack (those of one jurisdiction, by code), the national default's first."""
    qs = PolicyPack.objects.select_related("jurisdiction").order_by(
        "-jurisdiction__is_national_default", "jurisdiction__code", "-year"
    )
    return qs.filter(jurisdiction__code=jurisdiction_code) if jurisdiction_code else qs


def pack_by_id(pack_id: int) -> PolicyPack:
    """A pack (anyone who may view packs sees them all): `policy.pack_not_found` when there is none."""
    pack = PolicyPack.objects.select_related("jurisdiction").filter(pk=pack_id).first()
    if pack is None:
        raise NotFound(Error.POLICY_PACK_NOT_FOUND, _("找不到此政策參數包。"))
    return pack


def pack_for_page(pack_id: int) -> PolicyPack:
    """A pack with its jurisdiction and last editor: `policy.pack_not_found`."""
    pack = PolicyPack.objects.select_related("jurisdiction", "updated_by").filter(pk=pack_id).first()
    if pack is None:
        raise NotFound(Error.POLICY_PACK_NOT_FOUND, _("找不到此政策參數包。"))
    return pack


def pack_revision(pack: PolicyPack, number: int) -> PolicyPackRevision:
    """One revision of the pack, by number: not found when it has none by that number."""
    found = pack.revisions.select_related("created_by").filter(number=number).first()
    if found is None:
        raise NotFound(CoreError.NOT_FOUND, _("找不到此資源。"))
    return found


def pack_revisions(pack: PolicyPack) -> QuerySet[PolicyPackRevision]:
    return pack.revisions.select_related("created_by").order_by("-number")


def layer(pack: PolicyPack) -> PackLayer:
    """A stored pack as a validated document with its origin (jurisdiction, year, revision).

    Read from its YAML, not from `data`: PostgreSQL's jsonb keeps keys in its own order, and the
    order of tracks, mandatory categories and floors is the pack author's (shortfalls, filter
    choices and plan totals follow it). Effective packs are kept per process, so parsing is rare."""
    return PackLayer(
        document=loader.load(pack.source),
        origin=PackOrigin(
            jurisdiction_code=pack.jurisdiction.code,
            jurisdiction_name=pack.jurisdiction.name,
            year=pack.year,
            revision=pack.revision,
            pack_id=pack.pk,
        ),
    )


def _latest(jurisdiction: Jurisdiction | None, year: int) -> PolicyPack | None:
    if jurisdiction is None:
        return None
    return (
        PolicyPack.objects.select_related("jurisdiction")
        .filter(jurisdiction=jurisdiction, year__lte=year)
        .order_by("-year")
        .first()
    )


def _national_pack(default: Jurisdiction, year: int) -> PolicyPack | None:
    """The national default's pack for the greatest year ≤ `year`, or — before its first pack —
    its earliest one: the national baseline reaches back, a jurisdiction's own pack never does."""
    return _latest(default, year) or (
        PolicyPack.objects.select_related("jurisdiction").filter(jurisdiction=default).order_by("year").first()
    )


def fallback_layer(jurisdiction: Jurisdiction, year: int) -> PackLayer | None:
    """The national-default pack that fills `jurisdiction`'s missing sections in `year` (None for
    the default itself, or when there is no national default pack)."""
    default = national_default()
    if default is None or default.pk == jurisdiction.pk:
        return None
    pack = _national_pack(default, year)
    return layer(pack) if pack is not None else None


_effective = versions.ProcessCache[Pack](versions.POLICY)


def effective_pack(jurisdiction: Jurisdiction | str, year: int) -> Pack:
    """The rules in force for a jurisdiction in a (Gregorian) year.

    The jurisdiction's pack for the greatest year ≤ `year`; each section it leaves out is taken
    whole from the national default's pack for the greatest year ≤ `year` (or, for a year before
    the national default's first pack, its earliest pack — see `Pack.backdated`). Raises
    `NotFound` ("policy.no_pack") when there is nothing to read, `PeiliError`
    ("policy.section_missing") when a section every pack needs (hours, study, subsidy) is missing.
    """
    code = jurisdiction if isinstance(jurisdiction, str) else jurisdiction.code
    return _effective.get((code, year), lambda: _effective_pack(jurisdiction, year))


def hours_rule(jurisdiction: Jurisdiction | str, year: int) -> HoursRule | None:
    """The yearly hours rule in force — with its learning categories — or None when no pack
    reaches that year (nothing to count against)."""
    try:
        return effective_pack(jurisdiction, year).hours
    except PeiliError:
        return None


def category_choices(rule: HoursRule | None) -> list[tuple[str, str]]:
    """(key, label) of every learning category of `rule`, each followed by those under it and
    indented by its depth: the options of a category picker."""
    if rule is None:
        return []
    return [(key, "　" * depth + category.name) for key, category, depth in rule.ordered_categories()]


@dataclass(frozen=True)
class CategoryRow:
    key: str
    name: str
    depth: int
    portal_code: str | None
    requirements: tuple[str, ...]  # the yearly-rule requirements (and floors) its hours count towards

    @property
    def indent(self) -> range:
        return range(self.depth - 1)


@dataclass(frozen=True)
class CategoryView:
    rows: tuple[CategoryRow, ...]
    origin: PackOrigin  # the pack the categories come from (and that filling in a code edits)
    inherited: bool  # taken from the national default: a code filled in applies to every jurisdiction that inherits


def category_view(jurisdiction: Jurisdiction, year: int) -> CategoryView | None:
    """The learning categories in force for a jurisdiction in a year, in tree order, each with the
    requirements it counts towards; None when no pack reaches the year."""
    try:
        pack = effective_pack(jurisdiction, year)
    except PeiliError:
        return None
    rule = pack.hours
    counted_by: dict[str, list[str]] = {}
    for requirement in rule.mandatory.values():
        for key in rule.subtree(requirement.categories):
            counted_by.setdefault(key, []).append(requirement.name)
        for floor in requirement.floors.values():
            for key in rule.subtree(floor.categories):
                counted_by.setdefault(key, []).append(_("%(r)s（%(f)s）") % {"r": requirement.name, "f": floor.name})
    rows = tuple(
        CategoryRow(key, category.name, depth, category.portal_code, tuple(counted_by.get(key, ())))
        for key, category, depth in rule.ordered_categories()
    )
    return CategoryView(rows, pack.origins[Section.HOURS], Section.HOURS in pack.inherited)


def _effective_pack(jurisdiction: Jurisdiction | str, year: int) -> Pack:
    """`effective_pack` read and validated afresh (it keeps the result per process: a pack is
    frozen, and every pack or jurisdiction write bumps the policy stamp)."""
    if isinstance(jurisdiction, str):
        jurisdiction = jurisdiction_by_code(jurisdiction)
    own = _national_pack(jurisdiction, year) if jurisdiction.is_national_default else _latest(jurisdiction, year)
    return rules.effective_from(
        jurisdiction.code,
        year,
        layer(own) if own is not None else None,
        fallback_layer(jurisdiction, year),
    )


def pack_sections(
    pack: PolicyPack, *, document: PackDocument | None = None, revision: int | None = None
) -> tuple[dict[str, tuple[SectionBase, PackOrigin]], PackOrigin]:
    """The sections to show for a pack (or one of its old revisions, given its `document`): its
    own, and those it inherits from the national default in its year. Never raises."""
    own = layer(pack)
    if document is not None:
        origin = PackOrigin(
            jurisdiction_code=own.origin.jurisdiction_code,
            jurisdiction_name=own.origin.jurisdiction_name,
            year=pack.year,
            revision=revision if revision is not None else pack.revision,
            pack_id=pack.pk,
        )
        own = PackLayer(document=document, origin=origin)
    return rules.inherit(own, fallback_layer(pack.jurisdiction, pack.year)), own.origin
