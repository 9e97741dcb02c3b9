"""The English catalog: complete, placeholders intact, compiled .mo in step with the .po, and the
language switch in the page header actually switches the UI."""

from __future__ import annotations

import ast
import gettext as gnu_gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

_FIELD = re.compile(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(\".*\")\s*$")
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def msgctxt(self) -> str | None:
        return self.fields.get("msgctxt")

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def translations(self) -> dict[str, str]:
        return {k: v for k, v in self.fields.items() if k.startswith("msgstr")}


def read_po(path: Path) -> list[Entry]:
    """A small PO reader: enough for gettext's own output (no obsolete `#~` entries are returned)."""
    entries: list[Entry] = []
    current: Entry | None = None
    key: str | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            current, key = None, None
            continue
        if line.startswith("#~"):
            continue
        if current is None:
            current = Entry(line=number)
            entries.append(current)
        if line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := _FIELD.match(line):
            key = match.group(1)
            current.fields[key] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and key is not None:
            current.fields[key] += ast.literal_eval(line)
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    assert PO_PATH.is_file(), f"missing {PO_PATH}: run makemessages -l en"
    return read_po(PO_PATH)


@pytest.fixture(scope="module")
def mo_catalog() -> dict:
    assert MO_PATH.is_file(), f"missing {MO_PATH}: run compilemessages -l en"
    with MO_PATH.open("rb") as handle:
        return gnu_gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]


def _where(entry: Entry) -> str:
    return f"{PO_PATH.name}:{entry.line} {entry.msgid!r}"


# --- (a) the .po is complete ---------------------------------------------------------------------


def test_po_has_entries_and_an_english_header(po_entries):
    header = [e for e in po_entries if e.is_header]
    assert len(header) == 1
    assert "Language: en\n" in header[0].fields["msgstr"]
    assert "nplurals=2; plural=(n != 1);" in header[0].fields["msgstr"]
    assert len(po_entries) > 100


def test_po_has_no_fuzzy_entries(po_entries):
    fuzzy = [_where(e) for e in po_entries if "fuzzy" in e.flags]
    assert fuzzy == []


def test_po_has_no_untranslated_entries(po_entries):
    untranslated = [
        _where(e) for e in po_entries if not e.is_header and not all(v.strip() for v in e.translations.values())
    ]
    assert untranslated == []


def test_plural_entries_have_both_forms(po_entries):
    for entry in po_entries:
        if "msgid_plural" in entry.fields:
            assert set(entry.translations) == {"msgstr[0]", "msgstr[1]"}, _where(entry)
        else:
            assert set(entry.translations) == {"msgstr"}, _where(entry)


def test_translations_keep_the_placeholders(po_entries):
    """A named placeholder that the translation drops loses information; one it adds raises KeyError."""
    wrong = []
    for entry in po_entries:
        if entry.is_header:
            continue
        sources = {"msgstr": entry.msgid, "msgstr[0]": entry.msgid, "msgstr[1]": entry.fields.get("msgid_plural", "")}
        for key, text in entry.translations.items():
            expected = set(_PLACEHOLDER.findall(sources[key]))
            if set(_PLACEHOLDER.findall(text)) != expected:
                wrong.append(f"{_where(entry)} {key}={text!r}")
        if "python-format" in entry.flags:
            for text in entry.translations.values():
                # a lone % that is not a placeholder or %% breaks `%` formatting
                stripped = _PLACEHOLDER.sub("", text).replace("%%", "")
                if "%" in stripped:
                    wrong.append(f"{_where(entry)} stray % in {text!r}")
    assert wrong == []


def test_no_translation_is_left_in_chinese_only(po_entries):
    """Chinese may stay in brackets for an English reader (委任, file values), but never alone."""
    latin = re.compile(r"[A-Za-z]")
    chinese_only = [
        _where(e)
        for e in po_entries
        if not e.is_header
        for text in e.translations.values()
        if re.search(r"[\u4e00-\u9fff]", text) and not latin.search(_PLACEHOLDER.sub("", text))
    ]
    assert chinese_only == []


