"""Read a policy pack from YAML and say precisely what is wrong with it.

`validate(source)` never raises: it returns the `PackDocument` or a list of `Problem`s, each
with the 1-based line, the dotted path of the key (`hours.mandatory.major_policy.hours`), a
stable code and a reason in Traditional Chinese. `load(source)` raises `PeiliError`
("policy.invalid", details = the problems) instead.

Lines come from PyYAML's composed node tree (every key's mark), so a problem found later by
pydantic or by the consistency checks is reported on the line of the key it concerns; a missing
key is reported on the line of the mapping that should hold it.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Union

import yaml
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from peili.core.errors import PeiliError
from peili.policy.codes import Error
from peili.policy.enums import REQUIRED_SECTIONS, Section, StudyMode
from peili.policy.schema import HoursRule, MonthDay, PackDocument, Ratio, SurveyRule

MAX_SOURCE_CHARS = 200_000

Loc = tuple[str | int, ...]

_STR_TAG = "tag:yaml.org,2002:str"
_KEY_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"


@dataclass(frozen=True)
class Problem:
    line: int
    path: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "path": self.path, "code": self.code, "message": self.message}

    def __str__(self) -> str:
        where = f"{self.path}：" if self.path else ""
        return _("第 %(line)d 行：%(where)s%(message)s") % {"line": self.line, "where": where, "message": self.message}


@dataclass(frozen=True)
class Validation:
    document: PackDocument | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return self.document is not None and not self.problems


def dotted(loc: Loc) -> str:
    """('study', 'modes', 1) → 'study.modes[1]'"""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def validate(source: str, *, complete: bool = False) -> Validation:
    """Parse and check a pack. `complete=True` (a national-default pack) also requires the
    sections every effective pack needs (`enums.REQUIRED_SECTIONS`)."""
    if len(source) > MAX_SOURCE_CHARS:
        return _failed(Problem(1, "", "too_large", _("內容過長（上限 %(n)d 字）。") % {"n": MAX_SOURCE_CHARS}))
    parsed = _parse(source)
    if isinstance(parsed, Problem):
        return _failed(parsed)
    data, lines, structural = parsed
    if any(p.code in {"alias", "key_not_text"} for p in structural):
        return Validation(None, _sorted(structural))
    if not isinstance(data, dict):
        return _failed(Problem(1, "", "not_mapping", _("最上層必須是「鍵: 值」的對照（例如 format: 1）。")))
    root_line = lines.get((), 1)
    try:
        document = PackDocument.model_validate(data)
    except ValidationError as error:
        schema_problems = [_from_pydantic(e, lines, root_line) for e in error.errors()]
        return Validation(None, _sorted([*structural, *schema_problems]))
    problems = [*structural]
    problems += [_at(loc, code, msg, lines, root_line) for loc, code, msg in consistency(document, complete=complete)]
    if problems:
        return Validation(None, _sorted(problems))
    return Validation(document, ())


def load(source: str, *, complete: bool = False) -> PackDocument:
    """Like `validate`, but raise `PeiliError("policy.invalid", details=[problem, ...])`."""
    result = validate(source, complete=complete)
    if result.document is None:
        raise invalid(result.problems)
    return result.document


def invalid(problems: tuple[Problem, ...] | list[Problem]) -> PeiliError:
    return PeiliError(
        Error.POLICY_INVALID,
        _("政策參數包有 %(n)d 個問題，沒有儲存。") % {"n": len(problems)},
        details=[p.as_dict() for p in problems],
    )


def from_data(data: Mapping[str, Any]) -> PackDocument:
    """Rebuild a document from `PolicyPack.data` (already validated when saved)."""
    return PackDocument.model_validate(data)


def to_data(document: PackDocument) -> dict[str, Any]:
    return document.model_dump(mode="json")


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Nested JSON data as {dotted path: scalar or list of scalars} — for audit summaries."""
    out: dict[str, Any] = {}
    if isinstance(data, Mapping):
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(data, list) and any(isinstance(v, Mapping | list) for v in data):
        for index, value in enumerate(data):
            out.update(flatten(value, f"{prefix}[{index}]"))
    else:
        out[prefix] = data
    return out


# --- editing one kind of value in place ---------------------------------------------------------


