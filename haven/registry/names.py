"""Plain helpers for names: script checks, normalisation, suggestions.

Transliteration suggestions come from the matching engine's
``haven.matching.core.transliterate.suggest`` when it is installed; until
then a small fallback looks the name up in the matching data files (common
practice: Мухаммед, Hassan) and otherwise transliterates letter by letter.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable

from haven.registry.models import Script

SCRIPT_TARGET = {Script.ARABIC: "arabic", Script.LATIN: "latin", Script.CYRILLIC: "cyrillic"}
logger = logging.getLogger(__name__)
_SPACES = re.compile(r"\s+")


def detect(text: str) -> str:
    """'arabic', 'latin', 'cyrillic', 'mixed' or 'unknown'."""
    from haven.matching.core.scripts import detect_script

    return str(detect_script(text))


def in_script(value: str, script: str) -> bool:
    """True when every letter of ``value`` belongs to ``script`` (ar/la/cy)."""
    return detect(value) == SCRIPT_TARGET[Script(script)]


def clean(value: str) -> str:
    """Trim, NFC-normalise and collapse inner spaces of a typed name."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value or "")).strip()


def normalize(value: str, script: str) -> str:
    """The form used for exact duplicate matching within one script."""
    from haven.matching.core.scripts import fold_arabic, fold_cyrillic, fold_latin

    value = clean(value)
    if script == Script.ARABIC:
        folded = fold_arabic(value)
    elif script == Script.CYRILLIC:
        folded = fold_cyrillic(value)
    else:
        folded = fold_latin(value)
    return re.sub(r"[\s\-‐'`’]+", "", folded.casefold())[:100]


def _engine() -> Callable[..., str] | None:
    try:
        from haven.matching.core.transliterate import suggest as engine_suggest
    except ImportError:
        return None
    return engine_suggest


def _lookup() -> dict[str, tuple[str, str, str]]:
    """Known names from the matching data: folded spelling -> (ar, la, cy)."""
    global _LOOKUP
    if _LOOKUP is None:
        table: dict[str, tuple[str, str, str]] = {}
        try:
            from haven.matching.core.data import load_names
            from haven.matching.core.scripts import fold_token

            for entry in load_names():
                forms = (entry.arabic[0], entry.latin[0], entry.cyrillic[0])
                for spelling in (*entry.arabic, *entry.latin, *entry.cyrillic):
                    table.setdefault(fold_token(spelling)[0], forms)
        except (ImportError, OSError, ValueError):
            table = {}
        _LOOKUP = table
    return _LOOKUP


_LOOKUP: dict[str, tuple[str, str, str]] | None = None


def _fallback(text: str, target: str) -> str:
    from haven.matching.core import translit_rules as rules
    from haven.matching.core.scripts import fold_token

    out: list[str] = []
    index = {"arabic": 0, "latin": 1, "cyrillic": 2}[target]
    for token in text.split():
        folded, script = fold_token(token)
        if not folded:
            continue
        known = _lookup().get(folded)
        if known:
            out.append(known[index])
            continue
        if script == target:
            out.append(token)
            continue
        converters = {
            ("arabic", "latin"): rules.arabic_to_latin,
            ("arabic", "cyrillic"): rules.arabic_to_cyrillic,
            ("latin", "cyrillic"): rules.latin_to_cyrillic,
            ("latin", "arabic"): rules.latin_to_arabic,
            ("cyrillic", "latin"): rules.cyrillic_to_latin,
            ("cyrillic", "arabic"): rules.cyrillic_to_arabic,
        }
        convert = converters.get((script, target))
        word = convert(folded) if convert else ""
        if target in ("latin", "cyrillic"):
            word = word[:1].upper() + word[1:]
        out.append(word)
    return " ".join(w for w in out if w)


def suggest(text: str, *, target: str) -> str:
    """Suggested spelling of ``text`` in ``target`` ('latin', 'cyrillic' or 'arabic')."""
    text = clean(text)
    if not text:
        return ""
    engine = _engine()
    if engine is not None:
        try:
            return str(engine(text, target=target))
        except Exception:  # a suggestion must never break the form
            logger.warning("transliteration engine failed; using the fallback", exc_info=True)
    return _fallback(text, target)