# --- (c) the compiled .mo matches the .po ----------------------------------------------------------


def test_mo_contains_every_po_entry_with_the_same_translation(po_entries, mo_catalog):
    stale = []
    for entry in po_entries:
        if entry.is_header or "fuzzy" in entry.flags:
            continue
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if "msgid_plural" in entry.fields:
            for index in (0, 1):
                if mo_catalog.get((msgid, index)) != entry.fields[f"msgstr[{index}]"]:
                    stale.append(f"{_where(entry)}[{index}]")
        elif mo_catalog.get(msgid) != entry.fields["msgstr"]:
            stale.append(_where(entry))
    assert stale == [], "django.mo is out of date: run `peili compilemessages -l en --ignore=.venv`"


def test_mo_has_no_entries_missing_from_the_po(po_entries, mo_catalog):
    known = {e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}" for e in po_entries}
    extra = [key for key in mo_catalog if (key[0] if isinstance(key, tuple) else key) not in known]
    assert extra == []


@pytest.mark.parametrize(
    ("source", "english"),
    [
        ("登入培力", "Sign in to Peili"),
        ("人事承辦人", "Personnel officer"),
        ("訓練承辦人", "Training organizer"),
        ("審查委員", "Reviewer"),
        ("學員", "Learner"),
        ("主管", "Supervisor"),
        ("系統管理者", "Administrator"),
        ("機關", "Agency"),
        ("單位", "Unit"),
        ("身分證字號", "National ID"),
        ("考績", "Performance rating"),
        ("職等", "Grade"),
        ("委任", "Junior (委任)"),
        ("薦任", "Senior (薦任)"),
        ("簡任", "Selected (簡任)"),
        ("政策參數包", "Policy pack"),
        ("轄區", "Jurisdiction"),
        ("編制內預算員額", "Budgeted established headcount"),
        ("年度（民國）", "Year (ROC)"),
    ],
)
def test_key_terms_translate(source, english):
    with translation.override("en"):
        assert translation.gettext(source) == english
    with translation.override("zh-hant"):
        assert translation.gettext(source) == source


def test_placeholders_and_plurals_work_at_run_time():
    with translation.override("en"):
        assert (
            translation.gettext("帳號「%(u)s」已存在。") % {"u": "wang"}
            == "The account \u201cwang\u201d already exists."
        )
        assert translation.ngettext("共 %(n)s 人", "共 %(n)s 人", 1) % {"n": 1} == "1 person"
        assert translation.ngettext("共 %(n)s 人", "共 %(n)s 人", 3) % {"n": 3} == "3 people"


def test_lazy_model_and_choice_labels_follow_the_active_language():
    from peili.org.enums import Role
    from peili.org.models import Person

    with translation.override("en"):
        assert str(Role.PERSONNEL_OFFICER.label) == "Personnel officer"
        assert str(Person._meta.get_field("national_id").verbose_name) == "National ID"
    with translation.override("zh-hant"):
        assert str(Role.PERSONNEL_OFFICER.label) == "人事承辦人"


# --- (b) the language switch ------------------------------------------------------------------------


def test_language_switch_to_english_and_back(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-Hant-TW">' in page
    assert 'name="language" value="en"' in page

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page
    assert "<h1>Sign in to Peili</h1>" in page
    assert "登入培力" not in page
    assert 'name="language" value="zh-hant"' in page  # the button now offers 中文

    client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/accounts/login/"})
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-Hant-TW">' in page
    assert "<h1>登入培力</h1>" in page
    assert "Sign in to Peili" not in page


def test_signed_in_pages_render_in_english(client, admin_user):
    client.force_login(admin_user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Sign out" in page
    assert "Administrator" in page  # the role badge on the home page
    assert "登出" not in page
