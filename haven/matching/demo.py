"""Matching demo: the search index for the demo persons and a review queue on day one.

Runs last in ``manage.py load_demo`` (after the registry has created its
persons). It

1. builds the search index for every person (``person_index_rebuild``), so a
   new user finds a demo resident by typing their name in any script;
2. re-registers three demo adults as a second, separate registration with a
   different spelling, the way it happens at a reception desk (another
   transliteration of the same Arabic name, the date of birth written as
   1 January because only the year was known, the father's name left out,
   day and month swapped), through the registry's own create service; each
   pair is scored by the core scorer and queued for review
   (``duplicate_pair_create``), so a manager sees the queue at once.

Idempotent: once the demo pairs exist at the site, nothing is done again
(the index is still brought up to date if persons were added).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from django.db import transaction

from haven.accounts.models import Site
from haven.matching.core.normalize import entries_for_key, tokenize
from haven.matching.core.score import score_pair
from haven.matching.models import MERGED_STATUS, DuplicatePair, PairSource, PersonSearchIndex
from haven.matching.selectors import _names_by_person, person_records
from haven.matching.services import duplicate_pair_create, person_index_rebuild, person_index_update
from haven.registry.models import Person
from haven.registry.services import MemberInput, NameInput, _person_create

ACTOR = "load_demo"
DEMO_PAIRS = 3


def _respell(value: str, script: str, rng: random.Random) -> str:
    """Another common spelling of the same name in ``script`` (from the name data), or a slip of the pen."""
    tokens = tokenize(value)
    out = []
    for t in tokens:
        spellings: list[str] = []
        for entry in entries_for_key(t.key):
            spellings.extend({"la": entry.latin, "cy": entry.cyrillic, "ar": entry.arabic}[script])
        others = [s for s in dict.fromkeys(spellings) if s.lower() != t.text.lower() and " " not in s]
        if others:
            out.append(rng.choice(others))
        elif len(t.text) > 4:  # no other spelling known: two letters swapped
            i = rng.randrange(1, len(t.text) - 2)
            w = t.text
            out.append((w[:i] + w[i + 1] + w[i] + w[i + 2 :]).capitalize())
        else:
            out.append(t.text.capitalize())
    return " ".join(out) if out else value


def _second_registration(
    person: Person, names: dict[tuple[str, str], str], variant: int, rng: random.Random
) -> MemberInput:
    script = ("la", "cy", "la")[variant % 3]
    parts = ["given", "father", "family"]
    if variant == 1:
        parts.remove("father")  # not asked for at the second desk
    new_names = []
    for part in parts:
        value = names.get((part, script)) or next(
            (names[(part, s)] for s in ("la", "cy", "ar") if (part, s) in names), ""
        )
        if value:
            new_names.append(NameInput(part, script, _respell(value, script, rng)))
    dob = person.date_of_birth
    precision = person.dob_precision
    if dob is not None:
        if variant == 0:
            dob, precision = dt.date(dob.year, 1, 1), "year"  # only the year was known
        elif variant == 2 and dob.day <= 12 and dob.day != dob.month:
            dob = dt.date(dob.year, dob.day, dob.month)  # day and month swapped
    return MemberInput(
        names=new_names,
        sex=person.sex,
        date_of_birth=dob,
        dob_precision=precision,
        place_of_birth=person.place_of_birth,
    )


def load(*, site: Site, seed: int, progress: Callable[[str], Any]) -> None:
    persons = Person.objects.filter(site=site).exclude(status_id=MERGED_STATUS)  # type: ignore[misc]
    if DuplicatePair.objects.filter(site=site, source=PairSource.REGISTRATION).exists():
        if PersonSearchIndex.objects.filter(site=site).count() != persons.count():
            for p in persons:
                person_index_update(person=p)
        progress("matching: demo duplicates already queued; skipped")
        return
    indexed = person_index_rebuild()
    progress(f"matching: search index built for {indexed} persons")
    rng = random.Random(seed)
    adults = [
        p
        for p in persons.order_by("registration_number")
        if p.relationship in ("head", "spouse") and p.date_of_birth is not None
    ]
    if not adults:
        progress("matching: no demo persons to re-register; skipped")
        return
    chosen = rng.sample(adults, min(DEMO_PAIRS, len(adults)))
    names = _names_by_person([p.pk for p in chosen])
    queued = 0
    with transaction.atomic():
        for variant, original in enumerate(chosen):
            member = _second_registration(original, names.get(original.pk, {}), variant, rng)
            if not member.names:
                continue
            again = _person_create(actor=ACTOR, site=site, household=None, member=member, purpose="demo")
            person_index_update(person=again)
            again_names = _names_by_person([again.pk])[again.pk]
            score = max(
                score_pair(a, b).score
                for a in person_records(original, names.get(original.pk, {}))
                for b in person_records(again, again_names)
            )
            if duplicate_pair_create(
                actor=ACTOR, person_a=original, person_b=again, score=score, source=PairSource.REGISTRATION
            ):
                queued += 1
    progress(f"matching: {queued} possible duplicates queued for review")