def with_category_codes(source: str, codes: Mapping[str, str | None]) -> str:
    """`source` with the portal code of each learning category in `codes` (key → code, None to
    clear it) written into `hours.categories`, everything else — comments, order, layout — as it
    was: the office fills in codes on a page, not by editing YAML. A flow mapping
    (`{name: 環境教育}`) gains `, portal_code: "201"`; a block one a `portal_code:` line. Keys
    not in the pack are ignored (the caller checks them); the result is validated by the caller."""
    node = yaml.SafeLoader(source).get_single_node()
    hours = _child(node, "hours")
    categories = _child(hours, "categories") if hours is not None else None
    if not isinstance(categories, MappingNode):
        return source
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement) in the source's characters
    for key_node, value_node in categories.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else ""
        if key not in codes or not isinstance(value_node, MappingNode):
            continue
        code = codes[key]
        text = f'"{code}"' if code else "null"
        current = next((v for k, v in value_node.value if isinstance(k, ScalarNode) and k.value == "portal_code"), None)
        if current is not None:
            edits.append((current.start_mark.index, current.end_mark.index, text))
        elif value_node.flow_style:
            end = value_node.end_mark.index - 1  # the closing brace
            edits.append((end, end, f", portal_code: {text}"))
        else:
            last = value_node.value[-1][1]
            line_end = source.find("\n", last.end_mark.index)
            line_end = len(source) if line_end < 0 else line_end
            indent = " " * value_node.value[0][0].start_mark.column
            edits.append((line_end, line_end, f"\n{indent}portal_code: {text}"))
    for start, end, replacement in sorted(edits, reverse=True):
        source = source[:start] + replacement + source[end:]
    return source


def _child(node: Node | None, key: str) -> Node | None:
    if not isinstance(node, MappingNode):
        return None
    return next((v for k, v in node.value if isinstance(k, ScalarNode) and k.value == key), None)


# --- YAML ---------------------------------------------------------------------------------------


def _failed(problem: Problem) -> Validation:
    return Validation(None, (problem,))


def _sorted(problems: list[Problem]) -> tuple[Problem, ...]:
    return tuple(sorted(problems, key=lambda p: (p.line, p.path)))


# A pack nests a few levels; PyYAML's composer recurses, so a hostile nesting depth would crash it.
MAX_NESTING = 40
_OPENING = (
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
)
_CLOSING = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


def _nesting_problem(source: str) -> Problem | None:
    """Refuse nesting deeper than MAX_NESTING by scanning tokens (iterative, unlike composing)."""
    depth = 0
    try:
        for token in yaml.scan(source, Loader=yaml.SafeLoader):
            if isinstance(token, _OPENING):
                depth += 1
                if depth > MAX_NESTING:
                    return Problem(
                        token.start_mark.line + 1, "", "too_deep", _("巢狀層次超過 %(n)d 層。") % {"n": MAX_NESTING}
                    )
            elif isinstance(token, _CLOSING):
                depth -= 1
    except yaml.YAMLError:
        return None  # the parser reports syntax errors with their line
    return None


def _parse(source: str) -> Problem | tuple[Any, dict[Loc, int], list[Problem]]:
    if (too_deep := _nesting_problem(source)) is not None:
        return too_deep
    try:
        # The reader checks every character as it is built: a control character is refused here.
        loader = yaml.SafeLoader(source)
    except yaml.reader.ReaderError as error:
        return _unprintable(source, error)
    try:
        node = loader.get_single_node()
        if node is None:
            return Problem(1, "", "empty", _("內容是空的。"))
        lines: dict[Loc, int] = {(): node.start_mark.line + 1}
        structural: list[Problem] = []
        _walk(node, (), lines, structural, set())
        if any(p.code == "alias" for p in structural):
            # Never construct: aliases can multiply the work without bound.
            return None, lines, _alias_lines(source, structural)
        return loader.construct_document(node), lines, structural
    except yaml.MarkedYAMLError as error:
        return _syntax_problem(error)
    except yaml.YAMLError as error:  # e.g. a reader error on a control character
        return Problem(1, "", "syntax", _("YAML 語法錯誤：%(problem)s") % {"problem": str(error)})
    finally:
        loader.dispose()


def _unprintable(source: str, error: yaml.reader.ReaderError) -> Problem:
    line = source.count("\n", 0, error.position) + 1
    return Problem(
        line,
        "",
        "unprintable",
        _("第 %(line)d 行含有不能使用的控制字元（U+%(code)s），請刪除後再試。")
        % {"line": line, "code": f"{error.character:04X}"},
    )


