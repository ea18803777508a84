"""Which listed name a written word stands for: a word read against the data files' names.

A registration writes a name as some clerk heard, spelled and typed it.
``صاحل`` is no listed spelling, but it is one swap of letters from صالح
(Saleh) and from nothing else the data files list, so it is almost surely
Saleh with a typo; ``Dieb`` is a listed spelling of ديب (Deeb) and one
letter from Diab, so it is mostly Deeb. :func:`read_name` gives, for one
word, each listed name it may stand for with its probability:

    P(name | word) ∝ P(word | name) · P(name)

- ``P(word | name)``: by the fewest edits (optimal string alignment: a
  letter changed, missing, added, or two swapped) from the word to any of
  the name's listed spellings in the word's own script, after the same
  folding as the index: :data:`SPELLING_LIKELIHOOD` in Latin and Cyrillic
  script, where a name drifts into many spellings, and the smaller
  :data:`ARABIC_SPELLING_LIKELIHOOD` in Arabic script, where it is written
  one way (once hamza, alif and ta marbuta forms are folded) and a letter
  off is a typo or another name;
- ``P(name)``: the name's weight in the data files (how common it is),
  summed over its entries (the given name حسن and the family name الحسن are
  one name: :func:`~haven.matching.core.normalize.entry_identity`);
- a name the data files do not list keeps a small share,
  :data:`UNLISTED`, so a word far from every listed name is read as
  nothing (an empty reading) and a word near one is not forced onto it.

:func:`same_name` compares two readings: the same listed name, a different
one, or cannot tell. The search ranks with it
(:mod:`haven.matching.selectors`): a record word that reads as the typed
name ranks as that name, whatever its typo; one that reads as another name
ranks below a part never recorded. Plain Python, no Django.
"""

from __future__ import annotations

from enum import Enum
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .data import NameEntry, load_names
from .normalize import entry_identity, tokenize
from .scripts import char_script

__all__ = [
    "CONFIDENT",
    "Agreement",
    "confident_name",
    "name_key",
    "read_name",
    "reads_as_other",
    "same_name",
    "script_of",
]

SPELLING_LIKELIHOOD = {0: 1.0, 1: 0.1, 2: 0.01}
"""P(word | name) by the edits from the word to the name's nearest listed spelling (more: 0).

Measured at a million persons (session 12, docs/performance.md): 0.08 and
0.005, or 0.2 and 0.03, read fewer typos confidently and found fewer
targets; 0.1 and 0.01 found the most."""
ARABIC_SPELLING_LIKELIHOOD = {0: 1.0, 1: 0.01, 2: 0.001}
"""P(word | name) in Arabic script, which has no transliteration drift: a letter off is a typo.

With 0.1, as in Latin, an exact spelling of a less common name was not read
surely as it: عامر was 0.55 Amer and 0.22 Omar (0.93 and 0.04 now), حامد
0.48 Hamid and 0.45 Ahmad, ريما 0.78 Rima, so a record of Amer ranked level
with the Omar typed. At a million persons on three seeds, 0.003, 0.01 and
0.03 found the same targets, 1 to 2 more a seed than 0.1 (session 13)."""
SHORT_WORD = 5
"""A word of this many letters or fewer is read within one edit only (two edits turn Rawan into Hasan).

At a million persons 5 found one target more than 4 (session 12)."""
UNLISTED = 1e-7
"""The weight, against a listed name's ``P(word | name) · P(name)``, of a name the data files do not list.

A listed name's share is its weight over all weights (about 2e-3 for Ruba,
0.02 for Mohammed), times the likelihood: a word one edit from a rare
listed name is still read as it (2e-4 against 1e-7), a word two edits from
it less surely. 5e-4 left most typos unread."""
CONFIDENT = 0.8
"""A reading is confident when one name has this share of it. 0.6 and 0.9 were measured: 0.7 to 0.8 found the most."""
DIFFERENT = 0.1
"""Below this share of the other's name, two confident readings are of different names.

In Arabic script محمد and احمد are one letter apart, so Mohammed's weight
leaves Ahmad about 0.06 of محمد's reading: at 0.05 a Dima *Mohammed*
Suleiman outranked Dima Suleiman, registered without a father's name, for
the Dima Ahmad typed. 0.1 found one target more at a million persons on a
second seed and changed nothing on the benchmark's own (session 12)."""


class Agreement(Enum):
    SAME = "same"
    DIFFERENT = "different"
    UNKNOWN = "unknown"


def _person_names() -> list[NameEntry]:
    """The data files' names that persons bear (not places), as the reading counts them."""
    return [e for e in load_names() if e.kind != "place" and e.weight > 0]


