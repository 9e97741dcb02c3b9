"""Standings of many people at once, on PostgreSQL (docs/design/records.md, "Keeping the summary
current"): a year's recompute for everyone (`standings_recompute`) and the standings a bulk write
touched (`standings_refresh_for`), for hundreds of thousands of people in seconds — 400,000 people
and 4,000,000 records in about 18 s (tests/bench/compliance.py).

One query sums the year's current records per person — total hours, number of records, and the
hours under each learning category the yearly rule reads (and each portal code such a category
carries: imported hours known only by their code) — one row a person; the rule is applied in
Python (`rules.standing`, once per distinct input: people with the same hours share it); the rows
are written with `COPY` into a temporary table and merged with one `INSERT … ON CONFLICT DO UPDATE`
that leaves unchanged standings alone. The plans are kept safe from stale statistics (records
written a moment ago in the same transaction): no nested loops for a whole year, and an analysed
temporary table of the records for a set of people. Other databases: `services._recompute`.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone, translation

from peili.org.models import Agency, Person
from peili.policy.models import Jurisdiction
from peili.policy.schema import HoursRule
from peili.policy.selectors import effective_pack
from peili.records import rules
from peili.records.models import LearningRecord, RecordHours, YearStanding

logger = logging.getLogger(__name__)
ZERO = Decimal(0)
# Memory for the aggregate's hash tables, for its statement only (the usual default, 4 MB, would
# spill 400,000 people's sums to disk).
WORK_MEM = "256MB"
FETCH = 20_000
# From this many standings written (inserted or changed) on, the table is analysed afterwards.
ANALYZE_FROM = 10_000


def available() -> bool:
    return connection.vendor == "postgresql"


def parts_read_by(hours_rules: Iterable[HoursRule]) -> list[tuple[str, str]]:
    """The split columns the aggregate sums: ("category", key) for each learning category the
    rules read, ("code", code) for each portal code of such a category (imported hours). Hours in
    any other category count only through the total."""
    keys: set[str] = set()
    codes: set[str] = set()
    for rule in hours_rules:
        keys |= rules.categories_read_by(rule)
        codes |= rules.codes_read_by(rule)
    return [("category", key) for key in sorted(keys)] + [("code", code) for code in sorted(codes)]


def _copy_text(value: str) -> str:
    """A value for COPY's text format."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class _Pieces:
    """The standing's columns of one COPY line (total, counted, shortfall_keys, missing, meets),
    written as the ORM path would store them. The JSON of a list of shortfall keys, and each hours
    value as text, are made once: a year has a few hundred distinct values, not 400,000."""

    def __init__(self) -> None:
        self._keys: dict[tuple[str, ...], str] = {}
        self._names: dict[str, str] = {}
        self._hours: dict[Decimal, str] = {}

    def _text(self, hours: Decimal) -> str:
        text = self._hours.get(hours)
        if text is None:
            text = self._hours[hours] = json.dumps(rules.hours_text(hours))
        return text

    def _name(self, key: str) -> str:
        text = self._names.get(key)
        if text is None:
            text = self._names[key] = json.dumps(key, ensure_ascii=False)
        return text

    def __call__(self, result: rules.Standing) -> str:
        keys = tuple(s.key for s in result.shortfalls)
        shortfalls = self._keys.get(keys)
        if shortfalls is None:
            shortfalls = self._keys[keys] = _copy_text(json.dumps(list(keys), ensure_ascii=False))
        counted = ", ".join(f"{self._name(key)}: {self._text(hours)}" for key, hours in result.counted.items())
        return "\t".join(
            (
                str(result.total),
                _copy_text(f"{{{counted}}}"),
                shortfalls,
                str(result.missing),
                "t" if result.meets else "f",
            )
        )


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "records": quote(LearningRecord._meta.db_table),
        "hours": quote(RecordHours._meta.db_table),
        "people": quote(Person._meta.db_table),
        "agencies": quote(Agency._meta.db_table),
        "standings": quote(YearStanding._meta.db_table),
    }


