"""Time the occupancy dashboard of one site as its residents grow to 5,000.

Usage::

    .venv/bin/python benchmarks/bench_occupancy.py            # SQLite in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/haven_bench_occupancy \\
        .venv/bin/python benchmarks/bench_occupancy.py        # a throwaway PostgreSQL database

Builds synthetic residents (bulk inserts, not the services: this measures
reading), then requests the page as the centre manager and prints one row
per size: residents, queries per request, p50 and p95 in milliseconds,
and the median CPU time of this process (steadier than the wall clock when
the machine is shared).
The database named by DATABASE_URL is flushed first: never point it at
real data.
"""

from __future__ import annotations

import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

SIZES = tuple(int(n) for n in os.environ.get("BENCH_SIZES", "150,1000,5000").split(","))
RUNS = int(os.environ.get("BENCH_RUNS", "25"))
BEDS_PER_ROOM = 5

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
os.environ.setdefault("HAVEN_DEBUG", "1")  # a throwaway database: no production checks
if "DATABASE_URL" not in os.environ:
    os.environ["HAVEN_VAR_DIR"] = tempfile.mkdtemp(prefix="haven-bench-")


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from haven.accounts.models import Membership, Region, Role, Site, User
    from haven.accounts.services import roles_sync_defaults
    from haven.registry.models import Person, PersonName
    from haven.shelter.models import Bed, Building, PresenceStatus, Room, Stay

    setup_test_environment()
    call_command("migrate", verbosity=0)
    if os.environ.get("DATABASE_URL"):
        call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", verbosity=0)
    roles_sync_defaults()
    from haven.registry.models import PersonStatus

    PersonStatus.objects.get_or_create(code="active", defaults={"label_en": "Active", "is_present": True})
    region, _ = Region.objects.get_or_create(code="bench", defaults={"name": "Bench region"})
    site = Site.objects.create(code="bench-site", name="Bench centre", region=region)
    user = User.objects.create_user(username="bench-manager", password="x" * 16)  # noqa: S106 - throwaway database
    Membership.objects.create(user=user, site=site, role=Role.objects.get(code="manager"))
    building = Building.objects.create(site=site, name="Block 1")
    client = Client()
    client.force_login(user)
    url = reverse("shelter:occupancy", kwargs={"site_id": site.pk})
    now = timezone.now()

    made = 0
    rows = []
    for size in SIZES:
        add = size - made
        rooms_needed = (add + BEDS_PER_ROOM - 1) // BEDS_PER_ROOM + add // 10 // BEDS_PER_ROOM
        rooms = Room.objects.bulk_create(
            Room(site=site, building=building, name=f"R{made + i:05d}", floor_area_m2=24, designation="family")
            for i in range(rooms_needed)
        )
        beds = Bed.objects.bulk_create(
            Bed(site=site, room=room, label=str(n)) for room in rooms for n in range(1, BEDS_PER_ROOM + 1)
        )
        persons = Person.objects.bulk_create(
            Person(registration_number=f"B-{made + i:07d}", site=site, sex="F" if i % 2 else "M") for i in range(add)
        )
        PersonName.objects.bulk_create(
            PersonName(person=p, part=part, script="la", value=value)
            for p in persons
            for part, value in (("given", "Amal"), ("family", f"Family{p.registration_number[-4:]}"))
        )
        Stay.objects.bulk_create(
            Stay(
                site=site,
                person=p,
                bed=bed,
                status="checked_in",
                checked_in_at=now - datetime.timedelta(days=i % 40, hours=1),
            )
            for i, (p, bed) in enumerate(zip(persons, beds, strict=False))
        )
        PresenceStatus.objects.bulk_create(
            PresenceStatus(
                person=p,
                site=site,
                last_kind="seen",
                last_event_at=now - datetime.timedelta(days=i % 9),
                last_seen_at=now - datetime.timedelta(days=i % 9),
            )
            for i, p in enumerate(persons)
        )
        made = size
        client.get(url)  # warm up
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(client.get, url)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        timings = []
        cpu = []
        queries = 0
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as ctx:
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
            assert response.status_code == 200, response.status_code
            queries = len(ctx.captured_queries)
        timings.sort()
        if os.environ.get("BENCH_VERBOSE"):
            slow = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:5]
            for q in slow:
                print(f"  {size}: {float(q['time']) * 1000:7.1f} ms  {q['sql'][:110]}")
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        rows.append((size, queries, statistics.median(timings), p95, statistics.median(cpu)))

    print(f"Occupancy dashboard, {connection.vendor}, {RUNS} requests per size")
    print(f"1-minute load average at the end: {os.getloadavg()[0]:.1f} (cpu ms: this process only, so not the")
    print("PostgreSQL server's time; on a busy machine it is steadier than the wall-clock p50 and p95)")
    print(f"{'residents':>10} {'queries':>8} {'p50 ms':>8} {'p95 ms':>8} {'cpu ms':>8}")
    for size, queries, p50, p95, cpu_p50 in rows:
        print(f"{size:>10} {queries:>8} {p50:>8.1f} {p95:>8.1f} {cpu_p50:>8.1f}")


if __name__ == "__main__":
    main()
