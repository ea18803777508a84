"""Reads of the matching app: cross-script search, the duplicate check, the review queue.

Entry points for the registry (see docs/search-and-duplicates.md):

- :func:`person_search` — ranked search in any script, restricted to the
  sites where the user holds ``registry.person.view``;
- :func:`duplicate_candidates` — possible duplicates of a registration
  being typed, scored by the core scorer;
- :func:`person_data_hash` — the keyed hash that ties decisions at
  registration to the person registered afterwards.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_lazy, ngettext
from rapidfuzz import fuzz

from haven.accounts import roles
from haven.accounts.access import scope, sites_with
from haven.audit.services import audit_persons_shown
from haven.lib.dates import age_on
from haven.lib.timed import Timed
from haven.matching import search
from haven.matching.core.data import NameEntry
from haven.matching.core.normalize import Token, entries_with_key, joined_token, normalize_name, tokenize
from haven.matching.core.reading import Agreement, same_name, shared_reading
from haven.matching.core.score import (
    NameFrequencies,
    PersonRecord,
    Reason,
    band,
    prepare,
    same_names_no_date,
    score_pair,
    score_prepared,
)
from haven.matching.models import (
    MERGED_STATUS,
    BatchRun,
    Decision,
    DuplicateDecision,
    DuplicatePair,
    PairStatus,
    PersonMerge,
)
from haven.registry.models import Person, PersonName

SEARCH_CANDIDATES = 200
"""Rows a search tier reads from the index (with their text, for the quick score)."""
SEARCH_RERANK = 100
"""Of those, the best by quick score are reranked with their names (relaxed tiers)."""
SEARCH_RANKED = os.environ.get("HAVEN_SEARCH_RANKED", "0") == "1"
"""Relaxed tiers: one unranked query per conjunction (default: measured faster and with higher recall at 100k
than one bm25/ts_rank-ordered query), or ranked by the database (HAVEN_SEARCH_RANKED=1)."""
SEARCH_RERANK_EACH = 10
"""In a loose tier, each conjunction's best rows by quick score are reranked too, beyond the tier's best
:data:`SEARCH_RERANK`: Haroun al-Ahmad without a father's name (7 rows of ``Haroun & no father &
al-Ahmad``) was cut by the 166 rows of ``Haroun±1 & Ibrahim & al-Ahmad``, whose one-edit keys the quick
score credits 0.85 against 0.6 for a part never recorded."""
SEARCH_RERANK_STRICT = 40
"""In the strict tier every candidate holds every typed word: fewer need reranking."""
DUPLICATE_CANDIDATES = 300
PART_ORDER = search.NAME_PART_ORDER
SCRIPT_ORDER = ("ar", "la", "cy")


@dataclass(frozen=True)
class SearchHit:
    """One search result: the person and their full name in each script."""

    person_id: uuid.UUID
    registration_number: str
    names: dict[str, str]
    """Full name (given, father's, grandfather's, family) per script code: ar, la, cy."""
    score: float
    site_id: uuid.UUID
    year_off: int = 0
    """How far the year of birth is from a year typed in the query (0 when none was typed)."""


@dataclass(frozen=True)
class Candidate:
    """A possible duplicate with the facts an officer needs to decide."""

    person_id: uuid.UUID
    registration_number: str
    score: float
    band: str
    names: dict[str, str]
    date_of_birth: date | None
    age: int | None
    sex: str
    household_number: str
    site_name: str
    registered_on: date
    reasons: tuple[Reason, ...] = field(default=())


# --- Shared helpers -----------------------------------------------------------------------


def _names_by_person(person_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[tuple[str, str], str]]:
    out: dict[uuid.UUID, dict[tuple[str, str], str]] = defaultdict(dict)
    for pid, part, script, value in (
        PersonName.objects.filter(person_id__in=person_ids)
        .order_by()
        .values_list("person_id", "part", "script", "value")
    ):
        out[pid][(part, script)] = value
    return out


def full_names(names: dict[tuple[str, str], str]) -> dict[str, str]:
    """Full name per script, parts in the order given, father's, grandfather's, family."""
    out = {}
    for script in SCRIPT_ORDER:
        parts = [names[(p, script)] for p in PART_ORDER if (p, script) in names]
        if parts:
            out[script] = " ".join(parts)
    return out


def _visible_persons(user: Any, ids: list[uuid.UUID]) -> QuerySet[Person]:
    return (
        scope(user, Person.objects.filter(pk__in=ids), roles.PERSON_VIEW)  # type: ignore[misc]
        .exclude(status_id=MERGED_STATUS)
        .select_related("site", "household")
    )


# --- Search --------------------------------------------------------------------------------


def _other_known_name(q: Token, t: Token) -> bool:
    """Two different names of the data files that share a key (Mahmoud and Mohammed are both MHMD:
    a key has no short vowels). They agree by key but are not the same name."""
    a, b = _name_of(q), _name_of(t)
    return a is not None and b is not None and a != b


NEAREST_NAME = 75
"""A spelling the data files do not list is read as the listed name of its key it is this close to (ratio)."""


def _name_of(tok: Token) -> NameEntry | None:
    """The data files' name a token spells: its entry, or for a spelling they do not list
    (Мухаммэд), the name with the same key whose spellings it is closest to."""
    if tok.entry is not None:
        return tok.entry
    return _nearest_name(tok.text, tok.script, tok.key)


@lru_cache(maxsize=65536)
def _nearest_name(text: str, script: str, key: str) -> NameEntry | None:
    best, best_ratio = None, float(NEAREST_NAME)
    for entry in entries_with_key(key):
        ratio = _spelling_ratio(text, script, entry)
        if ratio > best_ratio:
            best, best_ratio = entry, ratio
    return best


@lru_cache(maxsize=8192)
def _spellings(entry: NameEntry, script: str) -> tuple[str, ...]:
    """The data file's spellings of a name in one script, folded as tokens are."""
    written = {"arabic": entry.arabic, "latin": entry.latin, "cyrillic": entry.cyrillic}.get(script, ())
    return tuple({"".join(t.text for t in tokenize(v)) for v in written})


def _closest_spelling(q: Token, entry: NameEntry | None) -> float:
    """How close a typed word is to any listed spelling of ``entry`` in the script it was typed in (0-100).

    Dieb (listed for ديب) is one letter from Diab (دياب): a drifted spelling
    of this name, not only the other one; Mahmud is far from every Mohammed."""
    return 0.0 if entry is None else _spelling_ratio(q.text, q.script, entry)


