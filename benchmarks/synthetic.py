"""Seeded generator of synthetic Syrian households for matching benchmarks.

Every person is invented: names are drawn from Haven's data files by
frequency, then written the way real registrations write them, with the
noise real registrations have:

* script: Arabic, Latin or Cyrillic, chosen per record;
* spelling: any listed variant, plus "drift" the data files do not list
  (ou/u, ee/i, doubled or single consonants, e/a, dropped final h, й/и ...);
* articles on, off, hyphenated, separate or glued; Abd compounds split or
  joined; Arabic hamza, ta marbuta and alif maqsura variants, harakat;
* typos from neighbouring keys on Arabic, Russian ЙЦУКЕН and Latin QWERTY
  layouts, dropped, doubled and swapped letters;
* dates: 1 January for a year-only birth date, day/month swapped, year ±1,
  a wrong day, missing; missing father name, sex, family name, place;
* hard negatives by construction: households give siblings (same father and
  family), twins (same date of birth), a son named after his father (the
  son's father name is the father's given name) and common names.

Each record carries the hidden ``entity_id`` of the person it describes, so
pairwise precision and recall can be computed.
"""

from __future__ import annotations

import csv
import itertools
import random
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from haven.matching.core.data import NameEntry, load_names

_LAYOUTS = {
    "latin": ["qwertyuiop", "asdfghjkl", "zxcvbnm"],
    "cyrillic": ["йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю"],
    "arabic": ["ضصثقفغعهخحجد", "شسيبلاتنمكط", "ئءؤرىةوزظ"],
}
_NEIGHBOURS: dict[str, dict[str, str]] = {}
for _script, rows in _LAYOUTS.items():
    nb: dict[str, str] = {}
    for row in rows:
        for i, ch in enumerate(row):
            nb[ch] = row[max(0, i - 1) : i] + row[i + 1 : i + 2]
    _NEIGHBOURS[_script] = nb

_LATIN_DRIFT = [
    ("ou", "u"), ("u", "ou"), ("ee", "i"), ("i", "ee"), ("e", "a"), ("a", "e"),
    ("ss", "s"), ("s", "ss"), ("mm", "m"), ("dd", "d"), ("kh", "h"), ("q", "k"),
    ("k", "q"), ("y", "i"), ("ei", "ai"), ("ai", "ei"), ("o", "u"), ("u", "o"),
    ("ch", "sh"), ("j", "dj"), ("w", "ou"),
]  # fmt: skip
_CYR_DRIFT = [
    ("е", "э"), ("э", "е"), ("сс", "с"), ("с", "сс"), ("мм", "м"), ("ей", "ай"),
    ("ай", "ей"), ("и", "ы"), ("у", "ю"), ("ль", "л"), ("л", "ль"), ("о", "у"),
]  # fmt: skip
_AR_VARIANTS = [("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ؤ", "و")]
_AR_FINAL = {"ة": "ه", "ى": "ي", "ي": "ى"}
_HARAKAT = ["\u064e", "\u064f", "\u0650", "\u0651"]


@dataclass(frozen=True, slots=True)
class Person:
    entity_id: int
    given: NameEntry
    father: NameEntry | None
    family: NameEntry
    dob: date
    year_only: bool
    sex: str
    place: NameEntry | None


@dataclass(frozen=True, slots=True)
class SynthRecord:
    record_id: str
    entity_id: int
    given_name: str
    father_name: str
    family_name: str
    date_of_birth: str
    sex: str
    place_of_birth: str