def _walk(node: Node, path: Loc, lines: dict[Loc, int], problems: list[Problem], seen: set[int]) -> None:
    if id(node) in seen:
        problems.append(
            Problem(
                node.start_mark.line + 1, dotted(path), "alias", _("不支援 YAML 錨點與別名（& 與 *），請直接寫出內容。")
            )
        )
        return
    seen.add(id(node))
    if isinstance(node, MappingNode):
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not (isinstance(key_node, ScalarNode) and key_node.tag == _STR_TAG):
                shown = key_node.value if isinstance(key_node, ScalarNode) else "…"
                problems.append(
                    Problem(
                        line,
                        dotted(path),
                        "key_not_text",
                        _("鍵「%(key)s」必須是文字（yes、no、on、off、數字等會被當成其他型別，請改名或加引號）。")
                        % {"key": shown},
                    )
                )
                continue
            key = key_node.value
            key_path = (*path, key)
            if key in first_line:
                problems.append(
                    Problem(
                        line,
                        dotted(key_path),
                        "duplicate_key",
                        _("鍵「%(key)s」重複（第 %(first)d 行已出現過）。") % {"key": key, "first": first_line[key]},
                    )
                )
            else:
                first_line[key] = line
                lines[key_path] = line
            _walk(value_node, key_path, lines, problems, seen)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            _walk(item, (*path, index), lines, problems, seen)


def _alias_lines(source: str, problems: list[Problem]) -> list[Problem]:
    """The walk sees an alias as a second visit of the anchored node, whose mark is the anchor's
    line; report each alias on the line where `*name` is written (both are in document order)."""
    alias_lines = [
        t.start_mark.line + 1 for t in yaml.scan(source, Loader=yaml.SafeLoader) if isinstance(t, yaml.AliasToken)
    ]
    aliases = [p for p in problems if p.code == "alias"]
    others = [p for p in problems if p.code != "alias"]
    if len(alias_lines) != len(aliases):
        return [*others, *(Problem(line, "", "alias", aliases[0].message) for line in alias_lines)]
    return [*others, *(Problem(line, p.path, p.code, p.message) for line, p in zip(alias_lines, aliases, strict=True))]


_SYNTAX_REASONS: list[tuple[str, str]] = [
    ("mapping values are not allowed here", gettext_noop("此處不能出現「:」：值裡有冒號時請加引號，或檢查縮排。")),
    ("could not find expected ':'", gettext_noop("找不到「:」：每一行應寫成「鍵: 值」。")),
    ("cannot start any token", gettext_noop("不能使用 Tab 縮排，請改用空白。")),
    ("expected <block end>", gettext_noop("縮排不一致：同一層的鍵必須對齊。")),
    ("expected ',' or ']'", gettext_noop("方括號清單 [ ] 沒有正確結束。")),
    ("expected ',' or '}'", gettext_noop("大括號對照 { } 沒有正確結束。")),
    ("found unexpected end of stream", gettext_noop("引號沒有成對結束。")),
    ("expected a single document", gettext_noop("只能有一份文件：請移除多出來的「---」。")),
    ("found undefined alias", gettext_noop("不支援 YAML 錨點與別名（& 與 *）。")),
    ("could not determine a constructor", gettext_noop("不支援的 YAML 標籤（以 ! 開頭）。")),
    ("expected the node content", gettext_noop("此處缺少內容。")),
]


def _syntax_problem(error: yaml.MarkedYAMLError) -> Problem:
    problem = error.problem or ""
    mark = error.problem_mark
    # An unclosed bracket or quote is reported at the end of the text; its opening line helps more.
    if error.context_mark is not None and ("stream end" in problem or "end of stream" in problem):
        mark = error.context_mark
    line = mark.line + 1 if mark is not None else 1
    for needle, reason in _SYNTAX_REASONS:
        if needle in problem or needle in (error.context or ""):
            return Problem(line, "", "syntax", _("YAML 語法錯誤：%(reason)s") % {"reason": _(reason)})
    return Problem(line, "", "syntax", _("YAML 語法錯誤：%(problem)s") % {"problem": problem or error.context})


# --- pydantic errors in Chinese -----------------------------------------------------------------