def _spelling_ratio(text: str, script: str, entry: NameEntry) -> float:
    """Best rapidfuzz ratio (0-100) of a folded spelling against the listed spellings of ``entry`` in ``script``."""
    return max((fuzz.ratio(text, v) for v in _spellings(entry, script)), default=0.0)


READ_DIFFERENT = 0.5
"""Most a record word may score that reads confidently as another listed name than the typed one.

Below a part never recorded (:data:`MISSING_PART_CREDIT`): by likelihood a
father's name Abbas is evidence against the Anas typed, and a father's name
never recorded is none. Applied only when both words are read confidently
(:func:`haven.matching.core.reading.same_name`); session 10 measured the same
rule on every pair of listed names, and lost targets whose record or typed
text a typo had turned into another listed name."""


SAME_NAME = 0.97
"""The score of a word that is the typed name spelled otherwise (a closer spelling adds up to 0.03)."""


def _same_name_score(q: Token, t: Token) -> float:
    """The score of a word that is the typed name spelled otherwise: 0.97, and a closer spelling breaks ties."""
    return SAME_NAME + 0.03 * fuzz.ratio(q.latin, t.latin) / 100


def _read_adjusted(q: Token, t: Token, score: float, *, different: bool = True) -> float:
    """A word score corrected by what the two words read as (:mod:`haven.matching.core.reading`).

    A record word that reads confidently as the typed name scores as the name
    spelled otherwise (0.97 and up: ``صاحل`` for the Saleh typed, ``Mugammed``
    for Mohammad), one that reads confidently as another name at most
    :data:`READ_DIFFERENT` (not when ``different`` is false: a word still being
    typed may yet become another name); otherwise the score moves toward
    :data:`SAME_NAME` by as much as the two readings share
    (:func:`~haven.matching.core.reading.shared_reading`; session 14).
    """
    # Two words of Abu + name are read by the names after the particle (Абу Муын against ابو معين).
    both_abu = bool(q.rest and t.rest)
    a, b = ((q.rest, q.script), (t.rest, t.script)) if both_abu else ((q.text, q.script), (t.text, t.script))
    agreement = same_name(a, b)
    if agreement is Agreement.SAME:
        return max(score, _same_name_score(q, t))
    if agreement is Agreement.DIFFERENT:
        return min(score, READ_DIFFERENT) if different else score
    if score < SAME_NAME:
        # Neither surely the same name nor surely another: as much nearer the same name's
        # score as the two readings share (Geith, 0.53 Ghaith, against Гас, surely Ghaith).
        score += shared_reading(a, b) * (SAME_NAME - score)
    return score


def _word_score(q: Token, t: Token) -> float:
    """Agreement of one typed (complete) word with one word of the person."""
    return _read_adjusted(q, t, _spelled_word_score(q, t))


def _spelled_word_score(q: Token, t: Token) -> float:
    """Agreement of one typed word with one word of the person, by keys and spellings alone."""
    a, b = _name_of(q), _name_of(t)
    if a is not None and b is not None and a != b:
        # Two different names (Mahmoud and Mohammed share a key, Hassan and Hussein nearly):
        # only as close as what was typed is to some spelling of the person's name.
        return 0.95 * max(fuzz.ratio(q.latin, t.latin), _closest_spelling(q, b)) / 100
    if q.key == t.key:
        return _same_name_score(q, t)
    return 0.95 * max(fuzz.ratio(q.latin, t.latin), fuzz.ratio(q.key, t.key)) / 100


def _prefix_word_score(parsed: search.ParsedQuery, t: Token) -> float:
    """Agreement of the word being typed with one word of the person.

    A word being typed that already spells a listed name of four letters or
    more is read as that name (:func:`_read_adjusted`): ``Мустафа`` finds
    ``مصطقى`` as a complete word would. Any other word of four letters or
    more (three in Arabic script, :data:`ARABIC_READ_FROM`) agrees with a
    person's word that reads as the same name (``احكد``, Ahmad mistyped, with
    أحمد), but is not held against another name: it may be the start of one.
    """
    score = _typed_prefix_score(parsed, t)
    q = parsed.tokens[-1]
    if parsed.complete:
        return _read_adjusted(q, t, score)
    if len(q.text) >= (ARABIC_READ_FROM if q.script == "arabic" else search.KNOWN_NAME_COMPLETE):
        # Typed to its end or not, four letters (Arabic: three) that read as the person's name agree with it.
        # Held against another name only when its whole key is the person's word's already
        # (Хвлил, surely Khalil, against Hlw, surely Helou): more letters cannot make it that name.
        same_key = search.own_key(parsed.groups[-1][0]) == search.key_token(t.key)
        return _read_adjusted(q, t, score, different=same_key)
    return score


ARABIC_READ_FROM = 3
"""Letters from which a word being typed in Arabic script is read as the name it spells (four in others).

Arabic writes no short vowels: ``ممد`` (محمد less a letter) is Mohammed's
eight Latin letters in three."""


def _typed_prefix_score(parsed: search.ParsedQuery, t: Token) -> float:
    """Agreement of the word being typed with one word of the person, by keys, prefixes and spellings."""
    exact, prefixes = parsed.groups[-1]
    forms = search.token_forms(t)
    q = parsed.tokens[-1]
    # Three letters are the start of many names: "Al-Nah" is not yet Nouh (whose key, NH, it
    # shares whole) any more than the start of Nahhas. A word this short is read as a whole
    # name only when it spells one (Али, Нух) or the person's word.
    short = len(q.text) < search.KNOWN_NAME_COMPLETE and q.entry is None and q.text not in forms
    if not short and _other_known_name(q, t):
        return _word_score(q, t)
    own = search.own_key(exact)
    if own in forms and not short:
        return 1.0
    glued = _prefix_score(parsed.after_article, forms, t)  # Alkhat: al- and the start of Khatib
    if glued:
        return glued
    if len(parsed.partial_key or q.key) >= len(t.key) and not (short and own in forms):
        # Its key is as long as the person's already: not a prefix of that word but a
        # different word (Хвлил is no start of Хадж, whatever their first letters). The
        # prefix key counts, not the whole word's: Ima (aM) may still become Imad (aMD).
        return _word_score(q, t)
    key_prefix = search.key_token(parsed.partial_key) if parsed.partial_key else ""
    return _prefix_score(prefixes, forms, t, key_prefix=key_prefix) or fuzz.partial_ratio(q.latin, t.latin) / 100 * 0.8


