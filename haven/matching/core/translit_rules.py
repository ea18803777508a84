"""Letter-by-letter transliteration rules, the fallback when a name is not in
the data files.  Arabic does not write short vowels, so Arabic→Latin and
Arabic→Cyrillic guess an "a" between consonants: a reasonable first
suggestion that the officer corrects, never an identity decision.
"""

from __future__ import annotations

import re

from .scripts import fold_arabic, fold_cyrillic, fold_latin

_AR_LAT = {
    "ا": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh",
    "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s",
    "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q",
    "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "w", "ي": "y",
    "پ": "p", "چ": "ch", "ڤ": "v", "گ": "g",
}  # fmt: skip
_AR_CYR = {
    "ا": "а", "ب": "б", "ت": "т", "ث": "с", "ج": "дж", "ح": "х", "خ": "х",
    "د": "д", "ذ": "з", "ر": "р", "ز": "з", "س": "с", "ش": "ш", "ص": "с",
    "ض": "д", "ط": "т", "ظ": "з", "ع": "", "غ": "г", "ف": "ф", "ق": "к",
    "ك": "к", "ل": "ль", "م": "м", "ن": "н", "ه": "х", "و": "в", "ي": "й",
    "پ": "п", "چ": "ч", "ڤ": "в", "گ": "г",
}  # fmt: skip
_CYR_LAT = {
    "а": "a", "б": "b", "в": "w", "г": "g", "д": "d", "е": "e", "ж": "j",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f",
    "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "y",
    "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
_LAT_CYR_MULTI = (
    ("you", "ю"), ("dsch", "дж"), ("sch", "ш"), ("sh", "ш"), ("kh", "х"), ("gh", "г"),
    ("dj", "дж"), ("zh", "ж"), ("th", "с"), ("dh", "з"), ("ph", "ф"),
    ("ck", "к"), ("ou", "у"), ("oo", "у"), ("ee", "и"), ("ai", "ай"),
    ("ay", "ай"), ("ei", "ей"), ("ey", "ей"), ("ya", "я"), ("yu", "ю"),
    ("ye", "е"), ("ch", "ш"), ("ts", "ц"),
)  # fmt: skip
_LAT_CYR = {
    "a": "а", "b": "б", "c": "к", "d": "д", "e": "е", "f": "ф", "g": "г",
    "h": "х", "i": "и", "j": "дж", "k": "к", "l": "л", "m": "м", "n": "н",
    "o": "о", "p": "п", "q": "к", "r": "р", "s": "с", "t": "т", "u": "у",
    "v": "в", "w": "в", "x": "кс", "y": "й", "z": "з",
}  # fmt: skip
_LAT_AR_MULTI = (
    ("sh", "ش"), ("ch", "ش"), ("kh", "خ"), ("gh", "غ"), ("th", "ث"),
    ("dh", "ذ"), ("dj", "ج"), ("ou", "و"), ("oo", "و"), ("ee", "ي"),
    ("ai", "ي"), ("ay", "ي"), ("ei", "ي"), ("ey", "ي"),
)  # fmt: skip
_LAT_AR = {
    "b": "ب", "p": "ب", "t": "ت", "d": "د", "r": "ر", "z": "ز", "s": "س",
    "f": "ف", "v": "ف", "q": "ق", "k": "ك", "c": "ك", "l": "ل", "m": "م",
    "n": "ن", "h": "ح", "j": "ج", "g": "ج", "w": "و", "y": "ي", "u": "و",
    "i": "ي", "x": "كس",
}  # fmt: skip
_AR_CONSONANT_VOWEL = "اوي"


def arabic_to_latin(token: str) -> str:
    """Guess a Latin reading of one Arabic token (vowels guessed)."""
    s = fold_arabic(token)
    out: list[str] = []
    n = len(s)
    for i, c in enumerate(s):
        nxt = s[i + 1] if i + 1 < n else ""
        if c == "ا":
            out.append("a")
        elif c == "و":
            out.append("w" if i == 0 or nxt == "ا" else ("o" if i == n - 1 else "ou"))
        elif c == "ي":
            out.append("y" if i == 0 or nxt == "ا" else "i")
        elif c == "ه" and i == n - 1 and i > 0:
            out.append("a" if s[i - 1] not in _AR_CONSONANT_VOWEL else "h")
        elif c == "ع" and i == 0:
            out.append("a" if nxt not in _AR_CONSONANT_VOWEL else "")
        else:
            out.append(_AR_LAT.get(c, ""))
            # guess a short vowel between two consonants, none at the end
            if nxt and nxt not in _AR_CONSONANT_VOWEL + "ه"[: int(i == n - 2)] and c != "ع":
                out.append("a")
    return "".join(out)


def arabic_to_cyrillic(token: str) -> str:
    """Guess a Russian-practice Cyrillic reading of one Arabic token."""
    s = fold_arabic(token)
    out: list[str] = []
    n = len(s)
    for i, c in enumerate(s):
        nxt = s[i + 1] if i + 1 < n else ""
        if c == "ا":
            out.append("а")
        elif c == "و":
            out.append("в" if i == 0 or nxt == "ا" else "у")
        elif c == "ي":
            out.append("я" if i == 0 and nxt == "ا" else ("й" if i == 0 else "и"))
            if i == 0 and nxt == "ا":
                continue
        elif c == "ه" and i == n - 1 and i > 0:
            out.append("а" if s[i - 1] not in _AR_CONSONANT_VOWEL else "х")
        elif c == "ع" and i == 0:
            out.append("а" if nxt not in _AR_CONSONANT_VOWEL else "")
        else:
            cyr = _AR_CYR.get(c, "")
            if cyr == "ль" and nxt and nxt not in _AR_CONSONANT_VOWEL:
                cyr = "л"
            out.append(cyr)
            if nxt and nxt not in _AR_CONSONANT_VOWEL + "ه"[: int(i == n - 2)] and c != "ع":
                out.append("а")
    text = "".join(out).replace("яа", "я")
    return text


def cyrillic_to_latin(token: str) -> str:
    """Latin reading of one Cyrillic token, English practice (х→h, дж→j)."""
    s = fold_cyrillic(token).replace("дж", "j").replace("кх", "kh")
    out = "".join(_CYR_LAT.get(c, c if c.isascii() else "") for c in s)
    return re.sub(r"^e", "ye", out) if s.startswith("е") else out


def latin_to_cyrillic(token: str) -> str:
    """Russian-practice reading of one Latin token."""
    s = fold_latin(token)
    if len(s) > 3 and s[-1] == "h" and s[-2] in "ae":
        s = s[:-1]  # Shehadeh → Шехаде, Fatmah → Фатма
    out: list[str] = []
    i = 0
    while i < len(s):
        for lat, cyr in _LAT_CYR_MULTI:
            if s.startswith(lat, i):
                out.append(cyr)
                i += len(lat)
                break
        else:
            c = s[i]
            if c == "e" and i == 0:
                out.append("э")
            elif c == "y" and i == 0 and i + 1 < len(s) and s[i + 1] in "aeiou":
                nxt = s[i + 1]
                out.append({"a": "я", "u": "ю", "o": "ё", "e": "е", "i": "йи"}[nxt])
                i += 1
            else:
                out.append(_LAT_CYR.get(c, ""))
            i += 1
    text = "".join(out)
    return re.sub(r"(.)\1\1+", r"\1\1", text)


def latin_to_arabic(token: str) -> str:
    """Rough Arabic skeleton of one Latin token: short vowels dropped."""
    s = fold_latin(token)
    if len(s) > 3 and s[-1] == "h" and s[-2] in "ae":
        s = s[:-2] + "a"  # ta marbuta: Shehadeh → شحادة
    out: list[str] = []
    i = 0
    n = len(s)
    while i < n:
        if i == 0 and s[i] in "aeiou":
            out.append("ا")
            i += 2 if s.startswith(("ou", "ee"), i) else 1
            continue
        for lat, ar in _LAT_AR_MULTI:
            if s.startswith(lat, i):
                out.append(ar)
                i += len(lat)
                break
        else:
            c = s[i]
            if c in "ao" and (i == n - 1 or (c == "a" and i + 1 < n and s[i + 1] == "a")):
                out.append("ة" if i == n - 1 and c == "a" else "ا")
                i += 2 if c == "a" and i + 1 < n and s[i + 1] == "a" else 1
                continue
            if c in "ae" or (c == "o" and i < n - 1) or (c in "iu" and 0 < i < n - 1):
                i += 1
                continue
            out.append(_LAT_AR.get(c, ""))
            i += 1
    return re.sub(r"(.)\1+", r"\1", "".join(out))


def cyrillic_to_arabic(token: str) -> str:
    """Rough Arabic skeleton of one Cyrillic token, through its Latin reading."""
    return latin_to_arabic(cyrillic_to_latin(token))


def to_latin(folded: str, script: str) -> str:
    """Latin reading of a folded token in any supported script."""
    if script == "arabic":
        return arabic_to_latin(folded)
    if script == "cyrillic":
        return cyrillic_to_latin(folded)
    return folded