def _line_for(loc: Loc, lines: Mapping[Loc, int], root_line: int) -> int:
    for end in range(len(loc), 0, -1):
        line = lines.get(loc[:end])
        if line is not None:
            return line
    return root_line


def _at(loc: Loc, code: str, message: str, lines: Mapping[Loc, int], root_line: int) -> Problem:
    return Problem(_line_for(loc, lines, root_line), dotted(loc), code, message)


def _describe(value: Any) -> str:
    if value is None:
        return _("空值")
    if isinstance(value, bool):
        return _("布林值 %(v)s") % {"v": "true" if value else "false"}
    if isinstance(value, int):
        return _("整數 %(v)s") % {"v": value}
    if isinstance(value, float):
        return _("小數 %(v)s") % {"v": value}
    if isinstance(value, str):
        shown = value if len(value) <= 20 else value[:20] + "…"
        return _("文字「%(v)s」") % {"v": shown}
    if isinstance(value, list):
        return _("清單")
    if isinstance(value, dict):
        return _("鍵值對照")
    return type(value).__name__


def _choices(expected: str) -> str:
    return "、".join(re.findall(r"'([^']*)'", expected)) or expected


def _from_pydantic(error: ErrorDetails, lines: Mapping[Loc, int], root_line: int) -> Problem:
    raw_loc = tuple(error["loc"])
    is_key = bool(raw_loc) and raw_loc[-1] == "[key]"
    loc: Loc = tuple(part for part in raw_loc if part != "[key]")
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    got = _("，目前寫的是%(got)s") % {"got": _describe(value)}
    last = str(loc[-1]) if loc else ""
    code = "wrong_type"
    if kind == "missing":
        code, message = "missing", _("缺少必要的鍵「%(key)s」。") % {"key": last}
    elif kind == "extra_forbidden":
        code, message = "unknown_key", _("不認得的鍵「%(key)s」。") % {"key": last}
        suggestion = difflib.get_close_matches(last, _allowed_keys(loc[:-1]), n=1)
        if suggestion:
            message += _("是否要寫「%(key)s」？") % {"key": suggestion[0]}
    elif kind in {"int_type", "int_parsing", "int_from_float"}:
        message = _("須為整數%(got)s。") % {"got": got}
    elif kind in {"bool_type", "bool_parsing"}:
        message = _("須為 true 或 false%(got)s。") % {"got": got}
    elif kind == "string_type":
        message = _("須為文字%(got)s。") % {"got": got}
        if isinstance(value, int | float) and not isinstance(value, bool):
            message += _('代碼等數字文字請加引號，例如 "522"。')
    elif kind in {"tuple_type", "list_type"}:
        message = _("須為清單（每項以「- 」開頭，或寫成 [甲, 乙]）%(got)s。") % {"got": got}
    elif kind in {"dict_type", "model_type", "model_attributes_type"}:
        message = _("須為「鍵: 值」的對照（下一層縮排）%(got)s。") % {"got": got}
    elif kind == "greater_than_equal":
        code, message = "out_of_range", _("須大於或等於 %(n)s%(got)s。") % {"n": ctx.get("ge"), "got": got}
    elif kind == "greater_than":
        code, message = "out_of_range", _("須大於 %(n)s%(got)s。") % {"n": ctx.get("gt"), "got": got}
    elif kind == "less_than_equal":
        code, message = "out_of_range", _("須小於或等於 %(n)s%(got)s。") % {"n": ctx.get("le"), "got": got}
    elif kind == "less_than":
        code, message = "out_of_range", _("須小於 %(n)s%(got)s。") % {"n": ctx.get("lt"), "got": got}
    elif kind in {"enum", "literal_error"}:
        code = "invalid_choice"
        message = _("須為下列之一：%(choices)s%(got)s。") % {
            "choices": _choices(str(ctx.get("expected", ""))),
            "got": got,
        }
    elif kind == "string_too_short" and ctx.get("min_length") == 1:
        code, message = "out_of_range", _("不可空白。")
    elif kind == "string_too_short":
        code, message = "out_of_range", _("至少要 %(n)s 個字。") % {"n": ctx.get("min_length")}
    elif kind == "string_too_long":
        code, message = "out_of_range", _("最多 %(n)s 個字。") % {"n": ctx.get("max_length")}
    elif kind == "too_short":
        code, message = "out_of_range", _("至少要有 %(n)s 項。") % {"n": ctx.get("min_length")}
    elif kind == "too_long":
        code, message = "out_of_range", _("最多只能有 %(n)s 項。") % {"n": ctx.get("max_length")}
    elif kind == "string_pattern_mismatch" and (is_key or ctx.get("pattern") == _KEY_PATTERN):
        code = "invalid_key"
        message = _("鍵「%(key)s」須以小寫英文字母開頭，只含小寫英文字母、數字與底線（最多 40 字）。") % {"key": value}
    elif kind == "string_pattern_mismatch":
        code, message = "invalid_format", _("代碼只能含英文字母與數字（1 至 10 碼）%(got)s。") % {"got": got}
    else:
        code, message = "invalid", _("內容不正確（%(type)s）：%(msg)s") % {"type": kind, "msg": error["msg"]}
    return _at(loc, code, message, lines, root_line)


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The schema model that should hold the keys at `loc` (for "did you mean" suggestions)."""
    current: Any = PackDocument
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part)
            current = field.annotation if field else None
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = members[0] if len(members) == 1 else annotation
            if len(members) != 1:
                return annotation
        else:
            return annotation


def _allowed_keys(loc: Loc) -> list[str]:
    model = _model_at(loc)
    return list(model.model_fields) if model else []


# --- consistency: numbers that must agree with each other ---------------------------------------


def consistency(document: PackDocument, *, complete: bool = False) -> Iterator[tuple[Loc, str, str]]:
    """Cross-field checks on a schema-valid document, as (loc, code, message)."""
    if complete:
        for name in REQUIRED_SECTIONS:
            if document.section(name) is None:
                yield (
                    (name,),
                    "section_required",
                    _("全國預設參數包必須包含「%(label)s」（%(name)s）區段。")
                    % {"label": Section(name).label, "name": name},
                )
    yield from _hours(document)
    if document.attendance is not None:
        yield from _ratio(document.attendance.absence.threshold, ("attendance", "absence", "threshold"))
    if document.study is not None:
        yield from _study(document)
    if document.subsidy is not None:
        yield from _subsidy(document)
    if document.overseas_study is not None:
        yield from _overseas(document)
    if document.survey is not None:
        yield from _survey(document.survey)


def _survey(rule: SurveyRule) -> Iterator[tuple[Loc, str, str]]:
    previous = 0
    for index, day in enumerate(rule.reminder_days):
        if day <= previous:
            yield (
                ("survey", "reminder_days", index),
                "not_ascending",
                _("提醒日須由小到大且不重複：第 %(i)d 個（%(d)d）未大於前一個。") % {"i": index + 1, "d": day},
            )
        if day >= rule.open_days:
            yield (
                ("survey", "reminder_days", index),
                "after_closing",
                _("第 %(d)d 日提醒時問卷已截止（開放 %(n)d 日）。") % {"d": day, "n": rule.open_days},
            )
        previous = day
    points = rule.index_points
    for index in range(1, len(points)):
        if points[index] < points[index - 1]:
            yield (
                ("survey", "index_points", index),
                "not_ascending",
                _("滿意度換算分數須由「非常不滿意」到「非常滿意」遞增：第 %(i)d 個（%(p)d）小於前一個。")
                % {"i": index + 1, "p": points[index]},
            )


def _hours(document: PackDocument) -> Iterator[tuple[Loc, str, str]]:
    hours = document.hours
    if hours is None:
        return
    if hours.mandatory_total > hours.yearly_minimum:
        yield (
            ("hours", gettext_noop("mandatory")),
            "mandatory_exceeds_minimum",
            _("必修時數合計 %(total)d 小時，超過年度最低學習時數 %(minimum)d 小時（hours.yearly_minimum）。")
            % {"total": hours.mandatory_total, "minimum": hours.yearly_minimum},
        )
    yield from _categories(hours)
    for key, category in hours.mandatory.items():
        base: Loc = ("hours", "mandatory", key, "floors")
        for floor_key, floor in category.floors.items():
            if floor.hours > category.hours:
                yield (
                    (*base, floor_key, "hours"),
                    "floor_exceeds_category",
                    _("「%(floor)s」至少 %(fh)d 小時，超過「%(category)s」的 %(ch)d 小時。")
                    % {"floor": floor.name, "fh": floor.hours, "category": category.name, "ch": category.hours},
                )
        floors_total = sum(f.hours for f in category.floors.values())
        if all(f.hours <= category.hours for f in category.floors.values()) and floors_total > category.hours:
            yield (
                base,
                "floor_exceeds_category",
                _("各子題下限合計 %(total)d 小時，超過「%(category)s」的 %(ch)d 小時。")
                % {"total": floors_total, "category": category.name, "ch": category.hours},
            )


def _categories(hours: HoursRule) -> Iterator[tuple[Loc, str, str]]:
    """The learning categories form a tree (each parent exists, no cycles), no portal code is given
    to two categories, and every mandatory requirement and floor names categories that exist — a
    requirement that matches no category would silently count nothing."""
    known = hours.categories
    codes: dict[str, str] = {}
    tree_sound = True  # a floor's place is judged only on a sound tree (not twice for one mistake)
    for key, category in known.items():
        loc: Loc = ("hours", "categories", key)
        if category.parent is not None and category.parent not in known:
            tree_sound = False
            yield (*loc, "parent"), "unknown_category", _unknown_category(category.parent, known)
        elif category.parent is not None and _in_cycle(key, hours):
            tree_sound = False
            yield (
                (*loc, "parent"),
                "category_cycle",
                _("學習類別「%(key)s」的上層類別繞回自己（%(path)s）。")
                % {"key": key, "path": _cycle_path(key, hours)},
            )
        if category.portal_code is not None:
            if category.portal_code in codes:
                yield (
                    (*loc, "portal_code"),
                    "duplicate",
                    _("入口網代碼「%(code)s」已給了學習類別「%(other)s」，一個代碼只能屬於一個類別。")
                    % {"code": category.portal_code, "other": codes[category.portal_code]},
                )
            else:
                codes[category.portal_code] = key
    for key, requirement in hours.mandatory.items():
        base: Loc = ("hours", "mandatory", key)
        for index, name in enumerate(requirement.categories):
            if name not in known:
                yield (*base, "categories", index), "unknown_category", _unknown_category(name, known)
        counted = hours.subtree(c for c in requirement.categories if c in known)
        for floor_key, floor in requirement.floors.items():
            for index, name in enumerate(floor.categories):
                loc = (*base, "floors", floor_key, "categories", index)
                if name not in known:
                    yield loc, "unknown_category", _unknown_category(name, known)
                elif tree_sound and counted and name not in counted:
                    yield (
                        loc,
                        "floor_outside_category",
                        _("「%(floor)s」的學習類別「%(name)s」不在「%(category)s」的類別之下，下限須計在該類別之內。")
                        % {"floor": floor.name, "name": known[name].name, "category": requirement.name},
                    )


def _unknown_category(name: str, known: Mapping[str, Any]) -> str:
    message = _("學習類別「%(key)s」不在 hours.categories 之中。") % {"key": name}
    suggestion = difflib.get_close_matches(name, list(known), n=1)
    if suggestion:
        message += _("是否要寫「%(key)s」？") % {"key": suggestion[0]}
    return message


def _ancestors(key: str, hours: HoursRule) -> list[str]:
    """`key`'s chain of parents, stopping at a missing one or the first repeat."""
    chain = [key]
    parent = hours.categories[key].parent
    while parent is not None and parent in hours.categories and parent not in chain:
        chain.append(parent)
        parent = hours.categories[parent].parent
    if parent is not None and parent in chain:
        chain.append(parent)
    return chain


