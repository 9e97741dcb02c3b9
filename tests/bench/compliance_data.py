"""The synthetic world of the compliance benchmark (`tests/bench/compliance.py`): agencies, people and
years of learning records with their category splits, written with PostgreSQL `COPY` straight into
Peili's tables. Not a benchmark itself; its distributions are described in tests/bench/README.md.

Everything is drawn from `random.Random` seeded from `--seed` (one generator for the agencies and
people, one per learning year), so the same arguments give the same rows. At scale 1:

- 2,000 agencies of the national jurisdiction in a two-level tree: 20 top-level agencies with 99
  children each, `path` and `depth` materialised as `org.services.agency_create` writes them;
- 400,000 people, agencies drawn so that the first top-level agency's subtree holds 5,000 people
  (100 agencies) and one agency alone (the second's first child) 5,000; the others share the rest
  with log-normal sizes; people are shuffled across ids (an agency's people are not contiguous);
- for each of 5 learning years, about 10 records a person (4 % of person-years have none; 1 % of
  people never learn anything), written round by round so that a person's records of a year are
  spread over the table as they would be in a ledger filled day by day; each record with a split
  over about 1.3 category codes (the pack's 101, 201, 301, 303 and 15 others), 0.5 % of records
  with an earlier superseded version.
"""

from __future__ import annotations

import contextlib
import math
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

PEOPLE = 400_000
TOP_AGENCIES = 20
CHILDREN = 99  # per top-level agency: 20 + 20 × 99 = 2,000 agencies
SUBTREE_PEOPLE = 5_000  # the first top-level agency's subtree (the dashboard's)
BIG_AGENCY_PEOPLE = 5_000  # one agency alone (the second top-level agency's first child)
YEARS = 5
MEAN_RECORDS = 10.0
NO_LEARNING_YEAR = 0.04  # a person-year with no record at all
NEVER_LEARNS = 0.01  # people with no record in any year
INACTIVE = 0.02  # people who have left (some of them still have records)
SUPERSEDED = 0.005  # records with an earlier, superseded version
DILIGENT = 0.82  # person-years whose first four records are the yearly rule's mandatory courses
# The mandatory courses of a diligent person-year, one a round: (code, at least these hours).
MANDATORY_ROUNDS = (
    ("201", 40, "淨零排放與環境教育"),
    ("301", 40, "廉政與服務倫理"),
    ("303", 10, "性別主流化基礎課程"),
    ("101", 10, "當前政府重大政策講座"),
)

# The portal codes the benchmark gives the national pack's learning categories (as
# tests/records/conftest.py): the ledger is what the portal exports — records known by code only,
# resolved to their categories when a standing is computed.
PACK_CODES = (
    ("major_policy", "101"),
    ("environmental_education", "201"),
    ("democratic_governance", "301"),
    ("gender_mainstreaming", "303"),
)
# Category codes with their weights (per code of a split): the pack's four and fifteen others.
CODE_WEIGHTS = (
    ("101", 6),
    ("201", 11),
    ("301", 8),
    ("303", 5),
    ("522", 9),
    ("523", 3),
    ("511", 6),
    ("512", 6),
    ("513", 5),
    ("521", 5),
    ("531", 5),
    ("541", 5),
    ("551", 4),
    ("561", 4),
    ("571", 4),
    ("581", 3),
    ("591", 3),
    ("L05", 5),
    ("L06", 3),
)
HOURS_TENTHS = (10, 10, 15, 20, 20, 20, 30, 30, 30, 30, 35, 40, 40, 50, 60, 60)  # 1–6 h, mean 3.1
TITLES = (
    "當前政府重大政策講座",
    "淨零排放與環境教育",
    "環境教育戶外學習",
    "廉政與服務倫理",
    "人權教育：兩公約",
    "行政中立實務",
    "性別主流化基礎課程",
    "性別影響評估",
    "多元族群文化",
    "公民參與與開放政府",
    "資通安全通識",
    "資安專職人員進階",
    "個人資料保護",
    "公文寫作",
    "政策行銷",
    "危機管理",
    "數位工具運用",
    "資料視覺化",
    "英語簡報",
    "情緒管理",
    "溝通與協調",
    "主管核心職能",
    "法制作業",
    "採購實務",
    "會計實務",
    "檔案管理",
    "為民服務",
    "國土安全",
    "職場健康",
    "高齡社會政策",
)
PROVIDERS = ("國家文官學院", "公務人力發展學院", "e等公務園+學習平臺", "地方行政研習中心", "本機關人事室")
SURNAMES = (
    "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高潘簡朱鍾游彭詹胡施沈余盧梁趙顏柯翁魏孫戴范方宋鄧"
)
GIVEN = "怡君雅婷淑芬美玲志明俊傑家豪建宏冠宇承恩宗翰佳穎欣怡靜宜國華文雄"
LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO"
RECORD_COLUMNS = (
    "id",
    "person_id",
    "year",
    "source",
    "title",
    "provider",
    "start_date",
    "end_date",
    "certified_hours",
    "digital_hours",
    "classroom_hours",
    "mode",
    "external_key",
    "reason",
    "created_at",
    "superseded_by_id",
)
LEDGER_TABLES = ("records_learningrecord", "records_recordhours")
CHUNK = 20_000  # lines per write to a COPY stream


