"""Script detection and per-script character folding.

Names arrive from passports, UNHCR papers and Russian forms, typed on three
keyboard layouts.  Before any comparison we fold away differences that carry
no identity: Arabic short-vowel marks (harakat), shadda, tatweel, hamza seats,
presentation forms; Latin accents and apostrophes; Cyrillic ё.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

Script = Literal["arabic", "latin", "cyrillic", "mixed", "unknown"]

# Harakat, shadda, sukun, superscript alif, Quranic marks, tatweel.
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ئ": "ي",
        "ى": "ي",
        "ة": "ه",
        "ی": "ي",  # Persian yeh
        "ک": "ك",  # Persian kaf
        "ڪ": "ك",
        "ھ": "ه",
        "ۀ": "ه",
    }
)
_LATIN_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "ı": "i", "ł": "l", "đ": "d"})
_CYRILLIC_FOLD = str.maketrans({"ё": "е", "і": "и", "ї": "и", "є": "е", "ў": "у"})
_SIGN_TWICE = re.compile("([ьъ])\\1+")
"""The soft or hard sign typed twice (``Альь-Ахмад``): Russian never writes either twice in a row."""
_APOSTROPHES = re.compile("['`’‘ʿʾʼ´]")


def char_script(ch: str) -> str | None:
    """Script of one letter, or None for anything that is not a letter we know."""
    o = ord(ch)
    if 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0xFB50 <= o <= 0xFEFF:
        return "arabic" if ch.isalpha() else None
    if 0x0400 <= o <= 0x04FF:
        return "cyrillic" if ch.isalpha() else None
    if ch.isascii() and ch.isalpha():
        return "latin"
    if 0x00C0 <= o <= 0x024F and ch.isalpha():
        return "latin"
    return None


def detect_script(text: str) -> Script:
    """Which script a name is written in.

    "mixed" when letters of more than one script occur (a Latin name with a
    Cyrillic letter typed by mistake is common on shared keyboards), "unknown"
    when there are no letters at all.
    """
    seen: set[str] = set()
    for ch in text:
        s = char_script(ch)
        if s:
            seen.add(s)
    if not seen:
        return "unknown"
    if len(seen) > 1:
        return "mixed"
    return seen.pop()  # type: ignore[return-value]


def fold_arabic(text: str) -> str:
    """Remove marks Arabic writers may or may not write, unify letter variants."""
    text = unicodedata.normalize("NFKC", text)
    text = _ARABIC_MARKS.sub("", text)
    text = text.replace("ء", "")
    return text.translate(_ARABIC_FOLD)


def fold_latin(text: str) -> str:
    """Lowercase ASCII: accents (Hüseyin, Saïd) and apostrophes (Sa'ad) removed."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.translate(_LATIN_FOLD)
    return _APOSTROPHES.sub("", text)


def fold_cyrillic(text: str) -> str:
    """Lowercase Russian: ё written as е, Ukrainian letters mapped to Russian, a sign typed twice once.

    ``Альь-Ахмад`` (the key held down, or л respelt ль in a name that had it)
    was the word ``альь``, read as Wael, and the name Ahmad: the article is
    only an article when written as one.
    """
    return _SIGN_TWICE.sub(r"\1", text.lower().translate(_CYRILLIC_FOLD))


def has_sign_twice(text: str) -> bool:
    """Does ``text`` hold the soft or hard sign twice in a row (whose tokens changed in migration 0015)?"""
    return _SIGN_TWICE.search(text.lower()) is not None


def fold_token(token: str) -> tuple[str, str]:
    """Fold one token and return (folded, script) using the token's own script."""
    script = detect_script(token)
    if script == "arabic":
        return fold_arabic(token), script
    if script == "cyrillic":
        return fold_cyrillic(token), script
    if script == "latin":
        return fold_latin(token), script
    if script == "mixed":
        # Decide by majority; stray letters of another script are typing slips.
        counts: dict[str, int] = {}
        for ch in token:
            s = char_script(ch)
            if s:
                counts[s] = counts.get(s, 0) + 1
        best = max(counts, key=lambda k: counts[k])
        kept = "".join(ch for ch in token if char_script(ch) == best)
        return fold_token(kept)
    return "", "unknown"