def _prefix_score(prefixes: Sequence[str], forms: list[str], t: Token, *, key_prefix: str = "") -> float:
    """0.9 and more for a form of the person's word that starts with a typed prefix (the longer, the more), else 0.

    The start of the key (``qnh``: any name in N-H) agrees less than the start
    of the spelling or of its Latin reading (``nah``): "Al-Nah" is the start of
    Nahhas (النحاس reads nahhas too) before it is the start of Nuha.
    """
    best = 0.0
    for p in prefixes:
        if any(f.startswith(p) for f in forms):
            weight = 0.05 if p == key_prefix else 0.1
            best = max(best, 0.9 + weight * min(1.0, len(p) / max(1, len(t.latin))))
    return best


def _ordered_tokens(names: dict[tuple[str, str], str]) -> list[tuple[int, Token]]:
    """(part position, token) for every name of the person, given name first."""
    out = []  # type: ignore[var-annotated]
    for (part, _script), value in names.items():
        pos = PART_ORDER.index(part) if part in PART_ORDER else len(PART_ORDER)
        out.extend((pos, t) for t in tokenize(value))
        joined = joined_token(value)  # خير بك is also Kheirbek, one word
        if joined is not None:
            out.append((pos, joined))
    out.sort(key=lambda pt: pt[0])
    return out


WORD_SCORE_CACHE = 200_000
"""Scores of (typed word, stored word) pairs kept across searches: the same complete words are typed
keystroke after keystroke and the same persons come back. Cleared when full (about 30 MB)."""
_word_scores: dict[tuple[str, str], float] = {}


def _cached_word_score(q_key: str, q: Token, t_key: str, t: Token) -> float:
    k = (q_key, t_key)
    sc = _word_scores.get(k)
    if sc is None:
        if len(_word_scores) >= WORD_SCORE_CACHE:
            _word_scores.clear()
        sc = _word_scores[k] = _word_score(q, t)
    return sc


PersonWords = tuple[tuple[int, tuple[tuple[str, Token], ...]], ...]
"""A person's words by name part: (part position, ((memo key, token), ...)), given name first."""


@lru_cache(maxsize=65536)
def _person_words(names: tuple[tuple[tuple[str, str], str], ...]) -> PersonWords:
    """The words of one person's names grouped by part, each with the key its scores are memoised under.

    Cached on the names themselves (not the person): a search reranks the
    same persons keystroke after keystroke, and a changed name is a new key.
    """
    by_part: dict[int, list[tuple[str, Token]]] = defaultdict(list)
    for pos, t in _ordered_tokens(dict(names)):
        by_part[pos].append((search.word_key(t), t))
    return tuple((pos, tuple(toks)) for pos, toks in by_part.items())


EXPECTED_PARTS = {2: (0, 3), 3: (0, 1, 3), 4: (0, 1, 2, 3)}
"""Positions in PART_ORDER of the words of a name typed in the usual order, by number of words."""
MISSING_PART_CREDIT = search.MISSING_CREDIT
"""Credit for a typed word the record has no name part for (a father's name never recorded)."""


MISPLACED = 0.15
"""Less credit for a typed word that agrees with another name part than the one its place names.

For "Рюба Альи Мустафа", Ilie Mustafa Al-Rabia (every word agrees by key,
each in another part) ranked 0.95, above Ruba Ali Mustafa with a typo in
the family name. The family name typed first (as Russian forms write it) is
an order of its own, not misplaced. Measured at 100k (misses of 400): 0.05
gave 13, 0.1 gave 11, 0.2 and 0.3 gave 9; with the other session 4 changes,
0.15 gives 7 (0.1: 8); at 1M 0.1 to 0.3 made no difference."""


def _pair_up(pairs: list[tuple[float, int, int]], order: Sequence[int] | None) -> dict[int, tuple[float, int]]:
    """Typed word -> (score, part position): best pairs first, each part used once."""
    if order is not None:
        pairs = [(sc - MISPLACED if order[i] != pos else sc, i, pos) for sc, i, pos in pairs]
    pairs = sorted(pairs, key=lambda x: -x[0])
    score: dict[int, tuple[float, int]] = {}
    used: set[int] = set()
    for sc, i, pos in pairs:
        if i in score or pos in used:
            continue
        score[i] = (sc, pos)
        used.add(pos)
    return score


def rank_score(parsed: search.ParsedQuery, names: dict[tuple[str, str], str]) -> float:
    """How well one person's names match the query, in [0, 1] (rapidfuzz over the candidates).

    Typed words are paired one to one with the person's name parts (best
    pairs first; a name part matches one typed word only): 1.0 per word
    whose key agrees, otherwise a fuzzy ratio, so a typo costs a little. A
    typed word whose part the record lacks (the second of three words when
    no father's name was recorded) gets a neutral credit: a part never
    recorded is not a contradiction. Then a little credit for covering the person's whole
    name and for words typed in the order of the parts (given, father's,
    family).
    """
    if not names or not parsed:
        return 0.0
    by_part = _person_words(tuple(sorted(names.items())))
    if not by_part:
        return 0.0
    typing = bool(parsed.partial)
    complete = parsed.tokens[:-1] if typing else parsed.tokens
    # One name part may be written in several scripts: score against each, pair by part.
    words = len(complete) + (1 if typing else 0)
    last = words - 1 if typing else -1
    pairs: list[tuple[float, int, int]] = []
    memo = parsed.scores
    typed_keys = parsed.word_keys
    for pos, toks in by_part:
        for i in range(words):
            best = 0.0
            for mk, t in toks:
                k = (i, mk)
                sc = memo.get(k)
                if sc is None:
                    sc = memo[k] = (
                        _prefix_word_score(parsed, t)
                        if i == last
                        else _cached_word_score(typed_keys[i], complete[i], mk, t)
                    )
                if sc > best:
                    best = sc
            pairs.append((best, i, pos))
    present = {pos for pos, _toks in by_part}
    expected = EXPECTED_PARTS.get(words)
    if expected is None:
        score = _pair_up(pairs, None)
        spare = max(0, words - len(by_part))
        leftovers = sorted(score.get(i, (0.0, -1))[0] for i in range(words))
        total = sum(max(sc, MISSING_PART_CREDIT) if k < spare else sc for k, sc in enumerate(leftovers))
    else:
        # Typed in the usual order, or family name first (as Russian forms write it): a word
        # that agrees with another part than its own counts for less, and a word whose part
        # the record lacks gets the neutral credit.
        total, score = -1.0, {}
        for order in (expected, (expected[-1], *expected[:-1])):
            paired = _pair_up(pairs, order)
            subtotal = sum(
                max(paired.get(i, (0.0, -1))[0], MISSING_PART_CREDIT if order[i] not in present else 0.0)
                for i in range(words)
            )
            if subtotal > total:
                total, score = subtotal, paired
    base = total / words
    # Prefer a person whose name has no parts the query lacks (Mohammad Hasan
    # over Mohammad Ali Hasan Khalil when "Mohammad Hasan" is typed).
    coverage = min(1.0, words / max(1, len(by_part)))
    parts = [score[i][1] for i in range(words) if i in score and score[i][0] >= 0.7]
    in_order = sum(1 for a, b in zip(parts, parts[1:], strict=False) if a < b) / max(1, len(parts) - 1)
    return round(0.84 * base + 0.08 * coverage + 0.08 * in_order, 4)


