"""Pathway demo: every resident of the demo centre enrolled, with realistic progress.

Most are registered and examined, fewer have SNILS, a few have a SIM card,
two doctors wait for the recognition of their diplomas; some steps are
overdue and a few appointments fall in the coming days. Synthetic and
seeded; runs after the registry and shelter demos, and does nothing when
the site has nobody yet or was already loaded.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from haven.accounts.models import Site
from haven.pathways.models import Enrolment, Step, StepStatus
from haven.pathways.services import (
    appointment_book,
    enrolment_create,
    step_complete,
    step_set_status,
    templates_load_shipped,
)

ACTOR = "load_demo"
# step code: (share of the people who have the step that have done it, days it takes after the previous one)
PROGRESS: dict[str, tuple[float, int]] = {
    "intake": (1.0, 0),
    "migration-registration": (0.96, 5),
    "asylum-application": (0.85, 12),
    "fingerprinting": (0.85, 6),
    "medical-exam": (0.8, 14),
    "interim-certificate": (0.8, 5),
    "asylum-decision": (0.55, 60),
    "asylum-certificate": (0.9, 10),
    "oms": (0.7, 12),
    "snils": (0.45, 10),
    "inn": (0.45, 20),
    "gosuslugi": (0.45, 8),
    "biometrics": (0.45, 10),
    "sim-card": (0.6, 4),
    "russian-course": (0.55, 20),
    "school-enrolment": (0.7, 40),
}
PLACES = {
    "medical-exam": "Поликлиника № 2, ул. Пушкина 10 / Polyclinic 2",
    "snils": "МФЦ, ул. Ленина 50 / MFC Lenina 50",
    "fingerprinting": "УВМ ГУ МВД, ул. Петропавловская 57 / MVD migration office",
    "russian-course": "Учебный класс ПВР / Centre classroom",
}


def _is_doctor(person: Any) -> bool:
    return "doctor" in str(getattr(person, "profession", "")).lower()


def _progress_person(rng: random.Random, enrolment: Enrolment, today: datetime.date, doctors: list[Any]) -> None:
    steps = list(enrolment.steps.select_related("step_template").order_by("step_template__order"))
    done_on: dict[str, datetime.date] = {}
    person = enrolment.person
    for step in steps:
        st = step.step_template
        code = st.code
        if code == "education-recognition":
            if _is_doctor(person) and len(doctors) < 2:
                doctors.append(person)
                step_set_status(actor=ACTOR, step=step, status=StepStatus.IN_PROGRESS)
            elif not _is_doctor(person) and "teacher" not in str(getattr(person, "profession", "")).lower():
                step_set_status(actor=ACTOR, step=step, status=StepStatus.NOT_APPLICABLE, reason="No diploma")
            continue
        share, days = PROGRESS.get(code, (0.0, 0))
        prereqs = [p.code for p in st.prerequisites.all()]
        if any(p not in done_on for p in prereqs if any(s.step_template.code == p for s in steps)):
            continue
        if rng.random() >= share:
            continue
        start = max([enrolment.arrival_date, *[done_on[p] for p in prereqs if p in done_on]])
        when = start + datetime.timedelta(days=days + rng.randint(0, max(1, days // 2)))
        if when > today:
            continue
        result = ""
        if st.results:
            result = st.results[0] if rng.random() < 0.9 else st.results[-1]
        evidence: dict[str, Any] = {}
        if st.output_document:
            evidence["document_number"] = f"{rng.randint(10, 99)}-{rng.randint(100000, 999999)}"
            evidence["issued_on"] = when
        if code == "sim-card":
            evidence = {
                "phone_number": f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-00",
                "contract_date": when.isoformat(),
            }
        step_complete(actor=ACTOR, step=step, completed_on=when, evidence=evidence, result=result)
        done_on[code] = when


def _book_appointments(rng: random.Random, site: Site, today: datetime.date) -> None:
    households: dict[Any, Any] = {}
    for step in Step.objects.filter(
        person__site=site,
        step_template__code="medical-exam",
        status=StepStatus.PENDING,
        person__household__isnull=False,
    ).select_related("person__household"):
        households.setdefault(step.person.household_id, step.person.household)
    for offset, household in enumerate(list(households.values())[:3], start=1):
        appointment_book(
            actor=ACTOR,
            site=site,
            step_code="medical-exam",
            on_date=today + datetime.timedelta(days=offset),
            at_time=datetime.time(9 + offset, 0),
            place=PLACES["medical-exam"],
            interpreter_needed=True,
            household=household,
        )
    for code, offset in (("snils", 2), ("russian-course", 3), ("fingerprinting", 4)):
        persons = [
            s.person
            for s in Step.objects.filter(person__site=site, step_template__code=code, status=StepStatus.PENDING)
            .select_related("person")
            .order_by("person__registration_number")[:6]
        ]
        if persons:
            appointment_book(
                actor=ACTOR,
                site=site,
                step_code=code,
                on_date=today + datetime.timedelta(days=offset),
                at_time=datetime.time(14, 0),
                place=PLACES[code],
                interpreter_needed=rng.random() < 0.5,
                persons=persons,
            )


def load(*, site: Site, seed: int, progress: Callable[[str], object]) -> None:
    from haven.registry.models import Person

    templates_load_shipped(actor=ACTOR)
    persons = list(Person.objects.filter(site=site).select_related("household", "site").order_by("registration_number"))
    if not persons:
        return
    if Enrolment.objects.filter(person__site=site).exists():
        progress("  pathways: already loaded")
        return
    rng = random.Random(seed)
    today = timezone.localdate()
    doctors: list[Any] = []
    for person in persons:
        enrolment = enrolment_create(actor=ACTOR, person=person)
        _progress_person(rng, enrolment, today, doctors)
    _book_appointments(rng, site, today)
    progress(f"  pathways: {len(persons)} people enrolled")