def _in_cycle(key: str, hours: HoursRule) -> bool:
    chain = _ancestors(key, hours)
    return chain[-1] == key and len(chain) > 1


def _cycle_path(key: str, hours: HoursRule) -> str:
    return " → ".join(_ancestors(key, hours))


def _ratio(ratio: Ratio, loc: Loc) -> Iterator[tuple[Loc, str, str]]:
    if ratio.numerator > ratio.denominator:
        yield (
            (*loc, "numerator"),
            "fraction_above_one",
            _("比例不可大於 1：分子 %(n)d 大於分母 %(d)d。") % {"n": ratio.numerator, "d": ratio.denominator},
        )


def _month_day(value: MonthDay | None, loc: Loc) -> Iterator[tuple[Loc, str, str]]:
    if value is None:
        return
    last = 29 if value.month == 2 else 30 if value.month in {4, 6, 9, 11} else 31
    if value.day > last:
        yield (
            (*loc, "day"),
            "invalid_date",
            _("%(m)d 月沒有 %(d)d 日。") % {"m": value.month, "d": value.day},
        )


def _duplicates(modes: tuple[StudyMode, ...], loc: Loc) -> Iterator[tuple[Loc, str, str]]:
    seen: set[str] = set()
    for index, mode in enumerate(modes):
        if mode in seen:
            yield (*loc, index), "duplicate", _("「%(mode)s」重複列出。") % {"mode": StudyMode(mode).label}
        seen.add(mode)