SEARCH_GOOD = 0.85
"""A hit at or above this rank score counts towards filling the page before the next, looser tier runs.

0.9 was measured too (session 3): recall@10 moved by one or two targets of
400 either way (10k down, 100k up) and the keystroke p95 at a million
persons rose by 20-30 ms; 0.85 stays for the later tiers (the first stop at
:data:`SEARCH_GOOD_EARLY` since session 12)."""
SEARCH_GOOD_EARLY = 0.9
"""In the first tiers, a hit counts towards a full page only from this score (later tiers: :data:`SEARCH_GOOD`).

A record with a typo that reads as the typed name (:func:`_read_adjusted`)
ranks level with the name itself, and the loose tiers are where such
records are: a page filled by records lacking a part (0.888 for three
words) must not stop the search before them. Measured at a million persons
(session 12, docs/performance.md)."""
EARLY_TIERS = 2
"""While a word is still being typed, the strict tier and the first loose one stop at :data:`SEARCH_GOOD_EARLY`."""
EARLY_TIERS_COMPLETE = 3
"""When every word is complete (a name pasted or typed to its end), the first three tiers do.

At a million persons: recall@10 0.975 -> 0.980, and the keystroke p95
in-process rose by 4 ms where every keystroke running three tiers so
cost 14 ms (SQLite; session 12)."""
YEAR_AGREES = 0.03
"""Ranking credit for a person born in the very year typed with the name (not shown in the score)."""


def person_search(*, user: Any, query: str, limit: int = 10) -> list[SearchHit]:
    """Persons whose names match ``query`` (any script, typed or pasted), best first.

    Only persons at the sites where ``user`` holds ``registry.person.view``;
    never a merged-away record. Fewer than two letters: no results. The
    query text is never logged.

    Tiers, each only while fewer than ``limit`` good hits are found: every
    word agrees by key (the word being typed by prefix); then the looser
    tiers of :func:`haven.matching.search.relaxed` (one word within one
    edit or a part the record lacks; any one word wrong; a missing part and
    a typo together). Each tier's candidates are pre-ranked from the index
    text (:class:`~haven.matching.search.QuickScorer`) and the best are
    reranked here with their names. A four-digit year typed with the name
    (``Мухаммед Хасан 1985``) narrows every tier to births within a year of
    it, and an exact year comes first among equal names.
    """
    limit = max(1, min(int(limit), 50))
    sites = sites_with(user, roles.PERSON_VIEW)
    parsed = search.parse_query(query)
    if not sites or not parsed:
        return []
    seen: set[uuid.UUID] = set()
    hits: list[SearchHit] = []
    tiers: list[tuple[list[list[search.Group]], bool]] = [(parsed.strict_conjunctions, False)]
    tiers += [(t, True) for t in search.relaxed(parsed.groups, typed_letters=parsed.typed_letters)]
    if parsed.year is not None:  # a typed year of birth narrows every tier (give or take a year)
        tiers = [([search.with_year(c, parsed.years) for c in conjunctions], ranked) for conjunctions, ranked in tiers]
    early = EARLY_TIERS_COMPLETE if parsed.complete else EARLY_TIERS
    for tier_no, (conjunctions, ranked) in enumerate(tiers):
        each: list[search.Rows] = []
        if ranked and not SEARCH_RANKED:
            each = search.candidate_texts_each(conjunctions, site_ids=sites, limit=SEARCH_CANDIDATES)
            rows = [r for rows_c in each for r in rows_c]
        elif parsed.partial and len(parsed.groups) >= 3:
            rows = [r for c in conjunctions for r in _strict_rows_typing(c, sites)]
        else:
            rows = search.candidate_texts(conjunctions, site_ids=sites, limit=SEARCH_CANDIDATES, ranked=ranked)
        keep = SEARCH_RERANK if ranked else SEARCH_RERANK_STRICT
        hits.extend(_rerank(user, parsed, rows, seen, fuzzy=ranked, keep=keep, each=each))
        good = SEARCH_GOOD_EARLY if tier_no < early else SEARCH_GOOD
        if sum(1 for h in hits if h.score >= good) >= limit:
            if not ranked:
                hits.extend(_lacking_one_part(user, parsed, hits, seen, sites, limit))
            break
    # A typed year that agrees exactly counts a little (a namesake of unknown or
    # neighbouring year of birth stays on the page, below).
    hits.sort(
        key=lambda h: (
            -(h.score + (YEAR_AGREES if parsed.year and h.year_off == 0 else 0.0)),
            h.year_off,
            h.registration_number,
        )
    )
    hits = hits[:limit]
    audit_persons_shown(user, "person_search", [h.person_id for h in hits])
    return hits


def _missing_part_best(parsed: search.ParsedQuery) -> float:
    """The best rank score a record lacking one typed part can reach (its other words as typed): 0.888 of 3 words."""
    parts = search.QUERY_PARTS.get(len(parsed.groups), ())
    if len(parsed.tokens) != len(parts):
        return 0.0
    best = 0.0
    for lacking in parts:
        if lacking in search.MISSING_PART_TOKENS:
            names = {(part, "la"): t.text for part, t in zip(parts, parsed.tokens, strict=True) if part != lacking}
            best = max(best, rank_score(parsed, names))
    return best


