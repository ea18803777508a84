"""Pairwise scoring of person records: same person, possible duplicate, or not.

The score is a Fellegi–Sunter style sum of evidence in bits (log2 of how much
more likely the observation is for the same person than for two different
people), squashed to [0, 1] with a logistic function.  Agreement on a rare
name is strong evidence, on Mohammed weak; disagreement on sex or on the given
name outweighs everything else, because siblings and twins share everything
but the given name.

Thresholds (``SAME``, ``POSSIBLE``) are probabilities under that model:
``score >= SAME`` means "same person" (written by batch dedupe, offered as a
link at registration), ``POSSIBLE <= score < SAME`` goes to human review,
anything below is "different".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from rapidfuzz.distance import Indel, Levenshtein

from .normalize import entry_identity, name_weight, place_weight, tokenize

SAME = 0.85
"""At or above: the same person.  Batch dedupe writes these pairs."""
POSSIBLE = 0.50
"""At or above (and below SAME): a possible duplicate for human review."""

DobPrecision = Literal["exact", "month", "year", "estimated"]
Band = Literal["same", "possible", "different"]

# Evidence in bits.  Chosen on synthetic data (benchmarks/) and by reasoning
# about error rates; see docs/matching.md before changing them.
_GIVEN_DISAGREE = -12.0
_FATHER_DISAGREE = -6.0
_FAMILY_DISAGREE = -5.0
_GRANDFATHER_AGREE, _GRANDFATHER_DISAGREE = 1.5, -2.0
_SEX_AGREE, _SEX_DISAGREE = 0.5, -10.0
_PLACE_DISAGREE = -2.0
_PARENT_CHILD = -6.0
_HOUSEHOLD_SHARED, _HOUSEHOLD_MEMBER = 2.0, -8.0
_MAX_NAME_BITS, _MIN_NAME_BITS = 12.0, 1.5
_GIVEN_CAP = -3.0  # given names disagree: never above "different"
_PRIOR_OFFSET = 0.0  # prior bits = offset - log2(population)


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """What the matcher knows about one registration (any field may be empty)."""

    record_id: str
    given_name: str = ""
    father_name: str = ""
    grandfather_name: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    dob_precision: DobPrecision = "exact"
    sex: str = ""
    place_of_birth: str = ""
    household_member_ids: tuple[str, ...] = ()


TOPICS = (
    "given name",
    "father's name",
    "family name",
    "grandfather's name",
    "date of birth",
    "sex",
    "place of birth",
    "parent and child",
    "household",
    "siblings",
)
"""What a line of the scorer's explanation can be about."""
FINDINGS = (
    "missing",
    "similarity",
    "same",
    "different",
    "one household",
    "members in common",
    "estimated, close",
    "estimated, far",
    "same year (year only)",
    "year off by one (year only)",
    "different years",
    "same year",
    "same month",
    "same date",
    "day and month swapped",
    "year off by one",
    "same month, day differs",
    "dates a few days apart",
    "same year, month differs",
    "one year apart",
    "years apart",
)
"""What the scorer can find on a topic (a code: the web pages put it in the reader's language)."""
_WHOLE_LINES = {
    "parent and child": "one's father's name is the other's given name: parent and child?",
    "siblings": "given names differ: siblings or twins are not the same person",
}


@dataclass(frozen=True, slots=True)
class Reason:
    """One line of a score's explanation: its topic, what was found, and the evidence in bits.

    ``topic`` is one of :data:`TOPICS` and ``finding`` one of :data:`FINDINGS`
    (with ``similarity`` or ``years`` where the finding has a number), so a
    page can say it in any language; ``str()`` is the English line
    (``given name: similarity 0.97 (+6.9)``) the API and the tests read.
    ``bits`` is None for a line that is a rule, not a weight.
    """

    topic: str
    finding: str = ""
    bits: float | None = None
    similarity: float | None = None
    years: int | None = None

    def __str__(self) -> str:
        if self.topic in _WHOLE_LINES:
            text = _WHOLE_LINES[self.topic]
        else:
            what = self.finding
            if self.finding == "similarity":
                what = f"similarity {self.similarity or 0.0:.2f}"
            elif self.finding == "years apart":
                what = f"{self.years} years apart"
            text = f"{self.topic}: {what}"
        return text if self.bits is None else f"{text} ({self.bits:+.1f})"


@dataclass(frozen=True, slots=True)
class MatchResult:
    """A score in [0, 1], its band and the evidence behind it, for the reviewer."""

    score: float
    band: Band
    reasons: tuple[Reason, ...]