def _not_offered(
    modes: tuple[StudyMode, ...], offered: tuple[StudyMode, ...], loc: Loc
) -> Iterator[tuple[Loc, str, str]]:
    for index, mode in enumerate(modes):
        if mode not in offered:
            yield (
                (*loc, index),
                "mode_not_offered",
                _("「%(mode)s」不在本參數包的進修類型（study.modes）之中。") % {"mode": StudyMode(mode).label},
            )


def _study(document: PackDocument) -> Iterator[tuple[Loc, str, str]]:
    study = document.study
    assert study is not None
    yield from _duplicates(study.modes, ("study", "modes"))
    yield from _duplicates(study.quota.counted_modes, ("study", "quota", "counted_modes"))
    yield from _not_offered(study.quota.counted_modes, study.modes, ("study", "quota", "counted_modes"))
    yield from _ratio(study.quota.ratio, ("study", "quota", "ratio"))
    yield from _month_day(study.application_deadline, ("study", "application_deadline"))
    yield from _month_day(study.roster_deadline, ("study", "roster_deadline"))


_SUBSIDY_REQUIRED = ("cap_per_semester", "good_results", "claim_months_after_grades")


def _subsidy(document: PackDocument) -> Iterator[tuple[Loc, str, str]]:
    subsidy = document.subsidy
    assert subsidy is not None
    if subsidy.enabled:
        for name in _SUBSIDY_REQUIRED:
            if getattr(subsidy, name) is None:
                yield (
                    ("subsidy", name),
                    "missing",
                    _("有補助（enabled: true）時必須填寫「%(key)s」。") % {"key": name},
                )
        if not subsidy.eligible_modes:
            yield (
                ("subsidy", gettext_noop("eligible_modes")),
                "missing",
                _("有補助（enabled: true）時至少要列出一種可補助的進修類型。"),
            )
        yield from _duplicates(subsidy.eligible_modes, ("subsidy", "eligible_modes"))
        if document.study is not None:
            yield from _not_offered(subsidy.eligible_modes, document.study.modes, ("subsidy", "eligible_modes"))
        return
    if subsidy.eligible_modes:
        yield (
            ("subsidy", gettext_noop("eligible_modes")),
            "inconsistent",
            _("不補助（enabled: false）時不可列出可補助的進修類型。"),
        )
    if subsidy.cap_per_semester:
        yield (
            ("subsidy", gettext_noop("cap_per_semester")),
            "inconsistent",
            _("不補助（enabled: false）時補助上限應為 0 或不填。"),
        )