def _lacking_one_part(
    user: Any,
    parsed: search.ParsedQuery,
    hits: list[SearchHit],
    seen: set[uuid.UUID],
    sites: Iterable[uuid.UUID],
    limit: int,
) -> list[SearchHit]:
    """After the strict tier filled the page: the records lacking one typed part that would still rank on it.

    A person registered without a father's name scores 0.888 for a full name
    of three words; when the page's weakest hit scores less (Khadija
    *Mohammed* Deeb, 0.884, for the Mahmoud typed: both are ``MHMD``), they
    are looked up, every other word by key, before the search stops. At a
    million persons this found 2 of the 25 targets missed by name, and cost
    no measurable time (session 7).
    """
    weakest = sorted((h.score for h in hits), reverse=True)[limit - 1]
    if weakest >= _missing_part_best(parsed):
        return []
    parts = search.QUERY_PARTS[len(parsed.groups)]
    conjunctions = [
        [*parsed.groups[:i], ([search.MISSING_PART_TOKENS[part]], []), *parsed.groups[i + 1 :]]
        for i, part in enumerate(parts)
        if part in search.MISSING_PART_TOKENS
    ]
    if parsed.year is not None:
        conjunctions = [search.with_year(c, parsed.years) for c in conjunctions]
    each = search.candidate_texts_each(conjunctions, site_ids=sites, limit=SEARCH_CANDIDATES)
    rows = [r for rows_c in each for r in rows_c]
    return _rerank(user, parsed, rows, seen, fuzzy=False, keep=SEARCH_RERANK_STRICT)


def _rerank(
    user: Any,
    parsed: search.ParsedQuery,
    rows: search.Rows,
    seen: set[uuid.UUID],
    *,
    fuzzy: bool,
    keep: int,
    each: Sequence[search.Rows] = (),
) -> list[SearchHit]:
    """One tier's candidates not seen in an earlier one, pre-ranked by quick score; the best reranked with names.

    ``keep`` rows are reranked, and with ``each`` (the rows of each of the
    tier's conjunctions) also each conjunction's best :data:`SEARCH_RERANK_EACH`:
    a conjunction of few rows (a rare name with a part missing) is not
    drowned by one of many.
    """
    fresh = {pid: text for pid, text in rows if pid not in seen}
    seen.update(fresh)
    quick = search.QuickScorer(parsed, fuzzy=fuzzy)
    scores = {pid: quick(text) for pid, text in fresh.items()}
    # Stable sort: the database's relevance breaks ties of the quick score.
    # (In the strict tier every row holds every word: only spellings differ.)
    order = sorted(fresh, key=lambda pid: -scores[pid])
    chosen = dict.fromkeys(order[:keep])
    for rows_c in each if len(each) > 1 else ():
        best = sorted((pid for pid, _ in rows_c if pid in scores), key=lambda pid: -scores[pid])
        chosen.update(dict.fromkeys(best[:SEARCH_RERANK_EACH]))
    return _search_hits(user, parsed, list(chosen))


STRICT_PREFILTER = 400
"""While a word is typed after two or more complete ones, the complete ones are looked up first,
up to this many rows, and the word being typed is matched in Python."""


def _strict_rows_typing(conjunction: list[search.Group], sites: Iterable[uuid.UUID]) -> list[tuple[uuid.UUID, str]]:
    """The strict tier while the last word is being typed, without the index's prefix search.

    A prefix such as ``mahmoud*`` makes the full-text index merge the
    postings of every name that starts so (at a million persons, tens of
    milliseconds even when the other words are rare). Two complete words
    usually leave few rows: those are read with their text and the prefix
    is matched here. When they leave too many, the index does it after all.
    """
    typed = search.typed_group_index(conjunction)
    complete = conjunction[:typed] + conjunction[typed + 1 :]
    rows = search.candidate_texts([complete], site_ids=sites, limit=STRICT_PREFILTER, ranked=False)
    if len(rows) >= STRICT_PREFILTER:
        return search.candidate_texts([conjunction], site_ids=sites, limit=SEARCH_CANDIDATES, ranked=False)
    exact, prefixes = conjunction[typed]
    wanted, starts = set(exact), tuple(prefixes)
    out = []
    for pid, text in rows:
        toks = text.split()
        if not wanted.isdisjoint(toks) or (starts and any(t.startswith(starts) for t in toks)):
            out.append((pid, text))
            if len(out) >= SEARCH_CANDIDATES:
                break
    return out


CROWDED_SCORE = 0.9
"""A full page of hits all at or above this score means more namesakes than the page shows."""


def search_is_crowded(hits: list[SearchHit], query: str, limit: int = 10) -> bool:
    """True when the page is full of close matches and no year was typed: the year would narrow it.

    At national scale many people share a full name; the search box then
    suggests typing the year of birth with it (``Мухаммед Хасан 1985``).
    """
    return len(hits) >= limit and hits[-1].score >= CROWDED_SCORE and search.parse_query(query).year is None


def _search_hits(user: Any, parsed: search.ParsedQuery, ids: list[uuid.UUID]) -> list[SearchHit]:
    """Rerank candidates with their names, read in one query restricted to the user's sites.

    The site condition is the access module's own (:func:`~haven.accounts.access.sites_with`
    for ``registry.person.view``, as :func:`~haven.accounts.access.scope` applies it), written
    into the SQL: an ORM query and a conversion of every id cost a sixth of a keystroke at a
    million persons. Merged-away records are never shown.
    """
    sites = sorted(sites_with(user, roles.PERSON_VIEW), key=str)
    if not ids or not sites:
        return []
    by_db_id: dict[Any, uuid.UUID] = {search.db_uuid(pk): pk for pk in ids}
    site_params = [search.db_uuid(s) for s in sites]
    person, name = Person._meta.db_table, PersonName._meta.db_table
    sql = (
        "SELECT p.id, p.registration_number, p.site_id, p.date_of_birth, n.part, n.script, n.value "  # noqa: S608 - table names and placeholders only
        f"FROM {person} p LEFT JOIN {name} n ON n.person_id = p.id "
        f"WHERE p.id IN ({','.join(['%s'] * len(by_db_id))}) AND p.site_id IN ({','.join(['%s'] * len(sites))}) "
        "AND p.status <> %s"
    )
    facts: dict[uuid.UUID, tuple[str, uuid.UUID, int | None]] = {}
    names: dict[uuid.UUID, dict[tuple[str, str], str]] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*by_db_id, *site_params, MERGED_STATUS])
        for db_id, number, site_id, dob, part, script, value in cursor.fetchall():
            pk = by_db_id[db_id]
            if pk not in facts:
                year = None if dob is None else int(dob[:4]) if isinstance(dob, str) else dob.year
                facts[pk] = (number, search._uuid(site_id), year)
            if part is not None:
                names[pk][(part, script)] = value
    return [
        SearchHit(
            person_id=pk,
            registration_number=number,
            names=full_names(names[pk]),
            score=rank_score(parsed, names[pk]),
            site_id=site_id,
            year_off=(abs(year - parsed.year) if year else 2) if parsed.year else 0,
        )
        for pk, (number, site_id, year) in facts.items()
    ]