class NameFrequencies:
    """How common each name key is, for weighting agreement.

    Default: the weights in the data files.  In batch mode, counts over the
    data set itself (``from_keys``) are better: they are the real population.
    """

    def __init__(
        self,
        given: dict[str, float] | None = None,
        family: dict[str, float] | None = None,
        *,
        population: int = 100_000,
    ) -> None:
        self._given = given
        self._family = family
        self.population = population
        # Prior odds that two records compared are one person: the bigger the
        # population, the more evidence "same person" needs.
        self.prior_bits = _PRIOR_OFFSET - math.log2(max(1_000, population))

    @classmethod
    def from_keys(cls, given_keys: Iterable[str], family_keys: Iterable[str], *, population: int) -> NameFrequencies:
        """Shares counted over a data set of ``population`` records."""
        g, f = Counter(k for k in given_keys if k), Counter(k for k in family_keys if k)
        ng, nf = max(1, sum(g.values())), max(1, sum(f.values()))
        return cls({k: v / ng for k, v in g.items()}, {k: v / nf for k, v in f.items()}, population=population)

    def share(self, key: str, *, family: bool) -> float:
        """Estimated share of people with this name (0 < share <= 1)."""
        table = self._family if family else self._given
        if table is not None:
            return table.get(key, 0.0) or 1e-5
        w = name_weight(key, family=family)
        # Data weights are roughly "per 10,000 Syrians"; unknown names are rare.
        return min(0.2, (w or 5) / 10_000)

    def bits(self, key: str, *, family: bool) -> float:
        share = self.share(key, family=family) if " " not in key else 1e-4
        return max(_MIN_NAME_BITS, min(_MAX_NAME_BITS, math.log2(0.95 / share)))


_DEFAULT_FREQ = NameFrequencies()
_PLACE_TOTAL = 1_000  # places.tsv weights are per mille of births


@dataclass(frozen=True, slots=True)
class _Part:
    key: str
    simple: str  # simplified Latin reading for fuzzy comparison
    canon: str  # identity of the known names (entry_identity), else ""
    bits: float  # evidence when this part agrees


def _simplify(latin: str) -> str:
    s = latin.replace("ou", "u").replace("oo", "u").replace("ee", "i").replace("kh", "h")
    s = s.translate(str.maketrans("oeyqwcv", "uiikuku"))
    out: list[str] = []
    for ch in s:
        if ch != " " and (not out or out[-1] != ch):
            out.append(ch)
    return "".join(out)


def _part(text: str, freq: NameFrequencies, *, family: bool) -> _Part | None:
    toks = tokenize(text)
    if not toks:
        return None
    key = " ".join(t.key for t in toks)
    latin = " ".join(t.latin for t in toks)
    # Only a name known in this role can be "a different known name".
    kinds = ("family",) if family else ("m", "f")
    known = all(t.entry is not None and t.entry.kind in kinds for t in toks)
    canon = " ".join(entry_identity(t.entry) for t in toks if t.entry is not None) if known else ""
    return _Part(key, _simplify(latin), canon, freq.bits(key, family=family))


def _place_part(text: str) -> _Part | None:
    """Places are weighted by the data file (places.tsv), not by the data set."""
    part = _part(text, _DEFAULT_FREQ, family=True)
    if part is None:
        return None
    w = place_weight(part.key)
    bits = math.log2(0.9 * _PLACE_TOTAL / w) if w else 6.0
    return _Part(part.key, part.simple, part.canon, bits)


@dataclass(frozen=True, slots=True)
class PreparedRecord:
    """A record with everything the scorer needs precomputed (batch mode)."""

    record_id: str
    given: _Part | None
    father: _Part | None
    grandfather: _Part | None
    family: _Part | None
    dob: date | None
    precision: DobPrecision
    sex: str
    place: _Part | None
    household: frozenset[str]
    prior: float


def _norm_sex(sex: str) -> str:
    s = sex.strip().lower()[:1]
    return {"m": "m", "f": "f", "ж": "f", "м": "m", "w": "f", "ذ": "m", "أ": "f", "ا": "f"}.get(s, "")


def prepare(
    record: PersonRecord,
    frequencies: NameFrequencies | None = None,
    *,
    cache: dict[tuple[str, str], _Part | None] | None = None,
) -> PreparedRecord:
    """Normalise one record once so that scoring many pairs is cheap.

    ``cache``: a dict the caller keeps across records scored with the same
    ``frequencies``, so that common names are normalised once.
    """
    freq = frequencies or _DEFAULT_FREQ

    def part(text: str, role: str) -> _Part | None:
        key = (text, role)
        if cache is not None and key in cache:
            return cache[key]
        value = _place_part(text) if role == "place" else _part(text, freq, family=role == "family")
        if cache is not None:
            cache[key] = value
        return value

    return PreparedRecord(
        record.record_id,
        part(record.given_name, "given"),
        part(record.father_name, "given"),
        part(record.grandfather_name, "given"),
        part(record.family_name, "family"),
        record.date_of_birth,
        record.dob_precision,
        _norm_sex(record.sex),
        part(record.place_of_birth, "place"),
        frozenset(record.household_member_ids),
        freq.prior_bits,
    )


