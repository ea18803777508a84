"""Time (and optionally profile) the registry import on a synthetic file.

    HAVEN_VAR_DIR=/tmp/registry-bench HAVEN_DEBUG=1 .venv/bin/python -m haven.registry.bench_import --rows 10000
    ... --profile 1000      # cProfile of a 1,000-row import, top functions by cumulative time

Uses its own database (``HAVEN_VAR_DIR``, or ``DATABASE_URL``), which it
migrates and empties of registry rows first. Synthetic names only.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import datetime as dt
import io
import os
import pstats
import random
import time

GIVEN = [
    ("محمد", "Mohammed"),
    ("أحمد", "Ahmad"),
    ("علي", "Ali"),
    ("حسن", "Hassan"),
    ("خالد", "Khaled"),
    ("عمر", "Omar"),
    ("فاطمة", "Fatima"),
    ("مريم", "Maryam"),
    ("زينب", "Zeinab"),
    ("ليلى", "Layla"),
    ("يوسف", "Youssef"),
    ("إبراهيم", "Ibrahim"),
]
FAMILY = [("الحسن", "Al-Hassan"), ("العلي", "Al-Ali"), ("الخطيب", "Al-Khatib"), ("ديب", "Deeb"), ("حداد", "Haddad")]
RELATIONS = ["head", "spouse", "child", "child"]


def synthetic_csv(rows: int, seed: int = 7) -> bytes:
    """``rows`` persons in households of four, names in Arabic or Latin, every row distinct."""
    rng = random.Random(seed)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(
        [
            "household_ref",
            "given_name",
            "father_name",
            "family_name",
            "date_of_birth",
            "sex",
            "arrival_date",
            "relationship",
        ]
    )
    for i in range(rows):
        hh = i // 4
        script = rng.randrange(2)
        given = rng.choice(GIVEN)[script]
        father = rng.choice(GIVEN[:6])[script]
        family = FAMILY[hh % len(FAMILY)][script]
        dob = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 20_000) + i % 3000)
        arrival = dt.date(2025, 2, 1) + dt.timedelta(days=hh % 60)
        w.writerow(
            [f"H{hh}", given, father, family, dob.isoformat(), rng.choice("FM"), arrival.isoformat(), RELATIONS[i % 4]]
        )
    return out.getvalue().encode("utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--profile", type=int, default=0, help="profile an import of this many rows instead")
    ap.add_argument(
        "--index", choices=["rebuild", "each", "auto"], default=None, help="how the search index is kept current"
    )
    ap.add_argument(
        "--audit-compare", type=int, default=0, help="time N audit_record calls against a bulk prototype (rolled back)"
    )
    args = ap.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from haven.accounts.models import Membership, Region, Role, Site, User
    from haven.accounts.services import roles_sync_defaults
    from haven.audit.models import AuditEvent
    from haven.matching.models import PersonSearchIndex
    from haven.registry import services_import, services_io
    from haven.registry.models import Household, ImportJob, Person, RegistrationCounter

    roles_sync_defaults()
    region, _ = Region.objects.get_or_create(code="bench", defaults={"name": "Bench"})
    site, _ = Site.objects.get_or_create(code="bench", defaults={"name": "Bench", "region": region})
    user = User.objects.filter(username="bench").first() or User.objects.create_user(username="bench")
    Membership.objects.get_or_create(user=user, site=site, role=Role.objects.get(code="registrar"))
    if args.index:
        services_import.INDEX_MODE = args.index

    def reset() -> None:
        from haven.matching import services as matching_services

        Person.objects.all().delete()
        Household.objects.all().delete()
        ImportJob.objects.all().delete()
        RegistrationCounter.objects.all().delete()
        PersonSearchIndex.objects.all().delete()
        matching_services.person_index_rebuild()

    if args.audit_compare:
        audit_compare(user, args.audit_compare)
        return
    rows = args.profile or args.rows
    data = synthetic_csv(rows)
    reset()
    audit_before = AuditEvent.objects.count()
    started = time.perf_counter()
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    job = services_io.import_job_create(actor=user, site=site, data=data, filename="bench.csv")
    if job.status == "pending":
        job = services_io.import_job_run(job_id=job.pk)
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    print(
        f"{rows} rows: {job.status}, {job.created_persons} persons, {job.created_households} households, "
        f"{AuditEvent.objects.count() - audit_before} audit events, {PersonSearchIndex.objects.count()} indexed, "
        f"{elapsed:.1f} s on {django.db.connection.vendor} (index: {services_import.INDEX_MODE})"
    )
    if job.report:
        print(job.report[:3])
    if profiler:
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(45)
        stats.sort_stats("tottime").print_stats(25)


def _audit_many_prototype(actor, items):  # type: ignore[no-untyped-def]
    """What a bulk ``audit_record_many`` in haven/audit/services.py could do (prototype, not used by Haven).

    The same events and the same chain as N calls of ``audit_record``: the head
    is advanced once by N under its lock, the hashes are chained in Python and
    the events inserted with one bulk INSERT per 1,000.
    """
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from haven.audit.models import AuditEvent, AuditHead
    from haven.audit.services import _object_ref, _plain

    with transaction.atomic():
        AuditHead.objects.get_or_create(pk=1)
        AuditHead.objects.filter(pk=1).update(seq=F("seq") + len(items))
        head = AuditHead.objects.select_for_update().get(pk=1)
        seq, prev = head.seq - len(items), head.last_hash
        events = []
        for it in items:
            seq += 1
            object_type, object_id = _object_ref(it["obj"], "", "")
            e = AuditEvent(
                seq=seq,
                at=timezone.now(),
                actor=actor,
                actor_name=actor.get_username(),
                action=str(it["action"]),
                object_type=object_type,
                object_id=object_id,
                fields=sorted(set(it["fields"])),
                values=_plain(it["values"]),
                purpose=it["purpose"][:200],
                request_id="",
                prev_hash=prev,
            )
            e.hash = prev = e.compute_hash()
            events.append(e)
        AuditEvent.objects.bulk_create(events, batch_size=1000)
        AuditHead.objects.filter(pk=1).update(last_hash=prev)


def audit_compare(user, n):  # type: ignore[no-untyped-def]
    from django.db import transaction

    from haven.audit.models import AuditAction
    from haven.audit.services import audit_record
    from haven.registry.models import Person

    objs = [Person(registration_number=f"X-{i}") for i in range(n)]
    items = [
        {
            "obj": o,
            "action": AuditAction.CREATE,
            "fields": ["sex", "names"],
            "values": {"sex": "F"},
            "purpose": "import",
        }
        for o in objs
    ]

    class Rollback(Exception):
        pass

    for label, run in (
        ("audit_record x N", lambda: [audit_record(actor=user, **it) for it in items]),
        ("bulk prototype", lambda: _audit_many_prototype(user, items)),
    ):
        started = time.perf_counter()
        try:
            with transaction.atomic():
                run()
                elapsed = time.perf_counter() - started
                raise Rollback
        except Rollback:
            pass
        print(f"{label}: {n} events in {elapsed:.2f} s")


if __name__ == "__main__":
    main()