def _current_records(*, agency_path: bool, person_ids: bool) -> str:
    """The year's current records (id, person, hours in tenths) of everyone, of an agency subtree
    (`%(prefix)s`, by path: one index range) or of some people (`%(ids)s`)."""
    t = _tables()
    sql = (
        f"SELECT r.id, r.person_id, (r.certified_hours * 10)::integer AS tenths FROM {t['records']} r"  # noqa: S608
        " WHERE r.year = %(year)s AND r.superseded_by_id IS NULL"
    )
    if agency_path:
        sql += (
            f" AND r.person_id IN (SELECT sp.id FROM {t['people']} sp JOIN {t['agencies']} sa"  # noqa: S608
            " ON sa.id = sp.agency_id WHERE sa.path LIKE %(prefix)s)"
        )
    if person_ids:
        sql += " AND r.person_id = ANY(%(ids)s)"
    return sql


def _query(parts: Sequence[tuple[str, str]], *, year: bool, agency_path: bool, person_ids: bool) -> str:
    """One row a person: id, jurisdiction, total hours and records, then the hours under each of
    `parts` (NULL: none) — hours in tenths, as integers (summing numerics, or bigints, is several
    times slower and its hash tables several times larger). Bound: `%(year)s`, `%(keys)s`,
    `%(codes)s`, `%(part<n>)s`, and `%(prefix)s` or `%(ids)s` as asked.

    `year` (everyone's year): the year's current records are read once (`cur`, a CTE) and their
    splits by the range of record ids the year spans — from its first record to its last — on the
    `(record, code)` index: the ledger grows in time order, so that is about a year's share of the
    table, not all of it (and never wrong: a record's splits lie within its own id). Otherwise the
    records of the people concerned are already in the temporary table `peili_cur` (analysed, so
    the planner knows how many), and their splits are found by their ids within `%(lo)s`–`%(hi)s`
    (index probes for a few, a range scan for many). Splits are summed per record, then everything
    per person, in one pass."""
    t = _tables()
    columns = [f"c{n}" for n in range(len(parts))]
    per_record = ", ".join(
        f"(sum((h.hours * 10)::integer) FILTER (WHERE {_part_test(kind, n)}))::integer AS c{n}"
        for n, (kind, _value) in enumerate(parts)
    )
    wanted = "(h.category = ANY(%(keys)s) OR (h.category = '' AND h.code = ANY(%(codes)s)))"
    if year:
        head = f"WITH cur AS MATERIALIZED ({_current_records(agency_path=False, person_ids=False)})"
        split_from = (
            f"{t['hours']} h WHERE {wanted}"  # noqa: S608
            " AND h.record_id BETWEEN (SELECT min(id) FROM cur) AND (SELECT max(id) FROM cur)"
        )
        records = "cur"
    else:
        head = "WITH"
        split_from = (
            f"peili_cur cur JOIN {t['hours']} h ON h.record_id = cur.id"
            f" WHERE {wanted} AND h.record_id BETWEEN %(lo)s AND %(hi)s"
        )
        records = "peili_cur cur"
    ctes = []
    if parts:
        ctes.append(f"split AS (SELECT h.record_id, {per_record} FROM {split_from} GROUP BY h.record_id)")  # noqa: S608
    split_join = " LEFT JOIN split ON split.record_id = cur.id" if parts else ""
    per_person = "".join(f", sum(split.{c}) AS {c}" for c in columns)
    ctes.append(
        f"totals AS (SELECT cur.person_id, sum(cur.tenths) AS total, count(*) AS records{per_person}"  # noqa: S608
        f" FROM {records}{split_join} GROUP BY cur.person_id)"
    )
    if person_ids:
        people = "p.id = ANY(%(ids)s)"
    else:
        people = "(p.is_active OR t.person_id IS NOT NULL)"
        if agency_path:
            people += " AND a.path LIKE %(prefix)s"
    selected = "".join(f", t.{c}" for c in columns)
    # Identifiers are the models' tables, quoted; every value is bound.
    return f"""
        {head}{"," if year else ""} {", ".join(ctes)}
        SELECT p.id, a.jurisdiction_id, t.total, t.records{selected}
        FROM {t["people"]} p
        JOIN {t["agencies"]} a ON a.id = p.agency_id
        LEFT JOIN totals t ON t.person_id = p.id
        WHERE {people}
    """  # noqa: S608


def _part_test(kind: str, n: int) -> str:
    if kind == "category":
        return f"h.category = %(part{n})s"
    return f"h.category = '' AND h.code = %(part{n})s"