def name_similarity(a: _Part, b: _Part, *, strict: bool = False) -> float:
    """1.0 for the same name in any script; < 0.6 for different names.

    Two different known names that share a key (Omar, Amer) are different
    names when ``strict`` (given names: twins), a likely typo otherwise.
    """
    if a.key == b.key:
        if a.canon and b.canon and a.canon != b.canon:
            return 0.55 if strict else 0.8
        return 1.0
    ka, kb = a.key.split(" "), b.key.split(" ")
    if len(ka) != len(kb) and (set(ka) <= set(kb) or set(kb) <= set(ka)):
        return 0.9  # one record has a second given name or an extra word
    if a.canon and b.canon:
        return 0.4  # both known, different keys: different names
    return max(
        Levenshtein.normalized_similarity(a.key, b.key) * 0.95,
        Indel.normalized_similarity(a.simple, b.simple),
    )


def _name_evidence(a: _Part | None, b: _Part | None, disagree: float, *, strict: bool = False) -> tuple[float, float]:
    """(bits, similarity); similarity -1 when a side is missing."""
    if a is None or b is None:
        return 0.0, -1.0
    sim = name_similarity(a, b, strict=strict)
    if sim >= 0.92:
        return min(a.bits, b.bits), sim
    if sim >= 0.75:
        return 0.4 * min(a.bits, b.bits), sim
    if sim >= 0.6:
        return 0.0, sim
    return disagree, sim


def _yearish(d: date, precision: str) -> bool:
    return precision in ("year", "estimated") or (d.month == 1 and d.day == 1)


def dob_evidence(a: date | None, pa: str, b: date | None, pb: str) -> tuple[float, str]:
    """Bits for two dates of birth, allowing for the usual recording errors, and the finding (:data:`FINDINGS`)."""
    if a is None or b is None:
        return 0.0, "missing"
    dy = abs(a.year - b.year)
    if "estimated" in (pa, pb):
        if dy <= 2:
            return 2.0, "estimated, close"
        return (-1.0 if dy <= 5 else -min(15.0, 2.0 * dy)), "estimated, far"
    ya, yb = _yearish(a, pa), _yearish(b, pb)
    if ya and yb:
        # Both recorded with the year only (1 January): the year is an estimate.
        if dy == 0:
            return 7.0, "same year (year only)"
        if dy == 1:
            return 3.0, "year off by one (year only)"
        return (-1.0 if dy == 2 else -min(15.0, 3.0 * dy)), "different years"
    if ya or yb:
        # One exact date, one year-only: agreeing on the year is weak evidence.
        if dy == 0:
            return 2.0, "same year"
        return (-1.0 if dy == 1 else -min(15.0, 3.0 * dy)), "different years"
    if pa == "month" or pb == "month":
        if dy == 0 and a.month == b.month:
            return 8.0, "same month"
        if dy == 0:
            return 1.0, "same year"
        return (-1.0 if dy == 1 else -min(15.0, 3.0 * dy)), "different years"
    if a == b:
        return 13.0, "same date"
    if dy == 0 and a.month == b.day and a.day == b.month:
        return 10.0, "day and month swapped"
    if dy == 1 and a.month == b.month and a.day == b.day:
        return 9.0, "year off by one"
    if dy == 0 and a.month == b.month:
        return 5.0 if abs(a.day - b.day) in (1, 10, 20) else 2.0, "same month, day differs"
    if abs((a - b).days) <= 31:
        return 0.0, "dates a few days apart"
    if dy == 0:
        return -5.0, "same year, month differs"
    if dy == 1:
        return -3.0, "one year apart"
    return -min(15.0, 3.0 + 2.0 * dy), "years apart"