@dataclass(frozen=True)
class Shape:
    """How big the world is; `scale` multiplies people, records and the two 5,000-person targets
    (children per top-level agency too, at least 2)."""

    scale: float = 1.0
    seed: int = 20261122
    last_year: int = 2025
    years: int = YEARS

    @property
    def people(self) -> int:
        return max(200, round(PEOPLE * self.scale))

    @property
    def children(self) -> int:
        return max(2, round(CHILDREN * self.scale))

    @property
    def subtree_people(self) -> int:
        return max(20, round(SUBTREE_PEOPLE * self.scale))

    @property
    def big_agency_people(self) -> int:
        return max(20, round(BIG_AGENCY_PEOPLE * self.scale))

    @property
    def first_year(self) -> int:
        return self.last_year - self.years + 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "scale": self.scale,
            "seed": self.seed,
            "years": [self.first_year, self.last_year],
            "people": self.people,
            "agencies": TOP_AGENCIES * (1 + self.children),
        }


def top_code(t: int) -> str:
    return f"A{t + 1:02d}000000A"


def child_code(t: int, c: int) -> str:
    return f"A{t + 1:02d}{c + 1:03d}000A"


SUBTREE_AGENCY = top_code(0)  # the dashboard's agency (its subtree: SUBTREE_PEOPLE people)
BIG_AGENCY = child_code(1, 0)  # an agency of BIG_AGENCY_PEOPLE people by itself


@dataclass
class Stats:
    records: int = 0
    superseded: int = 0
    splits: int = 0
    seconds: float = 0.0
    by_year: dict[int, int] = field(default_factory=dict)


# --- policy and agencies ----------------------------------------------------------------------------


def fill_portal_codes() -> None:
    """Load the presets and give the national learning categories their portal codes (the preset
    leaves them empty), through the 學習類別 page's service as an administrator would."""
    from django.utils import timezone

    from peili.policy.models import Jurisdiction
    from peili.policy.services import category_codes_set, presets_load

    presets_load(actor=None)
    category_codes_set(
        jurisdiction=Jurisdiction.objects.get(code="national"),
        year=timezone.localdate().year,
        codes=dict(PACK_CODES),
        actor=None,
        note="效能測試：填入入口網代碼",
    )


