"""The Perm demo: about 150 Syrians from Latakia governorate in about 40 households.

Two waves, as reported: about 100 people in February 2025 (mostly women
and children) and about 50 on 3 April 2025. Names are drawn from the
matching app's name lists (Arabic with their English-practice Latin and
Russian-practice Cyrillic forms). Everything is synthetic and seeded:
the same seed gives the same people on every machine. Loading twice
changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from django.db import transaction

from haven.accounts.models import Site
from haven.registry.models import Consent, DocumentType, Household, IdentityDocument
from haven.registry.services import LanguageInput, MemberInput, NameInput, _household_create, _person_create

ACTOR = "load_demo"
DISTRICTS = ["Latakia", "Jableh", "Qardaha", "Baniyas"]
WAVE1_DATES = [dt.date(2025, 2, 6), dt.date(2025, 2, 13), dt.date(2025, 2, 20), dt.date(2025, 2, 27)]
WAVE2_DATE = dt.date(2025, 4, 3)
# profession, how many
PROFESSIONS = [
    ("Doctor (general practitioner)", 2),
    ("Doctor (paediatrician)", 1),
    ("Doctor (surgeon)", 1),
    ("Teacher (mathematics)", 2),
    ("Teacher (Arabic language)", 1),
    ("Teacher (primary school)", 2),
]
OTHER_JOBS = ["Nurse", "Electrician", "Driver", "Farmer", "Accountant", "Pharmacist", "Mechanic", "Tailor", "Engineer"]


def _name_lists() -> dict[str, list[tuple[str, str, str]]]:
    lists: dict[str, list[tuple[str, str, str]]] = {"m": [], "f": [], "family": []}
    try:
        from haven.matching.core.data import load_names

        for entry in load_names():
            if entry.kind in lists:
                lists[entry.kind].append((entry.arabic[0], entry.latin[0], entry.cyrillic[0]))
    except (ImportError, OSError, ValueError):
        pass
    if not lists["family"]:  # the matching data is missing: a small built-in list
        lists = {
            "m": [
                ("محمد", "Mohammed", "Мухаммед"),
                ("علي", "Ali", "Али"),
                ("حسن", "Hassan", "Хасан"),
                ("أحمد", "Ahmad", "Ахмед"),
                ("يوسف", "Youssef", "Юсеф"),
                ("إبراهيم", "Ibrahim", "Ибрагим"),
            ],
            "f": [
                ("فاطمة", "Fatima", "Фатима"),
                ("مريم", "Maryam", "Марьям"),
                ("زينب", "Zainab", "Зейнаб"),
                ("سلمى", "Salma", "Сальма"),
                ("ليلى", "Layla", "Лейла"),
            ],
            "family": [
                ("العلي", "Al-Ali", "Аль-Али"),
                ("الحسن", "Al-Hassan", "Аль-Хасан"),
                ("سليمان", "Suleiman", "Сулейман"),
                ("إبراهيم", "Ibrahim", "Ибрагим"),
            ],
        }
    return lists


def _names(
    given: tuple[str, str, str],
    father: tuple[str, str, str],
    family: tuple[str, str, str],
    grandfather: tuple[str, str, str] | None,
) -> list[NameInput]:
    out: list[NameInput] = []
    parts = [("given", given), ("father", father), ("family", family)]
    if grandfather:
        parts.append(("grandfather", grandfather))
    for part, forms in parts:
        for script, value in zip(("ar", "la", "cy"), forms, strict=True):
            out.append(NameInput(part, script, value, is_document_spelling=(script == "ar")))
    return out


def _dob(rng: random.Random, arrival: dt.date, age: int) -> tuple[dt.date, str]:
    born = arrival.replace(year=arrival.year - age) - dt.timedelta(days=rng.randint(1, 360))
    if age > 55 and rng.random() < 0.4:
        return dt.date(born.year, 7, 1), "year"
    return born, "exact"


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.lists = _name_lists()
        self.professions = [p for p, n in PROFESSIONS for _ in range(n)]

    def pick(self, kind: str) -> tuple[str, str, str]:
        return self.rng.choice(self.lists[kind])

    def phone(self) -> tuple[str, str]:
        if self.rng.random() < 0.5:
            return "", "own"
        if self.rng.random() < 0.3:
            return "+7 342 200-00-00", "centre"
        r = self.rng.randint
        return f"+7 9{r(10, 99)} {r(100, 999)}-{r(10, 99)}-{r(10, 99)}", "own"

    def adult(
        self,
        *,
        sex: str,
        age: int,
        relationship: str,
        family: tuple[str, str, str],
        arrival: dt.date,
        needs: list[str],
        worker: bool,
    ) -> MemberInput:
        given = self.pick("m" if sex == "M" else "f")
        dob, precision = _dob(self.rng, arrival, age)
        job = ""
        if worker and self.professions and self.rng.random() < 0.5:
            job = self.professions.pop()
        elif worker and self.rng.random() < 0.5:
            job = self.rng.choice(OTHER_JOBS)
        phone, owner = self.phone()
        return MemberInput(
            names=_names(given, self.pick("m"), family, self.pick("m") if self.rng.random() < 0.6 else None),
            sex=sex,
            date_of_birth=dob,
            dob_precision=precision,
            relationship=relationship,
            place_of_birth=self.rng.choice(DISTRICTS),
            nationalities=["SY"],
            phone=phone,
            phone_owner=owner,
            profession=job,
            needs=needs,
            languages=[LanguageInput("ar", "native", self.rng.random() < 0.85)]
            + ([LanguageInput("en", "basic")] if self.rng.random() < 0.3 else [])
            + ([LanguageInput("ru", "basic")] if job.startswith("Doctor") else []),
        )

    def child(
        self, *, father_given: tuple[str, str, str], family: tuple[str, str, str], arrival: dt.date, needs: list[str]
    ) -> MemberInput:
        sex = self.rng.choice("FM")
        age = self.rng.randint(0, 17)
        dob, precision = _dob(self.rng, arrival, age)
        return MemberInput(
            names=_names(self.pick("m" if sex == "M" else "f"), father_given, family, None),
            sex=sex,
            date_of_birth=dob,
            dob_precision=precision,
            relationship="child",
            place_of_birth=self.rng.choice(DISTRICTS),
            nationalities=["SY"],
            needs=needs,
            languages=[LanguageInput("ar", "native", age >= 6)],
        )

    def household(self, arrival: dt.date, *, wave: int) -> list[MemberInput]:
        """One family. Wave 1: mostly mothers with children; wave 2: whole families."""
        rng = self.rng
        family = self.pick("family")
        father_given = self.pick("m")
        members: list[MemberInput] = []
        father_present = rng.random() < (0.25 if wave == 1 else 0.8)
        children = rng.randint(1, 4) if wave == 1 else rng.randint(0, 3)
        mother_age = rng.randint(24, 46)
        mother_needs = []
        if not father_present:
            mother_needs += ["SP", "WR"] if rng.random() < 0.6 else ["SP"]
        if rng.random() < 0.15:
            mother_needs.append("WR-LC")
        if rng.random() < 0.2:
            mother_needs.append("LP-RP")
        if father_present:
            father_needs = ["LP-RP"] if rng.random() < 0.25 else []
            members.append(
                self.adult(
                    sex="M",
                    age=mother_age + rng.randint(1, 9),
                    relationship="head",
                    family=family,
                    arrival=arrival,
                    needs=father_needs,
                    worker=True,
                )
            )
            # The wife keeps her own family name, as is usual in Syria.
            members.append(
                self.adult(
                    sex="F",
                    age=mother_age,
                    relationship="spouse",
                    family=self.pick("family"),
                    arrival=arrival,
                    needs=mother_needs,
                    worker=rng.random() < 0.4,
                )
            )
        else:
            members.append(
                self.adult(
                    sex="F",
                    age=mother_age,
                    relationship="head",
                    family=self.pick("family"),
                    arrival=arrival,
                    needs=mother_needs,
                    worker=rng.random() < 0.5,
                )
            )
        for _ in range(children):
            needs = ["CR"] if rng.random() < 0.08 else []
            members.append(self.child(father_given=father_given, family=family, arrival=arrival, needs=needs))
        if rng.random() < 0.2:
            members.append(
                self.adult(
                    sex=rng.choice("FM"),
                    age=rng.randint(62, 82),
                    relationship="grandparent",
                    family=self.pick("family"),
                    arrival=arrival,
                    needs=["ER", "SM-CI"] if rng.random() < 0.5 else ["SM-CI"],
                    worker=False,
                )
            )
        return members


def load(*, site: Site, seed: int, progress: Callable[[str], Any]) -> None:
    if Household.objects.filter(site=site).exists():
        progress("registry: demo households already loaded; skipped")
        return
    rng = random.Random(seed)
    builder = _Builder(rng)
    plans: list[tuple[dt.date, list[MemberInput]]] = []
    wave1 = wave2 = 0
    while wave1 < 100:
        members = builder.household(WAVE1_DATES[0], wave=1)
        plans.append((WAVE1_DATES[len(plans) % 4], members))
        wave1 += len(members)
    while wave2 < 48:
        members = builder.household(WAVE2_DATE, wave=2)
        plans.append((WAVE2_DATE, members))
        wave2 += len(members)
    plans.sort(key=lambda p: p[0])
    doc_types = {d.code: d for d in DocumentType.objects.all()}
    with transaction.atomic():
        count = 0
        for arrival, members in plans:
            household = _household_create(
                actor=ACTOR,
                site=site,
                arrival_date=arrival,
                origin_country="SY",
                origin_governorate="Latakia",
                origin_district=rng.choice(DISTRICTS),
                purpose="demo",
            )
            head_name = ""
            for member in members:
                person = _person_create(actor=ACTOR, site=site, household=household, member=member, purpose="demo")
                count += 1
                adult = member.relationship != "child"
                if member.relationship == "head":
                    head_name = " ".join(
                        n.value for n in member.names if n.script == "la" and n.part in ("given", "family")
                    )
                    if "family-booklet" in doc_types:
                        IdentityDocument.objects.create(
                            person=person,
                            document_type=doc_types["family-booklet"],
                            number=f"FB-{rng.randint(100000, 999999)}",
                            issuing_country="SY",
                            custody="person",
                        )
                if adult and rng.random() < 0.8:
                    IdentityDocument.objects.create(
                        person=person,
                        document_type=doc_types["national-id" if rng.random() < 0.7 else "passport"],
                        number=f"{rng.randint(1000000, 9999999):07d}",
                        issuing_country="SY",
                        issue_date=dt.date(rng.randint(2012, 2022), rng.randint(1, 12), rng.randint(1, 28)),
                        custody="person" if rng.random() < 0.8 else "centre",
                    )
                Consent.objects.create(
                    person=person,
                    purpose="registration",
                    notice_language="ar",
                    given_on=arrival,
                    given_by="self" if adult else "guardian",
                    guardian_name="" if adult else head_name or "—",
                )
                if person.phone and person.phone_owner == "own":
                    # Reminders go by SMS only to those who agreed to be contacted.
                    Consent.objects.create(
                        person=person, purpose="contact", notice_language="ar", given_on=arrival, given_by="self"
                    )
    progress(f"registry: {count} persons in {len(plans)} households")