def _evidence(a: PreparedRecord, b: PreparedRecord, reasons: list[Reason] | None) -> float:
    total = a.prior
    g_bits, g_sim = _name_evidence(a.given, b.given, _GIVEN_DISAGREE, strict=True)
    total += g_bits
    f_bits, f_sim = _name_evidence(a.father, b.father, _FATHER_DISAGREE)
    total += f_bits
    fam_bits, fam_sim = _name_evidence(a.family, b.family, _FAMILY_DISAGREE)
    total += fam_bits
    gf_bits, gf_sim = _name_evidence(a.grandfather, b.grandfather, _GRANDFATHER_DISAGREE)
    if gf_sim >= 0:
        gf_bits = _GRANDFATHER_AGREE if gf_sim >= 0.75 else gf_bits
    total += gf_bits
    d_bits, d_why = dob_evidence(a.dob, a.precision, b.dob, b.precision)
    total += d_bits
    s_bits = 0.0
    if a.sex and b.sex:
        s_bits = _SEX_AGREE if a.sex == b.sex else _SEX_DISAGREE
    total += s_bits
    p_bits = 0.0
    if a.place is not None and b.place is not None:
        if name_similarity(a.place, b.place) >= 0.85:
            p_bits = max(1.0, min(5.0, min(a.place.bits, b.place.bits) - 1.0))
        else:
            p_bits = _PLACE_DISAGREE
    total += p_bits
    # Father and son named alike: one's father name is the other's given name.
    pc_bits = 0.0
    if f_sim >= 0 and f_sim < 0.75 and a.given is not None and b.given is not None:
        if (a.father is not None and name_similarity(a.father, b.given) >= 0.92) or (
            b.father is not None and name_similarity(b.father, a.given) >= 0.92
        ):
            pc_bits = _PARENT_CHILD
    total += pc_bits
    h_bits = 0.0
    if a.record_id in b.household or b.record_id in a.household:
        h_bits = _HOUSEHOLD_MEMBER
    elif a.household & b.household:
        h_bits = _HOUSEHOLD_SHARED
    total += h_bits
    if 0 <= g_sim < 0.6:
        total = min(total, _GIVEN_CAP)
    if reasons is not None:
        for topic, bits, sim in (
            ("given name", g_bits, g_sim),
            ("father's name", f_bits, f_sim),
            ("family name", fam_bits, fam_sim),
            ("grandfather's name", gf_bits, gf_sim),
        ):
            if sim < 0:
                reasons.append(Reason(topic, "missing", bits))
            else:
                reasons.append(Reason(topic, "similarity", bits, similarity=round(sim, 2)))
        years = abs(a.dob.year - b.dob.year) if a.dob and b.dob else None
        reasons.append(Reason("date of birth", d_why, d_bits, years=years if d_why == "years apart" else None))
        reasons.append(Reason("sex", _by_sign(s_bits), s_bits))
        reasons.append(Reason("place of birth", _by_sign(p_bits), p_bits))
        if pc_bits:
            reasons.append(Reason("parent and child", bits=pc_bits))
        if h_bits:
            together = "one household" if h_bits == _HOUSEHOLD_MEMBER else "members in common"
            reasons.append(Reason("household", together, h_bits))
        if 0 <= g_sim < 0.6:
            reasons.append(Reason("siblings"))
    return total


def _by_sign(bits: float) -> str:
    return "missing" if not bits else ("same" if bits > 0 else "different")


NAMES_AGREE = 0.85
"""Similarity from which :func:`same_names_no_date` counts two names as the same (Абдурраззак, Abdoulrazzaq: 0.89)."""


def same_names_no_date(a: PreparedRecord, b: PreparedRecord) -> bool:
    """The same given, father's and family names, and no date of birth on either side to tell them apart.

    The score cannot rise above the name's own weight then: at a million
    persons Kinan Abdulrazzaq al-Ahmad against Kenan Abdoulrazzaq El Ahmad,
    neither with a date, scores 0.085. The duplicate check lists such a pair
    for the officer to check (household, site, registration date), below
    the warning threshold. Siblings and twins differ in the given name, a
    father and son in two names: never listed so.
    """
    if a.dob is not None or b.dob is not None:
        return False
    if a.given is None or b.given is None or a.family is None or b.family is None:
        return False
    if (a.father is None) != (b.father is None):
        return False
    pairs = [(a.given, b.given, True), (a.family, b.family, False)]
    if a.father is not None and b.father is not None:
        pairs.append((a.father, b.father, False))
    return all(name_similarity(x, y, strict=strict) >= NAMES_AGREE for x, y, strict in pairs)


def _squash(bits: float) -> float:
    return 1.0 / (1.0 + 2.0 ** (-bits))


def score_prepared(a: PreparedRecord, b: PreparedRecord) -> float:
    """Score of two prepared records, without the explanation (fast path)."""
    return _squash(_evidence(a, b, None))


def band(score: float) -> Band:
    """Which decision a score falls into."""
    if score >= SAME:
        return "same"
    if score >= POSSIBLE:
        return "possible"
    return "different"


def score_pair(a: PersonRecord, b: PersonRecord, *, frequencies: NameFrequencies | None = None) -> MatchResult:
    """Score two records and explain the score, for the review page and tests."""
    pa, pb = prepare(a, frequencies), prepare(b, frequencies)
    reasons: list[Reason] = []
    s = _squash(_evidence(pa, pb, reasons))
    return MatchResult(s, band(s), tuple(reasons))
