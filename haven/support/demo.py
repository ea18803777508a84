"""Demo support work at the Perm centre (runs after the registry and pathways demos).

About thirty open cases held by the demo caseworker (the lawyer as
deputy on some), with plans, flags, sessions of each type written by the
role that owns the compartment, medical examinations, referrals with
consent (and so disclosures) and needs assessments with proposals still
to confirm. Each demo role then sees what it would on a normal day: the
psychologist reads psychological notes, the caseworker sees only that
those sessions happened, the ombudsman sees sessions but no note, the
administrator sees none of it. Synthetic, seeded; loading twice changes
nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from haven.accounts.models import Site
from haven.support import services, services_referrals
from haven.support.models import Case, ServiceProvider, SessionType
from haven.support.selectors import questionnaire_current

PROVIDERS = [
    # name, kind, internal, origin authority
    ("Perm Regional Clinical Hospital", "hospital", False, False),
    ("School No. 12, Perm", "school", False, False),
    ("Perm Legal Aid Bureau", "legal_aid", False, False),
    ("Psychosocial support NGO «Doverie»", "psychosocial", False, False),
    ("Perm City Polyclinic No. 4 (employer)", "employer", False, False),
    ("Russian language classes at the centre", "school", True, False),
    ("Consulate of the country of origin", "authority", False, True),
]

NOTES = {
    "social": [
        "Discussed winter clothing for the children; list passed to the storeroom.",
        "Family plans to join relatives in another region once documents are ready.",
        "Asked about school enrolment for the two older children.",
    ],
    "legal": [
        "Explained the temporary asylum procedure and the documents needed.",
        "Checked the arrival notification; tear-off part kept in the file.",
        "Prepared the application; appointment at the MVD to be booked.",
    ],
    "psychological": [
        "First session. Sleeps badly since the journey; agreed on weekly sessions.",
        "Talked about the loss of the family home; grounding exercises practised.",
        "Less anxious than last week; wants to start language classes.",
    ],
    "medical": [
        "Blood pressure raised; repeat measurement in a week.",
        "Chronic medication renewed for one month.",
        "Child's vaccinations checked against the card; two missing.",
    ],
}

GOALS = [
    ("Temporary asylum granted", ["Prepare the application", "Accompany to the MVD"]),
    ("Children in school", ["Collect school records", "Visit School No. 12"]),
    ("Personal SIM card", ["Get SNILS", "Open a Gosuslugi account"]),
    ("Work as a doctor", ["Apply for recognition of the diploma"]),
]


def _users() -> dict[str, Any]:
    users = get_user_model().objects.filter(username__in=["caseworker", "lawyer", "psychologist", "doctor"])
    return {u.username: u for u in users}


def _providers() -> dict[str, ServiceProvider]:
    result = {}
    for name, kind, internal, origin in PROVIDERS:
        provider = ServiceProvider.objects.filter(name=name).first() or services_referrals.provider_create(
            actor="load_demo", name=name, kind=kind, is_internal=internal, is_origin_authority=origin
        )
        result[kind if not internal else "internal"] = provider
    return result


def load(*, site: Site, seed: int, progress: Callable[[str], object]) -> None:
    from haven.registry.models import Person

    if Case.objects.filter(site=site).exists():
        progress("Support demo already loaded.")
        return
    users = _users()
    if len(users) < 4:
        progress("Support demo skipped: the demo users are missing.")
        return
    rng = random.Random(seed + 7)
    today = timezone.localdate()
    providers = _providers()
    types = {t.code: t for t in SessionType.objects.all()}
    persons = list(Person.objects.filter(site=site).select_related("household").order_by("registration_number"))
    if not persons:
        progress("Support demo skipped: no persons (load the registry demo first).")
        return
    chosen = rng.sample(persons, min(30, len(persons)))
    questionnaire = questionnaire_current()
    cw, lawyer, psychologist, doctor = users["caseworker"], users["lawyer"], users["psychologist"], users["doctor"]

    for index, person in enumerate(chosen):
        case = services.case_open(
            actor=cw,
            person=person,
            priority=rng.choice([1, 2, 2, 2, 3, 4]),
            deputies=[lawyer] if index % 3 == 0 else [],
        )
        if index % 10 == 9:
            services.case_set_status(actor=cw, case=case, status_code="on_hold", reason="Staying with relatives")
        for flag in rng.sample(
            ["interpreter", "interpreter", "medical_follow_up", "no_location", "reduced_mobility"], 2
        ):
            services.case_flag_add(actor=cw, case=case, flag_code=flag)
        title, actions = GOALS[index % len(GOALS)]
        goal = services.goal_add(actor=cw, case=case, title=title, due_on=today + dt.timedelta(days=60))
        for n, action in enumerate(actions):
            owner = lawyer if "MVD" in action or "application" in action else cw
            due = today + dt.timedelta(days=rng.randint(-10, 30))
            done = services.action_add(actor=cw, goal=goal, title=action, owner=owner, due_on=due)
            if n == 0 and rng.random() < 0.4:
                services.action_done(actor=owner, action=done)
        writers = {"social": cw, "legal": lawyer, "psychological": psychologist, "medical": doctor}
        for code, writer in writers.items():
            if code != "social" and rng.random() < 0.5:
                continue
            for _ in range(rng.randint(1, 2)):
                services.session_record(
                    actor=writer,
                    person=person,
                    case=case,
                    session_type=types[code],
                    held_on=today - dt.timedelta(days=rng.randint(0, 30)),
                    duration_minutes=rng.choice([30, 45, 60]),
                    place=rng.choice(["Office 1", "Office 2", "Medical room", "Family room"]),
                    interpreter=rng.choice(["", "Arabic–Russian, centre interpreter"]),
                    note=rng.choice(NOTES[code]),
                )
        if index < 20:
            services.medical_exam_record(
                actor=doctor,
                person=person,
                examined_on=today - dt.timedelta(days=rng.randint(1, 40)),
                facility="Perm City Polyclinic No. 4",
                components=["drug_test", "tb", "leprosy", "syphilis", "hiv"],
                result="follow_up" if index % 6 == 0 else "cleared",
                details="Chest X-ray to repeat in three months." if index % 6 == 0 else "",
            )
        if index % 3 == 1:
            kind = ["hospital", "school", "legal_aid", "psychosocial", "employer", "internal"][index % 6]
            referral = services_referrals.referral_create(
                actor=cw if kind != "psychosocial" else psychologist,
                person=person,
                provider=providers[kind],
                reason="Follow-up the centre cannot provide",
                consent_given=True,
                consent_given_by="the person",
                data_shared=["identity", "registration"] + (["medical"] if kind == "hospital" else []),
                purpose="Appointment with the service",
            )
            if index % 2:
                services_referrals.referral_set_status(actor=cw, referral=referral, status="accepted")
        if index % 4 == 0:
            answers = {q.code: rng.random() < 0.25 for q in questionnaire.questions.all()}
            answers["interpreter"] = True
            services_referrals.assessment_record(actor=cw, case=case, questionnaire=questionnaire, answers=answers)
    progress(f"Support: {len(chosen)} cases with sessions, plans, referrals and assessments.")
