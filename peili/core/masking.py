"""National IDs shown masked (A12****789) wherever the full number is not needed — in the audit log
and in the server's logs too, whatever wrote them.

`mask_national_id` masks one ID. `mask_ids` finds every ID-shaped run in text, or in a JSON value
(dictionaries, lists, strings), and masks it: a letter, then 1, 2, 8, 9 (citizens, resident
certificates of the 2021 format) or A–D (the older resident certificates), then eight digits, not
inside a longer run of letters and digits. The shape alone is enough to mask; no check digit is
asked for. `MaskNationalIds` is a logging filter that does the same to every log record, its
traceback included (a database error can quote a row's key).
"""

from __future__ import annotations

import logging
import re
from typing import Any

# See peili.org.rules for the ID's rules; here only its shape matters.
NATIONAL_ID_SHAPE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][1289A-Da-d][0-9]{8}(?![A-Za-z0-9])")
ID_LENGTH = 10
_SUB = NATIONAL_ID_SHAPE.sub


def mask_national_id(value: str) -> str:
    """A12****789: the letter and first two digits, and the last three, are kept."""
    if len(value) < 6:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 6)}{value[-3:]}"


def _mask(match: re.Match[str]) -> str:
    return mask_national_id(match.group(0))


def mask_ids_in_text(text: str) -> str:
    return _SUB(_mask, text) if len(text) >= ID_LENGTH else text


def mask_ids(value: Any) -> Any:
    """`value` (JSON: dicts, lists, strings, numbers …) with every national ID in its strings masked.
    Keys are field names written by code, not data, and are kept. Called for every audit entry an
    import writes: values shorter than an ID (most names, codes, numbers) are passed over."""
    if isinstance(value, str):
        return _SUB(_mask, value) if len(value) >= ID_LENGTH else value
    if isinstance(value, dict):
        return {k: _SUB(_mask, v) if type(v) is str and len(v) >= ID_LENGTH else _nested(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_ids(v) for v in value]
    return value


def _nested(value: Any) -> Any:
    return mask_ids(value) if isinstance(value, dict | list | tuple) else value


class MaskNationalIds(logging.Filter):
    """Masks national IDs in a log record's message and traceback (config.settings.LOGGING puts it
    on every handler; config.celery on the worker's)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_ids_in_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_ids_in_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_ids_in_text(record.stack_info)
        return True