# --- Duplicate check -------------------------------------------------------------------------


def person_data_hash(
    *,
    given_name: str,
    father_name: str = "",
    family_name: str = "",
    date_of_birth: date | None = None,
    sex: str = "",
) -> str:
    """A keyed hash of a registration's identifying data (no name is stored with a decision)."""
    parts = [normalize_name(v or "").key for v in (given_name, father_name, family_name)]
    parts += [date_of_birth.isoformat() if date_of_birth else "", (sex or "").upper()[:1]]
    msg = "|".join(parts).encode("utf-8")
    return hmac.new(settings.SECRET_KEY.encode("utf-8"), msg, hashlib.sha256).hexdigest()


_person_count = Timed(600, lambda: Person.objects.count())
"""Number of persons, kept for ten minutes."""


def _population() -> int:
    """Number of persons (at least 1,000): the scorer's prior depends on it."""
    return max(1_000, _person_count())


class PersonFacts(NamedTuple):
    """The fields of a person the scorer reads (cheaper to fetch than the model)."""

    pk: uuid.UUID
    date_of_birth: date | None
    dob_precision: str
    sex: str
    place_of_birth: str


FACT_FIELDS = ("pk", "date_of_birth", "dob_precision", "sex", "place_of_birth")


def candidates_of_registered(*, user: Any, person: Person, limit: int = 5) -> list[Candidate]:
    """The duplicate check for a person just registered, on the names of their first script.

    Run when the registration is saved, for the candidates the officer did
    not decide on (:func:`haven.matching.services.duplicate_decisions_attach`).
    Nothing is shown, so nothing is audited as shown; the pairs it leads to
    are.
    """
    names = _names_by_person([person.pk]).get(person.pk, {})
    script = next((s for s in SCRIPT_ORDER if ("given", s) in names), None)
    if script is None:
        return []
    return duplicate_candidates(
        user=user,
        given_name=names[("given", script)],
        father_name=names.get(("father", script), ""),
        grandfather_name=names.get(("grandfather", script), ""),
        family_name=names.get(("family", script), ""),
        date_of_birth=person.date_of_birth,
        dob_precision=person.dob_precision,
        sex=person.sex,
        place_of_birth=person.place_of_birth or "",
        exclude_person_id=person.pk,
        limit=limit,
        explain=False,
        audit=False,
    )


def person_records(person: Person | PersonFacts, names: dict[tuple[str, str], str]) -> list[PersonRecord]:
    """One core PersonRecord per script the person's names are written in."""
    scripts = [s for s in SCRIPT_ORDER if any((p, s) in names for p in PART_ORDER)] or ["la"]
    out = []
    for script in scripts:

        def pick(part: str, script: str = script) -> str:
            if (part, script) in names:
                return names[(part, script)]
            return next((names[(part, s)] for s in SCRIPT_ORDER if (part, s) in names), "")

        out.append(
            PersonRecord(
                record_id=str(person.pk),
                given_name=pick("given"),
                father_name=pick("father"),
                grandfather_name=pick("grandfather"),
                family_name=pick("family"),
                date_of_birth=person.date_of_birth,
                dob_precision=person.dob_precision
                if person.dob_precision in ("exact", "month", "year", "estimated")
                else "exact",  # type: ignore[arg-type]
                sex=person.sex if person.sex in ("M", "F") else "",
                place_of_birth=person.place_of_birth,
            )
        )
    return out


def _part_keys(value: str) -> list[str]:
    return [search.key_token(t.key) for t in tokenize(value or "")]


DUPLICATE_WARN = 0.12
"""The duplicate check at registration lists candidates from this score, below ``POSSIBLE`` (0.5).

Also listed below it: the same three names with no date of birth on either
side to tell them apart (:func:`~haven.matching.core.score.same_names_no_date`).

The score is the probability that two records are one person, with the
registry's size as the prior: at a million persons the same three names
and no date of birth (Rana Mustafa Alloush) score 0.13, the same names and
year 0.19–0.25. A duplicate missed here is a second registration; a look
at a namesake costs the officer one decision. On the generated data at a
million persons (150 re-registrations, 300 new persons) 0.5 caught 92.0% of
the re-registrations and warned on 0.7% of the new persons; 0.12 caught
94.7% and warned on 3.3%. Above what a record whose given name disagrees
can reach (``score._GIVEN_CAP``, 0.111), so siblings and twins are never
listed. The review queue and batch dedupe keep ``POSSIBLE`` and ``SAME``."""


