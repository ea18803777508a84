"""Encryption of confidential notes at rest (Fernet, keys outside the database).

Uses the project-wide helper ``haven.lib.crypto`` (``MultiFernet`` over
``settings.HAVEN_FIELD_KEYS``: the first key encrypts, every key decrypts).
The database holds only Fernet tokens; without a key a note is unreadable.
Rotation: put a new key first, run ``manage.py rotate_note_keys`` (which
calls :func:`rotate` on every note), then drop the old key.
"""

from __future__ import annotations

from haven.lib import crypto as _lib

InvalidToken = _lib.InvalidToken

__all__ = ["InvalidToken", "decrypt", "encrypt", "reset_keys", "rotate"]


def encrypt(plaintext: str) -> str:
    """A Fernet token (ASCII text) for ``plaintext``; empty stays empty."""
    return _lib.encrypt_text(plaintext) if plaintext else ""


def decrypt(token: str) -> str:
    """The plaintext of ``token``; raises ``InvalidToken`` if no key fits."""
    return _lib.decrypt_text(token) if token else ""


def rotate(token: str) -> str:
    """``token`` re-encrypted with the first (newest) key."""
    return encrypt(decrypt(token)) if token else ""


def reset_keys() -> None:
    """Forget cached keys (after the setting changed, in tests)."""
    _lib.reset_keys()