class Generator:
    """Seeded households and their (noisy, duplicated) registration records."""

    def __init__(self, seed: int = 0, *, typo_rate: float = 0.06, drift_rate: float = 0.25) -> None:
        self.rng = random.Random(seed)
        self.typo_rate = typo_rate
        self.drift_rate = drift_rate
        entries = load_names()
        self.male = [e for e in entries if e.kind == "m" and e.weight > 0]
        self.female = [e for e in entries if e.kind == "f" and e.weight > 0]
        self.family = [e for e in entries if e.kind == "family" and e.weight > 0]
        # Syrian family names are far more varied than any list: many are a
        # given name with the article (Al-Omar) or with Abu (Abu Khalil).
        for e in self.male:
            if " " in e.arabic[0]:
                continue
            self.family.append(
                NameEntry(
                    "family",
                    ("ال" + e.arabic[0],),
                    tuple("Al-" + v for v in e.latin[:3]),
                    tuple("Аль-" + v for v in e.cyrillic[:2]),
                    max(1, e.weight // 5),
                )
            )
            self.family.append(
                NameEntry(
                    "family",
                    ("أبو " + e.arabic[0],),
                    tuple(p + v for v in e.latin[:2] for p in ("Abu ", "Abou ")),
                    tuple("Абу " + v for v in e.cyrillic[:2]),
                    max(1, e.weight // 10),
                )
            )
        self.places = [e for e in entries if e.kind == "place" and e.weight > 0]
        self._next_entity = 0
        self._cum: dict[int, list[float]] = {}

    def _pick(self, pool: list[NameEntry]) -> NameEntry:
        cum = self._cum.get(id(pool))
        if cum is None:
            # Real name distributions are steeper than the data weights.
            cum = self._cum[id(pool)] = list(itertools.accumulate(e.weight**1.3 for e in pool))
        return self.rng.choices(pool, cum_weights=cum)[0]

    def _person(self, given, father, family, dob, sex) -> Person:
        self._next_entity += 1
        year_only = self.rng.random() < 0.2
        place = self._pick(self.places) if self.rng.random() < 0.9 else None
        return Person(self._next_entity, given, father, family, dob, year_only, sex, place)

    def household(self) -> list[Person]:
        """A father, a mother and their children (sometimes grown sons)."""
        rng = self.rng
        fam = self._pick(self.family)
        grandfather = self._pick(self.male)
        fy = rng.randint(1945, 1995)
        father = self._person(self._pick(self.male), grandfather, fam, _rand_date(rng, fy), "M")
        mother_dob = _rand_date(rng, fy + rng.randint(-2, 8))
        mother = self._person(self._pick(self.female), self._pick(self.male), self._pick(self.family), mother_dob, "F")
        people = [father, mother]
        year = mother_dob.year + rng.randint(18, 24)
        used: set[str] = set()
        for k in range(rng.choices([0, 1, 2, 3, 4, 5, 6], [5, 10, 20, 25, 20, 12, 8])[0]):
            if year > 2024:
                break
            twins = rng.random() < 0.04
            dob = _rand_date(rng, year)
            for _ in range(2 if twins else 1):
                sex = rng.choice("MF")
                if sex == "M" and k == 0 and rng.random() < 0.3:
                    given = grandfather  # first son named after his grandfather
                elif sex == "M" and rng.random() < 0.06:
                    given = father.given  # son named like his father
                else:
                    given = self._pick(self.male if sex == "M" else self.female)
                if given.arabic[0] in used:
                    given = self._pick(self.male if sex == "M" else self.female)
                used.add(given.arabic[0])
                people.append(self._person(given, father.given, fam, dob, sex))
            year += rng.randint(1, 3)
        return people

    def records(self, n: int) -> list[SynthRecord]:
        """About ``n`` records; ~30% of people are registered more than once."""
        rng = self.rng
        out: list[SynthRecord] = []
        while len(out) < n:
            for p in self.household():
                copies = rng.choices([1, 2, 3, 4], [70, 22, 6, 2])[0]
                for _ in range(copies):
                    out.append(self.render(p, f"R{len(out) + 1:08d}"))
        del out[n:]
        rng.shuffle(out)
        return out

    # rendering -----------------------------------------------------------
    def render(self, p: Person, record_id: str) -> SynthRecord:
        rng = self.rng
        script = rng.choices(["arabic", "latin", "cyrillic"], [35, 40, 25])[0]
        father = self.name(p.father, script) if p.father and rng.random() > 0.06 else ""
        family = self.name(p.family, script, family=True) if rng.random() > 0.03 else ""
        place = self.name(p.place, script) if p.place and rng.random() > 0.35 else ""
        sex = "" if rng.random() < 0.03 else p.sex
        return SynthRecord(record_id, p.entity_id, self.name(p.given, script), father, family, self.dob(p), sex, place)

    def dob(self, p: Person) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.04:
            return ""
        d = p.dob
        if p.year_only:
            d = date(d.year, 1, 1)
            if rng.random() < 0.12:
                d = date(d.year + rng.choice((-1, 1)), 1, 1)
            return d.isoformat()
        r = rng.random()
        if r < 0.05 and d.day <= 12 and d.day != d.month:
            d = date(d.year, d.day, d.month)
        elif r < 0.09:
            d = _safe_date(d.year + rng.choice((-1, 1)), d.month, d.day)
        elif r < 0.12:
            d = date(d.year, 1, 1)
        elif r < 0.15:  # one wrong digit in the day
            d = _safe_date(d.year, d.month, max(1, d.day + rng.choice((-10, -1, 1, 10))))
        return d.isoformat()

    def name(self, e: NameEntry, script: str, *, family: bool = False) -> str:
        rng = self.rng
        if script == "arabic":
            text = rng.choice(e.arabic)
            for a, b in _AR_VARIANTS:
                if a in text and rng.random() < 0.3:
                    text = text.replace(a, b)
            if text[-1] in _AR_FINAL and rng.random() < 0.3:
                text = text[:-1] + _AR_FINAL[text[-1]]
            if text.startswith("ال") and rng.random() < 0.3:
                text = text[2:]
            if "عبد ال" in text and rng.random() < 0.4:
                text = text.replace("عبد ال", "عبدال")
            if rng.random() < 0.05:
                text = "".join(c + (rng.choice(_HARAKAT) if rng.random() < 0.3 else "") for c in text)
        else:
            variants = e.latin if script == "latin" else e.cyrillic
            text = variants[0] if rng.random() < 0.45 else rng.choice(variants)
            if rng.random() < self.drift_rate:
                text = self._drift(text, _LATIN_DRIFT if script == "latin" else _CYR_DRIFT)
            if family:
                text = self._article(text, script)
            if text.lower().startswith(("abdul", "abdel", "абдул", "абдель")) and " " not in text:
                if rng.random() < 0.3:
                    text = text[:5] + " " + text[5].upper() + text[6:]
        if rng.random() < self.typo_rate:
            text = self._typo(text, script)
        return text

    def _article(self, text: str, script: str) -> str:
        rng = self.rng
        lat = script == "latin"
        low = text.lower()
        for art in ("al-", "el-", "al ", "el ", "аль-", "эль-", "ас-", "аш-", "ан-", "аз-", "ат-", "ад-", "ар-"):
            if low.startswith(art):
                base = text[len(art) :]
                forms = ["Al-", "al-", "Al ", "El-", "El ", "Al", ""] if lat else ["Аль-", "аль-", "Аль ", "Эль-", ""]
                form = rng.choice(forms)
                return "Al" + base.lower() if form == "Al" else form + base
        return text

    def _drift(self, text: str, rules: list[tuple[str, str]]) -> str:
        rng = self.rng
        low = text.lower()
        options = [(a, b) for a, b in rules if a in low[1:]]
        if not options:
            return text
        a, b = rng.choice(options)
        i = low.index(a, 1)
        out = text[:i] + b + text[i + len(a) :]
        return out

    def _typo(self, text: str, script: str) -> str:
        rng = self.rng
        if len(text) < 4:
            return text
        i = rng.randrange(1, len(text) - 1)
        kind = rng.random()
        ch = text[i].lower()
        nb = _NEIGHBOURS.get(script, {}).get(ch)
        if kind < 0.4 and nb:
            return text[:i] + rng.choice(nb) + text[i + 1 :]
        if kind < 0.6:
            return text[:i] + text[i + 1 :]
        if kind < 0.8:
            return text[:i] + text[i] + text[i:]
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def _rand_date(rng: random.Random, year: int) -> date:
    return date(year, 1, 1) + timedelta(days=rng.randrange(365))


def _safe_date(y: int, m: int, d: int) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        return date(y, m, 28)


def true_pairs(records: list[SynthRecord]) -> set[tuple[str, str]]:
    """All pairs of records that describe the same person (ids sorted)."""
    by_entity: dict[int, list[str]] = {}
    for r in records:
        by_entity.setdefault(r.entity_id, []).append(r.record_id)
    out: set[tuple[str, str]] = set()
    for ids in by_entity.values():
        ids.sort()
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                out.add((ids[x], ids[y]))
    return out


def write_csv(records: list[SynthRecord], path: str | Path) -> None:
    """Write records in the dedupe CSV format (the entity id stays hidden)."""
    with Path(path).open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["record_id", "given_name", "father_name", "family_name", "date_of_birth", "sex", "place_of_birth"])
        for r in records:
            w.writerow(
                [r.record_id, r.given_name, r.father_name, r.family_name, r.date_of_birth, r.sex, r.place_of_birth]
            )


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


if __name__ == "__main__":
    for r in Generator(1).records(30):
        print(r)
