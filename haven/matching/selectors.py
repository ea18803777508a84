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
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from rapidfuzz import fuzz

from haven.accounts import roles
from haven.accounts.access import scope, sites_with
from haven.matching import search
from haven.matching.core.normalize import Token, normalize_name, tokenize
from haven.matching.core.score import (
    POSSIBLE,
    NameFrequencies,
    PersonRecord,
    band,
    prepare,
    score_pair,
    score_prepared,
)
from haven.matching.models import MERGED_STATUS, BatchRun, DuplicatePair, PairStatus, PersonMerge
from haven.registry.models import Person, PersonName

SEARCH_CANDIDATES = 100
DUPLICATE_CANDIDATES = 300
PART_ORDER = ("given", "father", "grandfather", "family")
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
    reasons: tuple[str, ...] = field(default=())


# --- Shared helpers -----------------------------------------------------------------------


def _names_by_person(person_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[tuple[str, str], str]]:
    out: dict[uuid.UUID, dict[tuple[str, str], str]] = defaultdict(dict)
    for pid, part, script, value in PersonName.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "part", "script", "value"
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
        scope(user, Person.objects.filter(pk__in=ids), roles.PERSON_VIEW)
        .exclude(status_id=MERGED_STATUS)
        .select_related("site", "household")
    )


# --- Search --------------------------------------------------------------------------------


def _token_score(q: Token, person_tokens: list[Token]) -> float:
    best = 0.0
    for t in person_tokens:
        if q.key == t.key:
            return 1.0
        s = max(fuzz.ratio(q.latin, t.latin), 0.95 * fuzz.ratio(q.key, t.key)) / 100
        best = max(best, s)
    return best


def _prefix_score(parsed: search.ParsedQuery, person_tokens: list[Token]) -> float:
    exact, prefixes = parsed.groups[-1]
    best = 0.0
    for t in person_tokens:
        forms = search.token_forms(t)
        if exact[0] in forms:
            return 1.0
        for p in prefixes:
            if any(f.startswith(p) for f in forms):
                best = max(best, 0.9 + 0.1 * min(1.0, len(p) / max(1, len(t.latin))))
    if best:
        return best
    last = parsed.tokens[-1]
    return max((fuzz.partial_ratio(last.latin, t.latin) / 100 * 0.8 for t in person_tokens), default=0.0)


def rank_score(parsed: search.ParsedQuery, names: dict[tuple[str, str], str]) -> float:
    """How well one person's names match the query, in [0, 1] (rapidfuzz over the candidates)."""
    person_tokens = [t for value in names.values() for t in tokenize(value)]
    if not person_tokens or not parsed:
        return 0.0
    typing = bool(parsed.partial)
    complete = parsed.tokens[:-1] if typing else parsed.tokens
    scores = [_token_score(q, person_tokens) for q in complete]
    if typing:
        scores.append(_prefix_score(parsed, person_tokens))
    base = sum(scores) / len(scores)
    # Prefer a person whose name has no words the query lacks (Mohammad Hasan
    # over Mohammad Ali Hasan Khalil when "Mohammad Hasan" is typed).
    distinct = len({t.key for t in person_tokens})
    coverage = min(1.0, len(scores) / max(1, distinct))
    return round(0.9 * base + 0.1 * coverage, 4)


def person_search(*, user: Any, query: str, limit: int = 10) -> list[SearchHit]:
    """Persons whose names match ``query`` (any script, typed or pasted), best first.

    Only persons at the sites where ``user`` holds ``registry.person.view``;
    never a merged-away record. Fewer than two letters: no results. The
    query text is never logged.
    """
    limit = max(1, min(int(limit), 50))
    sites = sites_with(user, roles.PERSON_VIEW)
    parsed = search.parse_query(query)
    if not sites or not parsed:
        return []
    ids = search.candidates([parsed.groups], site_ids=sites, limit=SEARCH_CANDIDATES)
    if len(ids) < limit and len(parsed.groups) >= 3:
        # A typo or a name part missing from the record: allow any one word not to match.
        relaxed = [parsed.groups[:i] + parsed.groups[i + 1 :] for i in range(len(parsed.groups))]
        more = search.candidates(relaxed, site_ids=sites, limit=SEARCH_CANDIDATES)
        ids = list(dict.fromkeys([*ids, *more]))[: 2 * SEARCH_CANDIDATES]
    if not ids:
        return []
    visible = _visible_persons(user, ids).select_related(None).only("pk", "registration_number", "site_id", "status")
    persons = {p.pk: p for p in visible}
    names = _names_by_person(list(persons))
    hits = [
        SearchHit(
            person_id=p.pk,
            registration_number=p.registration_number,
            names=full_names(names.get(p.pk, {})),
            score=rank_score(parsed, names.get(p.pk, {})),
            site_id=p.site_id,
        )
        for p in persons.values()
    ]
    hits.sort(key=lambda h: (-h.score, h.registration_number))
    return hits[:limit]


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


