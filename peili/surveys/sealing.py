"""Sealing what a database reader must not read: an anonymous survey's submissions while they wait
for their batch, and its unfinished drafts.

AES-256-GCM (PyCA `cryptography`) under a key derived from `SECRET_KEY` (HMAC-SHA256 with a salt of
its own, so the key is used for nothing else); `SECRET_KEY_FALLBACKS` still open what was sealed
before a key rotation. The associated data binds a sealed value to its purpose and survey, so a blob
copied to another row or survey does not open.

A sealed value says nothing by its length either: the plaintext is padded to a size fixed by the
form (`rules.sealed_size`), so every submission and every draft of a survey has the same length —
otherwise a long comment could be matched, by the length of its blob, to the answer later written.
The sealed bytes carry no time (unlike a Fernet token) — a random nonce and the ciphertext.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils.crypto import salted_hmac

SALT = "peili.surveys.sealing"
NONCE_BYTES = 12
LENGTH_BYTES = 4
# A value longer than the form's bound (it should not happen: the bound is the worst case) is
# padded to a multiple of this instead of being refused.
OVERFLOW_STEP = 4096


class Unreadable(Exception):
    """Sealed under no key this installation has (or tampered with)."""


def _keys() -> list[bytes]:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [salted_hmac(SALT, "aes-256-gcm", secret=secret, algorithm="sha256").digest() for secret in secrets]


def _context(purpose: str, survey_id: int) -> bytes:
    return f"{SALT}:{purpose}:{survey_id}".encode()


def seal(value: Any, *, purpose: str, survey_id: int, size: int) -> bytes:
    """`value` (JSON-ready) sealed and padded to `size` bytes of plaintext."""
    plain = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    length = LENGTH_BYTES + len(plain)
    if length > size:
        size = -(-length // OVERFLOW_STEP) * OVERFLOW_STEP
    padded = len(plain).to_bytes(LENGTH_BYTES, "big") + plain + bytes(size - length)
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(_keys()[0]).encrypt(nonce, padded, _context(purpose, survey_id))


def unseal(sealed: bytes, *, purpose: str, survey_id: int) -> Any:
    """The value `seal` was given; `Unreadable` when no key opens it."""
    data = bytes(sealed)
    nonce, body = data[:NONCE_BYTES], data[NONCE_BYTES:]
    for key in _keys():
        try:
            padded = AESGCM(key).decrypt(nonce, body, _context(purpose, survey_id))
        except InvalidTag:
            continue
        length = int.from_bytes(padded[:LENGTH_BYTES], "big")
        return json.loads(padded[LENGTH_BYTES : LENGTH_BYTES + length])
    raise Unreadable


def seal_text(value: Any, *, purpose: str, survey_id: int, size: int) -> str:
    """`seal`, as text (for a JSON field)."""
    return base64.b64encode(seal(value, purpose=purpose, survey_id=survey_id, size=size)).decode("ascii")


def unseal_text(text: str, *, purpose: str, survey_id: int) -> Any:
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as error:
        raise Unreadable from error
    return unseal(data, purpose=purpose, survey_id=survey_id)