def _overseas(document: PackDocument) -> Iterator[tuple[Loc, str, str]]:
    overseas = document.overseas_study
    assert overseas is not None
    for key, kind in overseas.kinds.items():
        base: Loc = ("overseas_study", "kinds", key)
        for index, limit in enumerate(kind.age_limits):
            if limit.grades is not None and limit.grades.min_grade > limit.grades.max_grade:
                yield (
                    (*base, "age_limits", index, "grades", "max_grade"),
                    "inconsistent",
                    _("職等範圍的上限 %(hi)d 小於下限 %(lo)d。")
                    % {"hi": limit.grades.max_grade, "lo": limit.grades.min_grade},
                )
        per_year = kind.funding_cap_per_year
        if per_year is None:
            continue
        if per_year > kind.funding_cap_total:
            yield (
                (*base, "funding_cap_per_year"),
                "inconsistent",
                _("每年補助上限 %(year)d 元超過合計上限 %(total)d 元。")
                % {"year": per_year, "total": kind.funding_cap_total},
            )
        years = -(-kind.max_months // 12)
        if per_year * years < kind.funding_cap_total:
            yield (
                (*base, "funding_cap_total"),
                "inconsistent",
                _("合計上限 %(total)d 元超過每年上限 × 年數（%(year)d 元 × %(n)d 年）。")
                % {"total": kind.funding_cap_total, "year": per_year, "n": years},
            )