_POPULATION: tuple[float, int] = (0.0, 0)


def _population() -> int:
    """Number of persons (cached for ten minutes): the scorer's prior depends on it."""
    global _POPULATION
    at, n = _POPULATION
    if time.monotonic() - at > 600:
        n = Person.objects.count()
        _POPULATION = (time.monotonic(), n)
    return max(1_000, n)


def person_records(person: Person, names: dict[tuple[str, str], str]) -> list[PersonRecord]:
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
) -> list[Candidate]:
    """Registered persons who may be the person being registered, best first.

    Candidates come from the search index (any two of given, father's and
    family name agreeing by key; first within a year of the date of birth),
    then the core scorer decides; only scores at or above ``POSSIBLE`` are
    returned. Restricted to the sites where the user holds
    ``registry.person.view``.
    """
    sites = sites_with(user, roles.PERSON_VIEW)
    keys = {"given": _part_keys(given_name), "father": _part_keys(father_name), "family": _part_keys(family_name)}
    if not sites or not keys["given"]:
        return []
    pairs = [("given", "family"), ("given", "father"), ("father", "family")]
    conjunctions = [[([k], []) for k in keys[a] + keys[b]] for a, b in pairs if keys[a] and keys[b]] or [
        [([k], []) for k in keys["given"]]
    ]
    ids: list[uuid.UUID] = []
    if date_of_birth is not None:
        years = [search.year_token(date_of_birth.year + d) for d in (-1, 0, 1)]
        narrowed = [c + [(years, [])] for c in conjunctions]
        ids = search.candidates(narrowed, site_ids=sites, limit=DUPLICATE_CANDIDATES)
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
    new_prepared = prepare(new, freq)
    persons = list(_visible_persons(user, ids))
    names = _names_by_person([p.pk for p in persons])
    scored: list[tuple[float, Person, PersonRecord]] = []
    for p in persons:
        best: tuple[float, PersonRecord] | None = None
        for rec in person_records(p, names.get(p.pk, {})):
            s = score_prepared(new_prepared, prepare(rec, freq))
            if best is None or s > best[0]:
                best = (s, rec)
        if best and best[0] >= POSSIBLE:
            scored.append((best[0], p, best[1]))
    scored.sort(key=lambda t: -t[0])
    today = timezone.localdate()
    out = []
    for s, p, rec in scored[:limit]:
        reasons = score_pair(new, rec, frequencies=freq).reasons if explain else ()
        dob = p.date_of_birth
        age = None
        if dob is not None:
            age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
        out.append(
            Candidate(
                person_id=p.pk,
                registration_number=p.registration_number,
                score=round(s, 4),
                band=band(s),
                names=full_names(names.get(p.pk, {})),
                date_of_birth=dob,
                age=age,
                sex=p.get_sex_display(),
                household_number=p.household.registration_number if p.household_id else "",
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


def merges_for_user(*, user: Any) -> QuerySet[PersonMerge]:
    return scope(user, PersonMerge.objects.all(), roles.DUPLICATE_REVIEW).select_related(
        "survivor", "merged", "merged_by"
    )


def batch_runs_for_user(*, user: Any) -> QuerySet[BatchRun]:
    return scope(user, BatchRun.objects.all(), roles.BATCH_DEDUPE)


def pair_comparison(*, pair: DuplicatePair) -> dict[str, Any]:
    """Both persons side by side with the scorer's explanation, for the review page."""
    a, b = pair.person_a, pair.person_b
    names = _names_by_person([a.pk, b.pk])
    ra, rb = person_records(a, names.get(a.pk, {})), person_records(b, names.get(b.pk, {}))
    best = max((score_pair(x, y) for x in ra for y in rb), key=lambda r: r.score)
    return {"a": a, "b": b, "names_a": names.get(a.pk, {}), "names_b": names.get(b.pk, {}), "result": best}