def _merge() -> str:
    t = _tables()
    return f"""
        INSERT INTO {t["standings"]} AS s
            (person_id, year, total, counted, shortfall_keys, missing, meets, records, updated_at)
        SELECT person_id, %(year)s, total, counted, shortfall_keys, missing, meets, records, %(now)s
        FROM peili_standings ORDER BY person_id
        ON CONFLICT (person_id, year) DO UPDATE SET
            total = EXCLUDED.total, counted = EXCLUDED.counted, shortfall_keys = EXCLUDED.shortfall_keys,
            missing = EXCLUDED.missing, meets = EXCLUDED.meets, records = EXCLUDED.records,
            updated_at = EXCLUDED.updated_at
        WHERE (s.total, s.counted, s.shortfall_keys, s.missing, s.meets, s.records)
            IS DISTINCT FROM (EXCLUDED.total, EXCLUDED.counted, EXCLUDED.shortfall_keys, EXCLUDED.missing,
                              EXCLUDED.meets, EXCLUDED.records)
    """  # noqa: S608


def _jurisdictions(*, agency_path: str, person_ids: Sequence[int] | None) -> list[int]:
    agencies = Agency.objects.order_by()
    if person_ids is not None:
        agencies = agencies.filter(pk__in=Person.objects.filter(pk__in=person_ids).order_by().values("agency_id"))
    elif agency_path:
        agencies = agencies.filter(path__startswith=agency_path)
    return list(agencies.values_list("jurisdiction_id", flat=True).distinct())


def recompute(year: int, *, agency_path: str = "", person_ids: Sequence[int] | None = None) -> int:
    """Write the `year` standings of everyone — the active people and anyone with a current record
    that year — or of an agency subtree (by its path), or of exactly `person_ids` (whatever their
    state), under the yearly rule of each one's jurisdiction. Returns the number of people computed.
    Call it inside a transaction."""

    jurisdictions = Jurisdiction.objects.in_bulk(_jurisdictions(agency_path=agency_path, person_ids=person_ids))
    hours_rules = {pk: effective_pack(j, year).hours for pk, j in jurisdictions.items()}
    parts = parts_read_by(hours_rules.values())
    params: dict[str, Any] = {
        "year": year,
        "keys": [value for kind, value in parts if kind == "category"],
        "codes": [value for kind, value in parts if kind == "code"],
        **{f"part{n}": value for n, (_kind, value) in enumerate(parts)},
    }
    if agency_path:
        params["prefix"] = _like_prefix(agency_path)
    if person_ids is not None:
        params["ids"] = list(person_ids)
    year_of_everyone = person_ids is None and not agency_path
    started = time.perf_counter()
    if year_of_everyone:
        # Every join here is large: hash joins. Never a nested loop, which a stale estimate (a
        # year just loaded, not yet analysed: "one row") could make run a join per record.
        settings = {"work_mem": WORK_MEM, "enable_nestloop": "off"}
    else:
        settings = {"work_mem": WORK_MEM, "jit": "off"}  # no JIT compilation (a third of a second) for a few
        params["lo"], params["hi"] = _records_of_some(params, agency_path=bool(agency_path), person_ids=person_ids)
    sql = _query(parts, year=year_of_everyone, agency_path=bool(agency_path), person_ids=person_ids is not None)
    lines, read_seconds = _standings(sql, params, parts, hours_rules, settings)
    computed = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS peili_standings")
        cursor.execute(
            "CREATE TEMPORARY TABLE peili_standings (person_id bigint, total numeric, counted jsonb, "
            "shortfall_keys jsonb, missing numeric, meets boolean, records integer) ON COMMIT DROP"
        )
        with cursor.cursor.copy("COPY peili_standings FROM STDIN") as copy:
            for start in range(0, len(lines), FETCH):
                copy.write("".join(lines[start : start + FETCH]))
        cursor.execute(_merge(), {"year": year, "now": timezone.now()})
        changed = cursor.rowcount
        cursor.execute("DROP TABLE peili_standings")
        cursor.execute("DROP TABLE IF EXISTS peili_cur")
        if changed >= ANALYZE_FROM:
            # Fresh statistics at once: with a year's standings just written, the planner would
            # otherwise still see last year's numbers and read the dashboard's subtree badly
            # until autovacuum comes round.
            cursor.execute(f"ANALYZE {_tables()['standings']}")
    finished = time.perf_counter()
    if connection.queries_logged:  # COPY bypasses Django's cursor wrapper: log it like a query
        connection.queries_log.append({"sql": f"COPY peili_standings FROM STDIN -- {len(lines)} rows", "time": "0"})
    logger.info(
        "standings of %s in %s: %d people (%d written), aggregate %.1f s, rules %.1f s, write %.1f s",
        "these people" if person_ids is not None else agency_path or "everyone",
        year,
        len(lines),
        changed,
        read_seconds,
        computed - started - read_seconds,
        finished - computed,
        extra={
            "year": year,
            "people": len(lines),
            "written": changed,
            "aggregate_seconds": round(read_seconds, 2),
            "rules_seconds": round(computed - started - read_seconds, 2),
            "write_seconds": round(finished - computed, 2),
        },
    )
    return len(lines)


