"""Encryption of confidential fields and files (document scans, notes).

Keys come from ``settings.HAVEN_FIELD_KEYS``: a list of Fernet keys; the
first encrypts, every key decrypts (``MultiFernet``), so keys can be
rotated by putting a new key first. When the list is empty and Haven runs
with ``HAVEN_DEBUG`` or under tests, one key is derived from ``SECRET_KEY``
so that development needs no set-up; production refuses to run without keys.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["InvalidToken", "decrypt", "decrypt_text", "encrypt", "encrypt_text", "reset_keys"]


def _derived_key(secret: str) -> bytes:
    digest = hashlib.sha256(b"haven-field-key:" + secret.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest)


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret: str, allow_derived: bool) -> MultiFernet:
    if keys:
        try:
            return MultiFernet([Fernet(k.encode("ascii") if isinstance(k, str) else k) for k in keys])
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured("HAVEN_FIELD_KEYS holds a value that is not a Fernet key.") from exc
    if not allow_derived:
        raise ImproperlyConfigured(
            "HAVEN_FIELD_KEYS must be set (comma-separated Fernet keys). Generate one with: "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        )
    return MultiFernet([Fernet(_derived_key(secret))])


def _current() -> MultiFernet:
    keys = tuple(getattr(settings, "HAVEN_FIELD_KEYS", ()) or ())
    allow = bool(settings.DEBUG or getattr(settings, "TESTING", False))
    return _fernet(keys, settings.SECRET_KEY, allow)


def reset_keys() -> None:
    """Forget cached keys (tests that change the setting)."""
    _fernet.cache_clear()


def encrypt(data: bytes) -> bytes:
    return _current().encrypt(data)


def decrypt(token: bytes) -> bytes:
    """Decrypt, or raise ``InvalidToken`` if no key fits or the data was altered."""
    return _current().decrypt(bytes(token))


def encrypt_text(text: str) -> str:
    return encrypt(text.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    return decrypt(token.encode("ascii")).decode("utf-8")