@lru_cache(maxsize=4)
def _spellings(script: str) -> tuple[list[str], list[tuple[str, ...]], dict[str, float]]:
    """Every listed spelling in ``script``, folded, with the names it spells; and each name's prior."""
    spelled: dict[str, set[str]] = {}
    weight: dict[str, int] = {}
    for e in _person_names():
        name = entry_identity(e)
        weight[name] = weight.get(name, 0) + e.weight
        written = {"arabic": e.arabic, "latin": e.latin, "cyrillic": e.cyrillic}.get(script, ())
        for v in written:
            folded = "".join(t.text for t in tokenize(v))
            if folded:
                spelled.setdefault(folded, set()).add(name)
    total = sum(weight.values()) or 1
    keys = list(spelled)
    return keys, [tuple(sorted(spelled[k])) for k in keys], {n: w / total for n, w in weight.items()}


@lru_cache(maxsize=100_000)
def read_name(text: str, script: str) -> tuple[tuple[str, float], ...]:
    """The listed names a folded word may stand for, most likely first, with their probabilities.

    ``text`` is a token's folded text (:attr:`~haven.matching.core.normalize.Token.text`)
    and ``script`` its script. Empty when no listed spelling is near enough.
    The probabilities sum to less than 1: the rest is a name not listed.
    """
    if script not in ("arabic", "latin", "cyrillic") or len(text) < 2:
        return ()
    spellings, names, prior = _spellings(script)
    likelihood_of = ARABIC_SPELLING_LIKELIHOOD if script == "arabic" else SPELLING_LIKELIHOOD
    cutoff = 1 if len(text) <= SHORT_WORD else max(likelihood_of)
    likelihood: dict[str, float] = {}
    for _spelling, edits, i in process.extract(text, spellings, scorer=OSA.distance, score_cutoff=cutoff, limit=None):
        p = likelihood_of[int(edits)]
        for name in names[i]:
            if p > likelihood.get(name, 0.0):
                likelihood[name] = p
    if not likelihood:
        return ()
    joint = {name: p * prior[name] for name, p in likelihood.items()}
    total = sum(joint.values()) + UNLISTED
    return tuple(sorted(((n, p / total) for n, p in joint.items()), key=lambda np: (-np[1], np[0])))


def same_name(a: tuple[str, str], b: tuple[str, str]) -> Agreement:
    """Whether two words, each ``(folded text, script)``, are written for the same listed name.

    SAME when both are read confidently as one name; DIFFERENT when both are
    read confidently as different names and the second is hardly ever the
    first's (Anas and Abbas, Hassan and Hussein); else UNKNOWN (a name not
    listed, or a word that reads as two names: Hela as Hala or Hiba).
    """
    name_a = confident_name(*a)
    if name_a is None:
        return Agreement.UNKNOWN
    if confident_name(*b) == name_a:
        return Agreement.SAME
    return Agreement.DIFFERENT if reads_as_other(*b, name_a) else Agreement.UNKNOWN


def shared_reading(a: tuple[str, str], b: tuple[str, str]) -> float:
    """The probability that two words, each ``(folded text, script)``, stand for the same listed name.

    The sum over names of the two readings' probabilities: Geith (0.53 Ghaith,
    0.47 Laith) and Гас (Ghaith, surely) share 0.53; 0 when either word reads
    as no listed name.
    """
    first = dict(read_name(*a))
    if not first:
        return 0.0
    return sum(p * first.get(name, 0.0) for name, p in read_name(*b))


def script_of(word: str) -> str:
    """The script of a folded word, by its first letter (an index spelling is in one script)."""
    return (char_script(word[:1]) or "unknown") if word else "unknown"


@lru_cache(maxsize=100_000)
def confident_name(text: str, script: str) -> str | None:
    """The listed name a word is read as with at least :data:`CONFIDENT` of its reading, else None."""
    reading = read_name(text, script)
    return reading[0][0] if reading and reading[0][1] >= CONFIDENT else None


def reads_as_other(text: str, script: str, name: str) -> bool:
    """True when a word is read confidently as another listed name than ``name``, and hardly ever as it."""
    other = confident_name(text, script)
    return other is not None and other != name and dict(read_name(text, script)).get(name, 0.0) < DIFFERENT


@lru_cache(maxsize=1)
def _keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for e in sorted(_person_names(), key=lambda e: -e.weight):
        tokens = tokenize(e.latin[0]) if e.latin else []
        if len(tokens) == 1:
            keys.setdefault(entry_identity(e), tokens[0].key)
    return keys


def name_key(name: str) -> str:
    """The phonetic key of a listed name (as :func:`read_name` gives it), "" when it has none of its own."""
    return _keys().get(name, "")
