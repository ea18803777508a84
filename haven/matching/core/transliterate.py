"""Transliteration suggestions for the registration form.

As the officer types a name in Arabic, the form offers its Latin (English
practice: Mohammed, Hassan, Abdulrahman) and Cyrillic (Russian practice:
Мухаммед, Хасан, Абдуррахман, Ибрагим) spellings.  Known names come from the
data files, so the suggestion is the spelling documents really use; unknown
names fall back to letter rules with guessed vowels.  Latin and Cyrillic input
work the same way through the phonetic key (reverse lookup).

A suggestion is only a suggestion: the officer copies the spelling from the
document when there is one.
"""

from __future__ import annotations

import re
from typing import Literal

from .data import NameEntry
from .normalize import Token, entries_for_key, tokenize
from .scripts import detect_script
from .translit_rules import (
    arabic_to_cyrillic,
    arabic_to_latin,
    cyrillic_to_arabic,
    cyrillic_to_latin,
    latin_to_arabic,
    latin_to_cyrillic,
)

Target = Literal["arabic", "latin", "cyrillic"]

_ARTICLE_PREFIX = re.compile(r"^(?:al|el|as|ash|ar|an|at|ad|az|аль|эль|ал|ас|аш|ар|ан|ат|ад|аз)[- ]", re.IGNORECASE)
# Sun letters assimilate the article: الشامي → аш-Шами (Russian practice).
_SUN_CYRILLIC = {
    "ت": "ат", "ث": "ас", "د": "ад", "ذ": "аз", "ر": "ар", "ز": "аз", "س": "ас",
    "ش": "аш", "ص": "ас", "ض": "ад", "ط": "ат", "ظ": "аз", "ن": "ан",
}  # fmt: skip
_COMPOUND_PREFIX = re.compile(r"^(?:عبد|ابو|abou|abu|abo|абу|(?:abd|абд)[aeiouаеиоуэ]?(?:ль|l|л)?)")


def _strip_article(text: str) -> str:
    if text.startswith("ال") and len(text) > 3:
        return text[2:]
    return _ARTICLE_PREFIX.sub("", text)


def _entry_for(tok: Token) -> NameEntry | None:
    if tok.entry is not None:
        return tok.entry
    found = entries_for_key(tok.key)
    return found[0] if found else None


def _rule(text: str, script: str, target: Target) -> str:
    if script == target:
        return text
    table = {
        ("arabic", "latin"): arabic_to_latin,
        ("arabic", "cyrillic"): arabic_to_cyrillic,
        ("cyrillic", "latin"): cyrillic_to_latin,
        ("cyrillic", "arabic"): cyrillic_to_arabic,
        ("latin", "cyrillic"): latin_to_cyrillic,
        ("latin", "arabic"): latin_to_arabic,
    }
    fn = table.get((script, target))
    return fn(text) if fn else text


def _capitalise(text: str, target: Target) -> str:
    if target == "arabic":
        return text
    return "-".join(w[:1].upper() + w[1:] for w in text.split("-"))


def _token(tok: Token, target: Target) -> str:
    entry = _entry_for(tok)
    if entry is not None:
        variants = {"latin": entry.latin, "cyrillic": entry.cyrillic, "arabic": entry.arabic}[target]
        base = _strip_article(variants[0])
        arabic_base = _strip_article(entry.arabic[0]) if entry.arabic else ""
    elif tok.key.startswith(("ABD_", "ABU_")):
        # An unknown compound: render the prefix by practice, the rest by rule.
        rest = _COMPOUND_PREFIX.sub("", tok.text)
        body = _rule(rest, tok.script, target)
        if tok.key.startswith("ABD_"):
            base = {"latin": "Abdul", "cyrillic": "Абдул", "arabic": "عبد ال"}[target] + body.lower()
        else:
            base = {"latin": "Abu ", "cyrillic": "Абу ", "arabic": "أبو "}[target] + _capitalise(body, target)
        arabic_base = ""
    else:
        base = _capitalise(_rule(tok.text, tok.script, target), target)
        arabic_base = tok.text if tok.script == "arabic" else ""
    base = _capitalise(base, target)
    if not tok.article:
        return base
    if target == "arabic":
        return "ال" + base
    if target == "latin":
        return "Al-" + base
    art = _SUN_CYRILLIC.get(arabic_base[:1], "аль")
    return art[:1].upper() + art[1:] + "-" + base


def suggest(text: str, *, target: Target) -> str:
    """Suggested spelling of a name in ``target`` script, word by word.

    >>> suggest("محمد الحسن", target="cyrillic")
    'Мухаммед Аль-Хасан'
    """
    if not text or not text.strip():
        return ""
    if detect_script(text) == target:
        return text.strip()
    return " ".join(_token(t, target) for t in tokenize(text))