def agencies(shape: Shape) -> list[tuple[int, str, int]]:
    """The agency tree in the national jurisdiction, written in bulk with the paths and depths that
    `agency_create` gives; returns (id, code, top-level index) of each."""
    from peili.org.models import Agency
    from peili.policy.models import Jurisdiction

    national = Jurisdiction.objects.get(code="national")
    tops = Agency.objects.bulk_create(
        [
            Agency(code=top_code(t), name=f"第{t + 1}部會", jurisdiction=national, path=f"{top_code(t)}/", depth=0)
            for t in range(TOP_AGENCIES)
        ]
    )
    children = Agency.objects.bulk_create(
        [
            Agency(
                code=child_code(t, c),
                name=f"第{t + 1}部會所屬第{c + 1}機關",
                jurisdiction=national,
                parent=tops[t],
                path=f"{tops[t].path}{child_code(t, c)}/",
                depth=1,
            )
            for t in range(TOP_AGENCIES)
            for c in range(shape.children)
        ],
        batch_size=1000,
    )
    out = [(a.pk, a.code, t) for t, a in enumerate(tops)]
    out += [(a.pk, a.code, n // shape.children) for n, a in enumerate(children)]
    return out


def _share(total: int, weights: Sequence[float]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainders), every part at least 1."""
    scale = (total - len(weights)) / sum(weights)
    raw = [w * scale for w in weights]
    parts = [1 + math.floor(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - math.floor(raw[i]), reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def agency_of_each_person(shape: Shape, tree: list[tuple[int, str, int]], rng: random.Random) -> list[int]:
    """An agency id for each person: the dashboard's subtree and the big agency hold their set
    numbers; the other agencies log-normal sizes (σ = 1); shuffled."""
    subtree = [pk for pk, _code, top in tree if top == 0]
    big = next(pk for pk, code, _top in tree if code == BIG_AGENCY)
    others = [pk for pk, _code, top in tree if top != 0 and pk != big]
    rest = shape.people - shape.subtree_people - shape.big_agency_people
    agency_ids: list[int] = [big] * shape.big_agency_people
    for ids, total in ((subtree, shape.subtree_people), (others, rest)):
        for pk, count in zip(ids, _share(total, [rng.lognormvariate(0, 1) for _ in ids]), strict=True):
            agency_ids += [pk] * count
    rng.shuffle(agency_ids)
    return agency_ids


# --- COPY helpers ---------------------------------------------------------------------------------


def raw_connection(url: str, **settings: str) -> Any:
    """A psycopg connection of its own (not Django's), with session settings."""
    import psycopg

    conn = psycopg.connect(url)
    with conn.cursor() as cur:
        for name, value in settings.items():
            cur.execute(f"SET {name} = '{value}'")
    return conn


class _Stream:
    """Lines into one COPY, written in chunks."""

    def __init__(self, copy: Any) -> None:
        self.copy = copy
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        self.lines.append(line)
        if len(self.lines) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            self.copy.write("".join(self.lines))
            self.lines = []


@contextlib.contextmanager
def copy_into(conn: Any, table: str, columns: Sequence[str]) -> Iterator[_Stream]:
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        stream = _Stream(copy)
        yield stream
        stream.flush()


def _set_sequence(conn: Any, table: str) -> None:
    with conn.cursor() as cur:
        cur.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        )


def _max_id(conn: Any, table: str) -> int:
    with conn.cursor() as cur:
        cur.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        return int(cur.fetchone()[0])


@contextlib.contextmanager
def secondary_indexes_dropped(url: str, tables: Sequence[str], say: Callable[[str], None]) -> Iterator[None]:
    """Drop the tables' indexes and unique constraints (not the primary keys) for a bulk load and
    build them again afterwards, exactly as they were (their definitions are read from the catalog,
    so whatever the migrations made comes back)."""
    conn = raw_connection(url)
    conn.autocommit = True
    recreate: list[str] = []
    with conn.cursor() as cur:
        cur.execute(
            """
            SELECT c.relname, i.relname, pg_get_indexdef(i.oid), con.conname, pg_get_constraintdef(con.oid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class c ON c.oid = x.indrelid
            LEFT JOIN pg_constraint con ON con.conindid = i.oid AND con.conrelid = c.oid
            WHERE c.relname = ANY(%s) AND NOT x.indisprimary
            """,
            [list(tables)],
        )
        for table, index, index_def, constraint, constraint_def in cur.fetchall():
            if constraint:
                recreate.append(f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" {constraint_def}')
                cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
            else:
                recreate.append(index_def)
                cur.execute(f'DROP INDEX "{index}"')
    try:
        yield
    finally:
        with conn.cursor() as cur:
            cur.execute("SET maintenance_work_mem = '1GB'")
            cur.execute("SET max_parallel_maintenance_workers = 1")
            for statement in recreate:
                started = time.perf_counter()
                cur.execute(statement)
                say(f"  {statement[:110]} … {time.perf_counter() - started:.0f} s")
        conn.close()


# --- people ---------------------------------------------------------------------------------------


def people(url: str, shape: Shape, agency_ids: list[int], rng: random.Random) -> list[tuple[int, bool, bool]]:
    """`shape.people` civil servants written with COPY; returns (id, active, learns) of each."""
    from peili.org.rules import make_national_id

    today = date.today()
    out: list[tuple[int, bool, bool]] = []
    conn = raw_connection(url, session_replication_role="replica")  # no FK triggers: ids are right by construction
    try:
        first = _max_id(conn, "org_person") + 1
        columns = (
            "id",
            "national_id",
            "employee_number",
            "name",
            "gender",
            "birth_date",
            "job_title",
            "category",
            "grade",
            "is_supervisor",
            "is_confidential",
            "public_service_start",
            "agency_start",
            "education_level",
            "email",
            "is_active",
            "left_on",
            "updated_at",
            "agency_id",
        )
        stamp = datetime.now().astimezone().isoformat()
        with copy_into(conn, "org_person", columns) as stream:
            for n, agency_id in enumerate(agency_ids):
                pk = first + n
                female = n % 2 == 1
                roll = rng.random()
                if roll < 0.3:
                    category, grade = "junior", str(rng.randint(1, 5))
                elif roll < 0.75:
                    category, grade = "senior", str(rng.randint(6, 9))
                elif roll < 0.85:
                    category, grade = "selected", str(rng.randint(10, 14))
                else:
                    category, grade = rng.choice(("contract", "hired", "teacher", "police_fire")), "\\N"
                active = rng.random() >= INACTIVE
                learns = rng.random() >= NEVER_LEARNS
                start = today - timedelta(days=rng.randint(60, 30 * 365))
                birth = date(today.year - rng.randint(23, 64), rng.randint(1, 12), rng.randint(1, 28))
                name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
                supervisor = category in {"senior", "selected"} and int(grade) >= 8 and rng.random() < 0.4
                stream.add(
                    "\t".join(
                        (
                            str(pk),
                            make_national_id(LETTERS[n % 26], f"{2 if female else 1}{n:07d}"),
                            f"E{n:07d}",
                            name,
                            "F" if female else "M",
                            birth.isoformat(),
                            "科員",
                            category,
                            grade,
                            "t" if supervisor else "f",
                            "f",
                            start.isoformat(),
                            (start + timedelta(days=rng.randint(0, 30))).isoformat(),
                            rng.choice(("40", "50", "50", "60")),
                            f"p{n}@bench.gov.tw",
                            "t" if active else "f",
                            "\\N" if active else (today - timedelta(days=rng.randint(1, 900))).isoformat(),
                            stamp,
                            str(agency_id),
                        )
                    )
                    + "\n"
                )
                out.append((pk, active, learns))
        _set_sequence(conn, "org_person")
        conn.commit()
    finally:
        conn.close()
    return out


# --- learning records -----------------------------------------------------------------------------


def _count_table(rng: random.Random) -> list[int]:
    """1,000 record counts a person-year is drawn from: none with NO_LEARNING_YEAR, else 1 + a
    Poisson count, its mean set so that everyone averages MEAN_RECORDS a year."""
    lam = MEAN_RECORDS / (1 - NO_LEARNING_YEAR) / (1 - NEVER_LEARNS) - 1
    table = [0] * round(1000 * NO_LEARNING_YEAR)
    left = 1000 - len(table)
    for k in range(60):
        table += [1 + k] * round(left * math.exp(k * math.log(lam) - lam - math.lgamma(k + 1)))
    table = (table + [1 + round(lam)] * 1000)[:1000]
    rng.shuffle(table)
    return table


def _code_table() -> list[str]:
    table: list[str] = []
    for code, weight in CODE_WEIGHTS:
        table += [code] * weight
    return table


def _tenths(value: int) -> str:
    return f"{value // 10}.{value % 10}"


def _split(hours: int, k: int, codes: list[str], rand: Callable[[], float]) -> list[tuple[str, int]]:
    """`hours` (tenths) over `k` distinct codes in parts of at least half an hour."""
    k = min(k, hours // 5)
    chosen: list[str] = []
    while len(chosen) < k:
        code = codes[int(rand() * len(codes))]
        if code not in chosen:
            chosen.append(code)
    if k == 1:
        return [(chosen[0], hours)]
    part = max(5, (hours // k) // 5 * 5)
    parts = [part] * (k - 1)
    return [*zip(chosen, parts, strict=False), (chosen[-1], hours - part * (k - 1))]


def learning_year(
    url: str,
    year: int,
    persons: Sequence[tuple[int, bool, bool]],
    seed: int,
    *,
    until: date | None = None,
    key_prefix: str = "",
) -> Stats:
    """One learning year of records for `persons`, COPYed into the ledger: about MEAN_RECORDS a
    person, end dates spread over the year (up to `until`), emitted round by round (each round one
    record of everyone still due one, in a shuffled order) so a person's records are spread over the
    table. Splits go through a second connection at the same time."""
    rng = random.Random(seed * 1000 + year)
    rand = rng.random
    first_day = date(year, 1, 1)
    last_day = min(date(year, 12, 31), until) if until else date(year, 12, 31)
    days = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    day_text = [d.isoformat() for d in days]
    created_text = [f"{(d + timedelta(days=3)).isoformat()} 18:00:00+08" for d in days]
    ndays = len(days)
    counts_table = _count_table(rng)
    codes = _code_table()
    hours_text = {h: _tenths(h) for h in range(200)}
    titles = TITLES
    started = time.perf_counter()
    stats = Stats()
    records = raw_connection(url, session_replication_role="replica", synchronous_commit="off")
    splits = raw_connection(url, session_replication_role="replica", synchronous_commit="off")
    try:
        next_record = _max_id(records, "records_learningrecord") + 1
        next_hours = _max_id(splits, "records_recordhours") + 1
        due = [
            (pk, counts_table[int(rand() * 1000)] if learns else 0, rand() < DILIGENT)
            for pk, _active, learns in persons
        ]
        due = [item for item in due if item[1]]
        with (
            copy_into(records, "records_learningrecord", RECORD_COLUMNS) as rec_out,
            copy_into(splits, "records_recordhours", ("id", "record_id", "category", "code", "hours")) as hrs_out,
        ):
            add_record, add_hours = rec_out.add, hrs_out.add
            round_number = 0
            while due:
                rng.shuffle(due)
                mandatory = MANDATORY_ROUNDS[round_number] if round_number < len(MANDATORY_ROUNDS) else None
                for pk, count, diligent in due:
                    low = round_number * ndays // count
                    high = (round_number + 1) * ndays // count
                    end = low + int(rand() * (high - low)) if high > low else min(low, ndays - 1)
                    hours = HOURS_TENTHS[int(rand() * len(HOURS_TENTHS))]
                    if diligent and mandatory and hours < mandatory[1]:
                        hours = mandatory[1]
                    roll = rand()
                    if roll < 0.5:
                        mode, digital, classroom, start = "digital", hours, 0, end
                        source, key = ("elearning", f"{key_prefix}E{next_record}") if rand() < 0.9 else ("import", "")
                    else:
                        mode = "classroom" if roll < 0.85 else "blended"
                        digital = 0 if mode == "classroom" else (hours // 2) // 5 * 5
                        classroom = hours - digital
                        start = max(0, end - (0 if rand() < 0.7 else 1 if rand() < 0.7 else 2))
                        source = "class" if rand() < 0.85 else "study" if rand() < 0.3 else "import"
                        key = ""
                    if source == "import":
                        key = f"{key_prefix}P{next_record}"
                    k = 1 if (r := rand()) < 0.75 else 2 if r < 0.95 else 3
                    title = titles[int(rand() * len(titles))]
                    if diligent and mandatory:
                        split, title = [(mandatory[0], hours)], mandatory[2]
                    else:
                        split = _split(hours, k, codes, rand)
                    provider = PROVIDERS[int(rand() * len(PROVIDERS))]
                    if rand() < SUPERSEDED:  # an earlier version (an hour more), corrected by the one below
                        old_digital = digital + (10 if mode == "digital" else 0)
                        old_classroom = classroom + (0 if mode == "digital" else 10)
                        add_record(
                            f"{next_record}\t{pk}\t{year}\t{source}\t{title}\t{provider}\t{day_text[start]}\t"
                            f"{day_text[end]}\t{hours_text[hours + 10]}\t{hours_text[old_digital]}\t"
                            f"{hours_text[old_classroom]}\t{mode}\t{key}\t時數更正\t{created_text[end]}\t"
                            f"{next_record + 1}\n"
                        )
                        add_hours(f"{next_hours}\t{next_record}\t\t{split[0][0]}\t{hours_text[hours + 10]}\n")
                        next_hours += 1
                        next_record += 1  # the correction keeps the key (unique among current records only)
                        stats.superseded += 1
                    add_record(
                        f"{next_record}\t{pk}\t{year}\t{source}\t{title}\t{provider}\t{day_text[start]}\t"
                        f"{day_text[end]}\t{hours_text[hours]}\t{hours_text[digital]}\t{hours_text[classroom]}\t"
                        f"{mode}\t{key}\t\t{created_text[end]}\t\\N\n"
                    )
                    for code, part in split:
                        add_hours(f"{next_hours}\t{next_record}\t\t{code}\t{hours_text[part]}\n")
                        next_hours += 1
                    stats.splits += len(split)
                    next_record += 1
                    stats.records += 1
                round_number += 1
                due = [item for item in due if item[1] > round_number]
        for conn, table in ((records, "records_learningrecord"), (splits, "records_recordhours")):
            _set_sequence(conn, table)
        splits.commit()
        records.commit()
    finally:
        records.close()
        splits.close()
    stats.seconds = time.perf_counter() - started
    stats.by_year[year] = stats.records
    return stats


def analyze(url: str, tables: Sequence[str], *, vacuum: bool) -> None:
    conn = raw_connection(url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SET maintenance_work_mem = '1GB'")
            for table in tables:
                cur.execute(f"VACUUM (ANALYZE) {table}" if vacuum else f"ANALYZE {table}")
    finally:
        conn.close()


def world(url: str, shape: Shape, say: Callable[[str], None]) -> dict[str, Any]:
    """Build the whole world into the (migrated, empty) database at `url`; returns what was made and
    how long each part took. Needs Django set up against the same database."""
    figures: dict[str, Any] = {"shape": shape.as_dict()}
    rng = random.Random(shape.seed)
    started = time.perf_counter()
    fill_portal_codes()
    tree = agencies(shape)
    agency_ids = agency_of_each_person(shape, tree, rng)
    persons = people(url, shape, agency_ids, rng)
    figures["people_seconds"] = round(time.perf_counter() - started, 1)
    say(f"{len(tree):,} agencies, {len(persons):,} people in {figures['people_seconds']} s")
    ledger = Stats()
    started = time.perf_counter()
    with secondary_indexes_dropped(url, LEDGER_TABLES, say):
        for year in range(shape.first_year, shape.last_year + 1):
            stats = learning_year(url, year, persons, shape.seed)
            ledger.records += stats.records
            ledger.superseded += stats.superseded
            ledger.splits += stats.splits
            ledger.by_year[year] = stats.records
            say(
                f"  {year}: {stats.records:,} records (+{stats.superseded:,} superseded), {stats.splits:,} splits "
                f"in {stats.seconds:.0f} s"
            )
        figures["copy_seconds"] = round(time.perf_counter() - started, 1)
        say(f"ledger copied in {figures['copy_seconds']} s; building the indexes again")
    figures["index_seconds"] = round(time.perf_counter() - started - figures["copy_seconds"], 1)
    started = time.perf_counter()
    analyze(url, ("org_agency", "org_person", *LEDGER_TABLES), vacuum=True)
    figures["vacuum_analyze_seconds"] = round(time.perf_counter() - started, 1)
    figures.update(
        agencies=len(tree),
        people=len(persons),
        records=ledger.records,
        superseded_records=ledger.superseded,
        splits=ledger.splits,
        splits_per_record=round(ledger.splits / max(1, ledger.records), 2),
        records_by_year=ledger.by_year,
    )
    return figures


def persons_of(url: str) -> list[tuple[int, bool, bool]]:
    """The generated people as `learning_year` takes them (for growing the ledger of a kept world)."""
    conn = raw_connection(url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT id, is_active, EXISTS (SELECT 1 FROM records_learningrecord r WHERE r.person_id = p.id) "
                "FROM org_person p ORDER BY id"
            )
            return [(int(pk), bool(active), bool(learns)) for pk, active, learns in cur.fetchall()]
    finally:
        conn.close()
