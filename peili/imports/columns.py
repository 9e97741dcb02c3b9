"""Column objects and lenient header matching, for every importer.

An importer declares its columns as `Column`s (key, header, whether required, what may be written,
an example, other spellings, a length bound) — the page's help, the template and the header matching
all come from them. Headers are matched after NFKC (full-width → half-width), with whitespace and
`*` marks removed and Latin letters folded; then, failing that, without a trailing bracketed hint
(`性別(男/女)*` → `性別`), as each importer's `strip_hint` says. Pure: no ORM.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    accepted: Promise | str = ""
    example: str = ""
    aliases: tuple[str, ...] = ()
    max_length: int | None = None

    @property
    def template_header(self) -> str:
        return f"{self.header}*" if self.required else self.header

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


def normalise_header(text: object) -> str:
    value = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"\s+", "", value).replace("*", "").lower()


class Headers:
    """The key of a column for a header as written in a file, by every spelling of `columns`."""

    def __init__(self, columns: Iterable[Column], *, strip_hint: Callable[[str], str]) -> None:
        self.strip_hint = strip_hint
        self.lookup: dict[str, str] = {}
        for column in columns:
            for spelling in column.spellings:
                self.lookup[normalise_header(spelling)] = column.key

    def key(self, header: object) -> str | None:
        """The key of a known column for `header`, or None."""
        value = normalise_header(header)
        if not value:
            return None
        return self.lookup.get(value) or self.lookup.get(self.strip_hint(value))