def duplicate_candidates(
    *,
    user: Any,
    given_name: str,
    father_name: str = "",
    family_name: str = "",
    date_of_birth: date | None = None,
    sex: str = "",
    grandfather_name: str = "",
    dob_precision: str = "exact",
    place_of_birth: str = "",
    exclude_person_id: uuid.UUID | None = None,
    limit: int = 5,
    explain: bool = True,
    audit: bool = True,
) -> list[Candidate]:
    """Registered persons who may be the person being registered, best first.

    Candidates come from the search index (any two of given, father's and
    family name agreeing by key; first within a year of the date of birth),
    then the core scorer decides; only scores at or above
    :data:`DUPLICATE_WARN` are returned. Restricted to the sites where the
    user holds ``registry.person.view``.
    """
    sites = sites_with(user, roles.PERSON_VIEW)
    keys = {"given": _part_keys(given_name), "father": _part_keys(father_name), "family": _part_keys(family_name)}
    if not sites or not keys["given"]:
        return []
    # A part agrees when any of its words does ("Альь-Фади": a mistyped article is a word of its own).
    part: dict[str, search.Group] = {name: (k, []) for name, k in keys.items() if k}
    pairs = [
        (a, b) for a, b in (("given", "family"), ("given", "father"), ("father", "family")) if a in part and b in part
    ]
    conjunctions = [[part[a], part[b]] for a, b in pairs] or [[part["given"]]]
    if len(part) == 3:
        # All three names first: the pairs of common names (Mohammed & Saeed) bring an arbitrary
        # hundred of their thousands of rows, which may not hold the namesake of all three.
        conjunctions.insert(0, list(part.values()))
    ids: list[uuid.UUID] = []
    if date_of_birth is not None:
        years = [date_of_birth.year + d for d in (-1, 0, 1)]
        narrowed = [search.with_year(c, years) for c in conjunctions]
        ids = search.candidates(narrowed, site_ids=sites, limit=DUPLICATE_CANDIDATES)
        if len(part) >= 2:
            # The given name and the very year: a record whose other two names both carry a typo
            # (Musa *Sahl al-Hashn* for Musa Saleh al-Hasan) shares no pair of keys. One duplicate
            # more in 150 at a million persons, 3-10 ms on PostgreSQL (session 8).
            born: search.Group = ([search.year_key_token(k, date_of_birth.year) for k in part["given"][0]], [])
            ids += search.candidates([[born]], site_ids=sites, limit=DUPLICATE_CANDIDATES // 3)
        # Typo-tolerant conjunctions (a part within one edit) were measured here too: one
        # duplicate more in 150 at 1M, for 60 ms more at p95 (SQLite), past the 200 ms budget.
    more = search.candidates(conjunctions, site_ids=sites, limit=DUPLICATE_CANDIDATES // 3)
    ids = list(dict.fromkeys([*ids, *more]))
    if exclude_person_id is not None:
        ids = [i for i in ids if i != exclude_person_id]
    if not ids:
        return []
    new = PersonRecord(
        record_id="new",
        given_name=given_name or "",
        father_name=father_name or "",
        grandfather_name=grandfather_name or "",
        family_name=family_name or "",
        date_of_birth=date_of_birth,
        dob_precision=dob_precision if dob_precision in ("exact", "month", "year", "estimated") else "exact",  # type: ignore[arg-type]
        sex=sex if sex in ("M", "F") else "",
        place_of_birth=place_of_birth or "",
    )
    freq = NameFrequencies(population=_population())
    cache: dict[tuple[str, str], Any] = {}
    new_prepared = prepare(new, freq, cache=cache)
    # Score on the few fields the scorer reads; load whole persons for the best only.
    facts = [
        PersonFacts(*row)
        for row in scope(user, Person.objects.filter(pk__in=ids), roles.PERSON_VIEW)  # type: ignore[misc]
        .exclude(status_id=MERGED_STATUS)
        .order_by()
        .values_list(*FACT_FIELDS)
    ]
    names = _names_by_person([f.pk for f in facts])
    scored: list[tuple[float, uuid.UUID, PersonRecord]] = []
    for f in facts:
        best: tuple[float, PersonRecord] | None = None
        same_names = False  # in any of the person's scripts, with no date to tell them apart
        for rec in person_records(f, names.get(f.pk, {})):
            prepared = prepare(rec, freq, cache=cache)
            s = score_prepared(new_prepared, prepared)
            if best is None or s > best[0]:
                best = (s, rec)
            same_names = same_names or same_names_no_date(new_prepared, prepared)
        if best and (best[0] >= DUPLICATE_WARN or same_names):
            scored.append((best[0], f.pk, best[1]))
    scored.sort(key=lambda t: -t[0])
    scored = scored[:limit]
    persons = {p.pk: p for p in _visible_persons(user, [pk for _, pk, _ in scored])}
    if audit:
        audit_persons_shown(user, "duplicate_check", [pk for _, pk, _ in scored])
    today = timezone.localdate()
    out = []
    for s, pk, rec in scored:
        p = persons[pk]
        reasons = score_pair(new, rec, frequencies=freq).reasons if explain else ()
        age = age_on(p.date_of_birth, today)
        out.append(
            Candidate(
                person_id=p.pk,
                registration_number=p.registration_number,
                score=round(s, 4),
                band=band(s),
                names=full_names(names.get(p.pk, {})),
                date_of_birth=p.date_of_birth,
                age=age,
                sex=p.get_sex_display(),
                household_number=p.household.registration_number if p.household_id else "",  # type: ignore[union-attr]
                site_name=p.site.name,
                registered_on=timezone.localtime(p.created_at).date() if p.created_at else today,
                reasons=reasons,
            )
        )
    return out


# --- Review queue ----------------------------------------------------------------------------


def duplicate_pairs_open(*, user: Any) -> QuerySet[DuplicatePair]:
    """Open pairs the user may review: both persons at sites where they hold the capability."""
    sites = sites_with(user, roles.DUPLICATE_REVIEW)
    return (
        DuplicatePair.objects.filter(status=PairStatus.OPEN, person_a__site__in=sites, person_b__site__in=sites)
        .exclude(Q(person_a__status_id=MERGED_STATUS) | Q(person_b__status_id=MERGED_STATUS))
        .select_related("person_a", "person_b", "person_a__site", "person_b__site")
    )


def duplicate_pairs_open_count(*, user: Any) -> int:
    return duplicate_pairs_open(user=user).count()


def decisions_recorded(*, data_hash: str, candidate_ids: list[Any]) -> dict[Any, str]:
    """The latest "a different person" decision recorded for this exact identity about each candidate.

    {candidate id: "new"}, for decisions not yet attached to a registered
    person: the registration page shows them as recorded however often the
    form is rendered again. The caller passes the candidates it may show.
    """
    out: dict[Any, str] = {}
    if not candidate_ids:
        return out
    rows = (
        DuplicateDecision.objects.filter(data_hash=data_hash, candidate_id__in=candidate_ids, new_person__isnull=True)
        .order_by("-decided_at")
        .values_list("candidate_id", "decision")
    )
    for candidate_id, decision in rows:
        out.setdefault(candidate_id, decision)
    return {k: v for k, v in out.items() if v == Decision.NEW}


def pairs_open_for_household(*, household: Any) -> int:
    """How many possible duplicates of a household's members wait in the review queue."""
    members = Q(person_a__household=household) | Q(person_b__household=household)
    return DuplicatePair.objects.filter(members, status=PairStatus.OPEN).count()


def merges_for_user(*, user: Any) -> QuerySet[PersonMerge]:
    """Merges whose two persons are both, now, at sites where the user may review."""
    sites = sites_with(user, roles.DUPLICATE_REVIEW)
    return (
        scope(user, PersonMerge.objects.all(), roles.DUPLICATE_REVIEW)
        .filter(survivor__site__in=sites, merged__site__in=sites)
        .select_related("survivor", "merged", "merged_by")
    )


MERGE_ROWS_VIEW = {
    "registry.person": roles.PERSON_VIEW,
    "registry.personname": roles.PERSON_VIEW,
    "registry.personlanguage": roles.PERSON_VIEW,
    "registry.consent": roles.PERSON_VIEW,
    "registry.registrationcard": roles.PERSON_VIEW,
    "registry.identitydocument": roles.DOCUMENT_VIEW,
    "registry.personneed": roles.NEEDS_VIEW,
    "shelter.stay": roles.STAY_VIEW,
    "shelter.presenceevent": roles.STAY_VIEW,
    "shelter.presencestatus": roles.STAY_VIEW,
    "shelter.transfer": roles.STAY_VIEW,
    "pathways.enrolment": roles.STEP_VIEW,
    "pathways.step": roles.STEP_VIEW,
    "pathways.notification": roles.STEP_VIEW,
    "pathways.appointment": roles.STEP_VIEW,
    "support.case": roles.CASE_VIEW,
    "support.session": roles.SESSION_VIEW,
    "support.medicalexam": roles.MEDICAL_RECORD,
    "support.referral": roles.REFERRAL_MANAGE,
    "support.disclosurerecord": roles.REFERRAL_MANAGE,
}
"""Which right shows the count of a kind of row a merge moved or kept: the right that shows the rows.

A kind not listed here is not counted on the merge page: that a medical
examination or a restricted specific need moved tells that one exists."""


def merge_rows_shown(*, user: Any, merge: PersonMerge, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The kinds of rows a merge moved (or kept) that this user may see, with their counts.

    Specific needs in restricted codes (LP-RP, SGBV, torture…) count only for
    those who may see them, as on the person's page.
    """
    from django.apps import apps

    from haven.accounts.access import may
    from haven.registry.models import PersonNeed

    counts: dict[str, int] = {}
    for entry in entries:
        capability = MERGE_ROWS_VIEW.get(entry["model"])
        if capability is None or not may(user, capability, merge.survivor):
            continue
        count = len(entry["pks"])
        if entry["model"] == "registry.personneed" and not may(user, roles.NEEDS_PROTECTION_VIEW, merge.survivor):
            count = PersonNeed.objects.filter(pk__in=entry["pks"], code__restricted=False).count()
        if count:
            counts[entry["model"]] = counts.get(entry["model"], 0) + count
    return [
        {"model": label, "label": apps.get_model(label)._meta.verbose_name_plural, "count": n}
        for label, n in counts.items()
    ]


def batch_run_visible(user: Any, run: BatchRun) -> bool:
    """A run tells how many persons of each site it compared: it is shown to who may run batches at all of them."""
    allowed = {str(s) for s in sites_with(user, roles.BATCH_DEDUPE)}
    return {str(s) for s in run.sites or [run.site_id]} <= allowed


def batch_runs_for_user(*, user: Any, limit: int = 20) -> list[BatchRun]:
    """The latest runs over sites all of which the user may run batches at."""
    runs = scope(user, BatchRun.objects.all(), roles.BATCH_DEDUPE)[: limit * 5]
    return [r for r in runs if batch_run_visible(user, r)][:limit]


REASON_TOPICS = {
    "given name": gettext_lazy("given name"),
    "father's name": gettext_lazy("father's name"),
    "family name": gettext_lazy("family name"),
    "grandfather's name": gettext_lazy("grandfather's name"),
    "date of birth": gettext_lazy("date of birth"),
    "sex": gettext_lazy("sex"),
    "place of birth": gettext_lazy("place of birth"),
    "household": gettext_lazy("household"),
}
"""The topics of the scorer's explanation (:data:`haven.matching.core.score.TOPICS`), for people."""
REASON_FINDINGS = {
    "missing": gettext_lazy("not recorded in one of them"),
    "same": gettext_lazy("the same"),
    "different": gettext_lazy("different"),
    "one household": gettext_lazy("both are members of one household"),
    "members in common": gettext_lazy("their households have members in common"),
    "estimated, close": gettext_lazy("estimated, within two years"),
    "estimated, far": gettext_lazy("estimated, years apart"),
    "same year (year only)": gettext_lazy("same year (only the year is known)"),
    "year off by one (year only)": gettext_lazy("a year apart (only the year is known)"),
    "different years": gettext_lazy("different years"),
    "same year": gettext_lazy("same year"),
    "same month": gettext_lazy("same month and year"),
    "same date": gettext_lazy("same date"),
    "day and month swapped": gettext_lazy("day and month swapped"),
    "year off by one": gettext_lazy("same day and month, a year apart"),
    "same month, day differs": gettext_lazy("same month, different day"),
    "dates a few days apart": gettext_lazy("a few days apart"),
    "same year, month differs": gettext_lazy("same year, different month"),
    "one year apart": gettext_lazy("one year apart"),
}
"""The scorer's findings (:data:`haven.matching.core.score.FINDINGS`, but for those with a number), for people."""
REASON_LINES = {
    "parent and child": gettext_lazy("one's father's name is the other's given name: parent and child?"),
    "siblings": gettext_lazy("given names differ: siblings or twins are not the same person"),
}
"""Topics that are a whole line."""


def _finding(reason: Reason) -> str:
    if reason.finding == "similarity":
        return gettext("similarity %(value)s") % {"value": formats.number_format(reason.similarity or 0.0, 2)}
    if reason.finding == "years apart":
        years = reason.years or 0
        return ngettext("%(years)s year apart", "%(years)s years apart", years) % {"years": years}
    return str(REASON_FINDINGS.get(reason.finding, reason.finding))


def reasons_explained(reasons: Iterable[Reason]) -> list[dict[str, str]]:
    """The scorer's explanation in the reader's language: ``{"text", "points"}`` per line.

    The core scorer imports no Django: it explains by codes
    (:class:`~haven.matching.core.score.Reason`); the review page shows
    each line translated (``имя: сходство 1,00``) with its points apart
    (``+6,9``), to be shown left to right on an Arabic page.
    """
    out = []
    for r in reasons:
        points = ""
        if r.bits is not None:
            points = f"{'+' if r.bits >= 0 else '−'}{formats.number_format(abs(r.bits), 1)}"
        if r.topic in REASON_LINES:
            text = str(REASON_LINES[r.topic])
        else:
            label = str(REASON_TOPICS.get(r.topic, r.topic))
            finding = _finding(r)
            text = f"{label}: {finding}" if finding else label
        out.append({"text": text, "points": points})
    return out


def pair_comparison(*, pair: DuplicatePair) -> dict[str, Any]:
    """Both persons side by side with the scorer's explanation (translated in ``reasons``), for the review page."""
    a, b = pair.person_a, pair.person_b
    names = _names_by_person([a.pk, b.pk])
    ra, rb = person_records(a, names.get(a.pk, {})), person_records(b, names.get(b.pk, {}))
    best = max((score_pair(x, y) for x in ra for y in rb), key=lambda r: r.score)
    return {
        "a": a,
        "b": b,
        "names_a": names.get(a.pk, {}),
        "names_b": names.get(b.pk, {}),
        "result": best,
        "reasons": reasons_explained(best.reasons),
    }