def _records_of_some(params: dict[str, Any], *, agency_path: bool, person_ids: Sequence[int] | None) -> tuple[int, int]:
    """The current records of a subtree or of some people into `peili_cur`, analysed: the ledger's
    statistics know nothing yet of records just written in the caller's transaction (an import's),
    and a plan made for "one row" runs a join for each record. Returns their range of ids."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS peili_cur")
        sql = _current_records(agency_path=agency_path, person_ids=person_ids is not None)
        cursor.execute(f"CREATE TEMPORARY TABLE peili_cur ON COMMIT DROP AS {sql}", params)
        cursor.execute("ANALYZE peili_cur")
        cursor.execute("SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM peili_cur")
        lo, hi = cursor.fetchone()
    return int(lo), int(hi)


def _like_prefix(path: str) -> str:
    return path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _standings(
    sql: str,
    params: dict[str, Any],
    parts: Sequence[tuple[str, str]],
    hours_rules: dict[int, HoursRule],
    settings: dict[str, str],
) -> tuple[list[str], float]:
    """Run the aggregate (with `settings` for this statement only) and make one COPY line a person;
    returns the lines and the aggregate's seconds. An ordinary (client-side) cursor: the result is
    one short row a person, and a server-side cursor (`DECLARE`) would have the planner favour
    fast-start plans and give up parallel ones — about twice as slow for a year."""
    memo: dict[tuple[Any, ...], str] = {}
    pieces = _Pieces()
    lines: list[str] = []
    with connection.cursor() as cursor:
        before = {}
        for name, value in settings.items():
            cursor.execute("SELECT current_setting(%s), set_config(%s, %s, true)", [name, name, value])
            before[name] = cursor.fetchone()[0]
        try:
            started = time.perf_counter()
            cursor.execute(sql, params)
            seconds = time.perf_counter() - started
            # Only keys and hours are stored, never the names `rules.standing` words its shortfalls
            # with: no translation catalogue is needed (a quarter of the time of each standing).
            with translation.override(None):
                while rows := cursor.fetchmany(FETCH):
                    lines += _lines(rows, parts, hours_rules, memo, pieces)
        finally:
            for name, value in before.items():
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
    return lines, seconds


def _tenths(value: int | None) -> Decimal:
    return ZERO if value is None else Decimal(value).scaleb(-1)


def _lines(
    rows: Iterable[tuple[Any, ...]],
    parts: Sequence[tuple[str, str]],
    hours_rules: dict[int, HoursRule],
    memo: dict[tuple[Any, ...], str],
    pieces: _Pieces,
) -> list[str]:
    out = []
    for row in rows:
        person_id, records = row[0], row[3]
        key = (row[1], row[2], *row[4:])  # jurisdiction, total, hours per part: people alike stand alike
        piece = memo.get(key)
        if piece is None:
            rule = hours_rules[row[1]]
            split = [
                (value, "", _tenths(hours)) if kind == "category" else ("", value, _tenths(hours))
                for (kind, value), hours in zip(parts, row[4:], strict=True)
                if hours is not None
            ]
            piece = memo[key] = pieces(rules.standing(_tenths(row[2]), rules.by_category(split, rule), rule))
        out.append(f"{person_id}\t{piece}\t{records or 0}\n")
    return out
