"""Search and duplicate-check latency at 10k, 100k (and 1M) persons, SQLite and PostgreSQL.

    .venv/bin/python -m benchmarks.bench_search                       # 10k and 100k, both databases
    .venv/bin/python -m benchmarks.bench_search --sizes 10000 --db sqlite
    .venv/bin/python -m benchmarks.bench_search --million             # adds 1,000,000 (about 20 minutes)
    .venv/bin/python -m benchmarks.bench_search --sizes 1000000 --load-only   # load once ...
    .venv/bin/python -m benchmarks.bench_search --sizes 1000000 --reuse       # ... measure again and again

For each database and size, a fresh database is migrated and filled with
synthetic persons from ``benchmarks/synthetic.py`` (one registration per
person, names in one script: Arabic, Latin or Cyrillic) by bulk inserts
(``COPY`` on PostgreSQL), with their search index. Then, through the REST
API in-process (Django's test client with a bearer token, so the figures
include routing, authentication, access checks and JSON but not a network):

- search latency per keystroke: each prefix (2+ letters) of a full name
  (given, father's, family) typed in *another* script than the stored one;
- recall@10: the person is among the first ten results for the full name
  typed in another script, with the generator's spelling drift and typos;
  again with the year of birth typed after it, for persons whose exact
  name fewer than ten others bear, and for the name typed without a slip of
  the keyboard (spelling drift only, from a generator of its own, so the
  persons and the other queries stay the same). Each miss of the name alone is counted
  as *outscored* (ten others' records rank higher against what was typed,
  by Haven's own ranking) or *not reached* (the person would have scored
  into the first ten, but the search did not bring them up), and written
  one by one (what was typed, the target's record and score, the page) to
  ``search-<db>-<n>-<seed>.misses.txt`` beside the databases;
- the online duplicate check (``POST /api/v1/persons/duplicates``) p95;
- a primary-key ``GET /api/v1/persons/{id}`` for the ratio.

On PostgreSQL the full-text method (``tsvector``) is measured; set
``BENCH_PG_METHODS=tsvector,trgm`` to measure ``pg_trgm`` next to it. PostgreSQL: ``BENCH_PG_URL`` (default
postgres://postgres@127.0.0.1:5432) with rights to create databases.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
TMP = Path(os.environ.get("BENCH_TMP", str(Path(tempfile.gettempdir()) / "haven-bench")))
SCRIPTS = {"arabic": "ar", "latin": "la", "cyrillic": "cy"}


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def _targets_file(db: str, n: int, seed: int) -> Path:
    return TMP / f"search-{db}-{n}-{seed}.targets.json"


def _setup_django(db: str, n: int, *, reuse: bool = False) -> None:
    """Point Django at a fresh benchmark database (``reuse``: keep the one a previous run loaded)."""
    TMP.mkdir(parents=True, exist_ok=True)
    if db == "sqlite":
        path = TMP / f"search-{n}.sqlite3"
        if not reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        import psycopg

        name = f"haven_bench_search_{n}"
        with psycopg.connect(PG_URL + "/postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not (reuse and exists):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"{PG_URL}/{name}"
    os.environ.setdefault("HAVEN_SECRET_KEY", "bench-" + uuid.uuid4().hex * 2)
    os.environ["HAVEN_ALLOWED_HOSTS"] = "testserver"
    os.environ["HAVEN_SSL_REDIRECT"] = "0"
    os.environ["HAVEN_VAR_DIR"] = str(TMP / "var")
    os.environ["HAVEN_LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _load(n: int, seed: int) -> tuple[list[dict[str, Any]], Any]:
    """Create sites, a user and ``n`` persons; returns query targets and the user."""
    from django.db import connection, transaction
    from django.utils import timezone

    from haven.accounts.models import Membership, Region, Role, Site, User
    from haven.accounts.services import roles_sync_defaults
    from haven.matching import search
    from haven.matching.models import PersonSearchIndex
    from haven.registry.models import Person, PersonName

    roles_sync_defaults()
    region = Region.objects.create(code="bench", name="Bench")
    sites = [Site.objects.create(code=f"bench-{i}", name=f"Bench {i}", region=region) for i in range(4)]
    user = User.objects.create_user(username="bench-registrar", password=uuid.uuid4().hex)
    for s in sites:
        Membership.objects.create(user=user, site=s, role=Role.objects.get(code="registrar"))
    now = timezone.now()
    targets: list[dict[str, Any]] = []
    person_fields = [f for f in Person._meta.concrete_fields]
    name_fields = [f for f in PersonName._meta.concrete_fields if f.attname != "id"]
    index_fields = [f for f in PersonSearchIndex._meta.concrete_fields if f.attname != "id"]
    made = 0
    chunk = 50_000
    if connection.vendor == "sqlite":
        with connection.cursor() as c:  # a throw-away database: durability does not matter while loading
            c.execute("PRAGMA synchronous = OFF")
            c.execute("PRAGMA cache_size = -262144")
    t0 = time.perf_counter()
    people = _people(n, seed, len(sites))
    bearers: Counter[str] = Counter()
    while made < n:
        persons, names, index = [], [], []
        for p, rec, site_no, script, target in people:
            bearers[_true_name(p)] += 1
            dob = date.fromisoformat(rec.date_of_birth) if rec.date_of_birth else None
            site = sites[site_no]
            person = Person(
                registration_number=f"BN-{made + len(persons):08d}",
                site_id=site.pk,
                sex=rec.sex or "U",
                date_of_birth=dob,
                created_at=now,
                updated_at=now,
            )
            persons.append(person)
            values, parts = [], []
            for part, value in (("given", rec.given_name), ("father", rec.father_name), ("family", rec.family_name)):
                if value:
                    names.append(PersonName(person_id=person.pk, part=part, script=SCRIPTS[script], value=value[:100]))
                    values.append(value)
                    parts.append(part)
            index.append(
                PersonSearchIndex(
                    person_id=person.pk,
                    site_id=site.pk,
                    text=search.index_text(names=values, site_id=site.pk, date_of_birth=dob, parts=parts),
                    updated_at=now,
                )
            )
            if target is not None:
                targets.append({"id": str(person.pk), **target})
            if len(persons) >= chunk:
                break
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _copy(Person, person_fields, persons)
                _copy(PersonName, name_fields, names)
                _copy(PersonSearchIndex, index_fields, index)
            else:
                _insert_many(Person, person_fields, persons)
                _insert_many(PersonName, name_fields, names)
                _insert_many(PersonSearchIndex, index_fields, index)
        made += len(persons)
        print(f"  loaded {made}/{n} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True)
    for t in targets:
        t["namesakes"] = bearers[t["name"]] - 1
    if connection.vendor == "sqlite":
        with connection.cursor() as c:
            c.execute("INSERT INTO matching_person_fts (rowid, text) SELECT id, text FROM matching_personsearchindex")
            c.execute("INSERT INTO matching_person_fts (matching_person_fts) VALUES ('optimize')")
            c.execute("ANALYZE")
    else:
        with connection.cursor() as c:
            c.execute("VACUUM ANALYZE")
    print(f"  indexed ({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True)
    return targets, user


def _people(n: int, seed: int, n_sites: int) -> Iterator[tuple[Any, Any, int, str, dict[str, Any] | None]]:
    """The ``n`` synthetic persons of a run: (person, record, site number, script, query target or None).

    About one person in fifty (up to 400) becomes a query target: the full
    name as another paper would write it in another script, and the person's
    true name (``name``) to count namesakes by.
    """
    from benchmarks.synthetic import Generator

    gen = Generator(seed)
    rng = random.Random(seed + 1)
    clean = Generator(seed + 2, typo_rate=0.0)  # its own stream: the persons and queries stay the same
    made = targets = 0
    while made < n:
        for p in gen.household():
            if made >= n:
                break
            rec = gen.render(p, f"B{made:08d}")
            script = next(s for s in SCRIPTS if _in_script(rec.given_name, s)) if rec.given_name else "latin"
            site_no = rng.randrange(n_sites)
            target = None
            if rec.given_name and rec.family_name and rng.random() < 0.02 and targets < 400:
                other = rng.choice([s for s in SCRIPTS if s != script])
                typed = [gen.name(p.given, other)]
                if p.father is not None:
                    typed.append(gen.name(p.father, other))
                typed.append(gen.name(p.family, other, family=True))
                parts = ((p.given, False), (p.father, False), (p.family, True))
                untypoed = [clean.name(e, other, family=fam) for e, fam in parts if e is not None]
                target = {
                    "typed": " ".join(t for t in typed if t),
                    "typed_clean": " ".join(t for t in untypoed if t),
                    "given": typed[0],
                    "father": typed[1] if len(typed) == 3 else "",
                    "family": typed[-1],
                    "dob": rec.date_of_birth or None,
                    "sex": rec.sex,
                    "name": _true_name(p),
                }
                targets += 1
            made += 1
            yield p, rec, site_no, script, target


def _true_name(p: Any) -> str:
    """The person's full name as the generator chose it, before any spelling or typo."""
    return "|".join(e.arabic[0] if e is not None else "" for e in (p.given, p.father, p.family))


def namesakes(n: int, seed: int, n_sites: int = 4) -> list[int]:
    """For each query target of a run, how many *other* persons bear exactly the same full name.

    A target with ten namesakes or more cannot be put in the first ten by its
    name alone, however good the ranking: the benchmark reports recall@10
    for the others too. Replays the generator (no database), so it also
    serves databases loaded before targets carried it.
    """
    counts: Counter[str] = Counter()
    names: list[str] = []
    for p, _rec, _site, _script, target in _people(n, seed, n_sites):
        counts[_true_name(p)] += 1
        if target is not None:
            names.append(target["name"])
    return [counts[name] - 1 for name in names]


def _add_namesakes(targets: list[dict[str, Any]], n: int, seed: int) -> None:
    """Fill in each target's namesake count (a replay of the generator; checked against the typed names)."""
    replay = [t for *_, t in _people(n, seed, 4) if t is not None]
    if [t["typed"] for t in replay] != [t["typed"] for t in targets]:
        raise SystemExit("The generator's replay does not give this database's targets; load it again.")
    for t, count, again in zip(targets, namesakes(n, seed), replay, strict=True):
        t["namesakes"] = count
        t["typed_clean"] = again["typed_clean"]


def _in_script(text: str, script: str) -> bool:
    from haven.matching.core.scripts import detect_script

    return detect_script(text) == script


def _copy(model: Any, fields: list[Any], objs: list[Any]) -> None:
    from django.db import connection

    table = model._meta.db_table
    cols = ", ".join(f'"{f.column}"' for f in fields)
    with connection.cursor() as c:
        raw = c.cursor
        with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as cp:
            for o in objs:
                cp.write_row([_db_value(f, o) for f in fields])


def _insert_many(model: Any, fields: list[Any], objs: list[Any]) -> None:
    """SQLite: one prepared INSERT run by executemany inside the caller's transaction."""
    from django.db import connection

    table = model._meta.db_table
    cols = ", ".join(f'"{f.column}"' for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as c:
        c.executemany(
            f"INSERT INTO {table} ({cols}) VALUES ({marks})",  # noqa: S608 - names come from the model
            [[_db_value(f, o) for f in fields] for o in objs],
        )


def _db_value(f: Any, o: Any) -> Any:
    from django.db import connection

    value = getattr(o, f.attname)
    if f.get_internal_type() == "JSONField":
        return json.dumps(value)
    return f.get_db_prep_save(value, connection)


def _measure(
    targets: list[dict[str, Any]], user: Any, methods: list[str], keystroke_names: int, misses_file: Path | None = None
) -> dict[str, Any]:
    from django.test import Client

    from haven.api.services import token_issue
    from haven.matching.search import recent_rows
    from haven.registry.models import Person

    _, raw = token_issue(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    out: dict[str, Any] = {}

    def timed_get(url: str, params: dict[str, Any] | None = None) -> tuple[float, Any]:
        t = time.perf_counter()
        r = client.get(url, params or {})
        dt = (time.perf_counter() - t) * 1000
        assert r.status_code == 200, (r.status_code, r.content[:300])
        return dt, r

    def timed_search(q: str, limit: int = 10) -> tuple[float, Any]:
        # POST: the API refuses a name in a URL.
        t = time.perf_counter()
        r = client.post("/api/v1/persons/search", {"q": q, "limit": limit}, content_type="application/json")
        dt = (time.perf_counter() - t) * 1000
        assert r.status_code == 200, (r.status_code, r.content[:300])
        return dt, r

    # warm-up: name data, caches, connections
    for t in targets[:5]:
        timed_search(t["typed"])
    ids = list(Person.objects.values_list("pk", flat=True)[:200])
    pk_times = [timed_get(f"/api/v1/persons/{pk}")[0] for pk in ids]
    out["pk_get_p50"], out["pk_get_p95"] = _pct(pk_times, 0.5), _pct(pk_times, 0.95)
    for method in methods:
        os.environ["HAVEN_SEARCH_PG"] = method
        keys: list[float] = []
        recent_rows.clear()  # nothing kept from the warm-up
        for t in targets[:keystroke_names]:
            text = t["typed"]
            for i in range(2, len(text) + 1):
                keys.append(timed_search(text[:i])[0])
        found, found_year, found_distinct, found_clean, outscored, full, with_year = 0, 0, 0, 0, 0, [], []
        missed: list[str] = []
        distinct = [t for t in targets if t.get("namesakes", 0) < 10]
        noise = random.Random(1)
        for t in targets:
            # A whole name is measured as if searched for the first time (pasted, not typed):
            # the rows kept from the keystrokes before are forgotten.
            recent_rows.clear()
            dt, r = timed_search(t["typed"])
            full.append(dt)
            hit = any(h["person_id"] == t["id"] for h in r.json())
            found += hit
            if not hit:
                # Why missed: the target would have scored into the first ten (the search did not
                # reach it), or ten others rank higher by the same scorer (outscored).
                target_hit = _target_hit(user, t)
                mine = target_hit.score if target_hit is not None else None
                tenth = r.json()[-1]["score"] if len(r.json()) >= 10 else 0.0
                outscored += mine is not None and mine < tenth
                # For whoever works on recall next: what was typed, the target's record, the page.
                kind = "outscored" if mine is not None and mine < tenth else "not reached"
                record = " / ".join(target_hit.names.values()) if target_hit is not None else "(not visible)"
                lines = [f"{kind}: {t['typed']}", f"  target {mine if mine is not None else '-'}  {record}"]
                lines += [f"  {h['score']:.3f}  {' / '.join(h['names'].values())}" for h in r.json()]
                missed.append("\n".join(lines))
            found_distinct += hit and t.get("namesakes", 0) < 10
            # The same name as another paper writes it, typed without a slip of the keyboard.
            recent_rows.clear()
            r = timed_search(t["typed_clean"])[1]
            found_clean += any(h["person_id"] == t["id"] for h in r.json())
            # The same name with the year of birth as another paper gives it: off by one in one case of eight.
            year = int(t["dob"][:4]) + (noise.choice((-1, 1)) if noise.random() < 0.125 else 0) if t["dob"] else None
            text = f"{t['typed']} {year}" if year else t["typed"]
            recent_rows.clear()
            dt, r = timed_search(text)
            with_year.append(dt)
            found_year += any(h["person_id"] == t["id"] for h in r.json())
        if misses_file is not None:
            misses_file.write_text("\n\n".join(missed) + "\n", encoding="utf-8")
        out[method] = {
            "keystrokes": len(keys),
            "key_p50": _pct(keys, 0.5),
            "key_p95": _pct(keys, 0.95),
            "key_max": max(keys) if keys else float("nan"),
            "full_p95": _pct(full, 0.95),
            "year_p95": _pct(with_year, 0.95),
            "recall10": found / len(targets) if targets else float("nan"),
            "recall10_year": found_year / len(targets) if targets else float("nan"),
            "recall10_distinct": found_distinct / len(distinct) if distinct else float("nan"),
            "recall10_clean": found_clean / len(targets) if targets else float("nan"),
            "misses_outscored": outscored,
            "misses_not_reached": len(targets) - found - outscored,
            "targets_distinct": len(distinct),
            "queries": len(targets),
        }
        dup, dup_found = [], 0
        for t in targets[:150]:
            body = {
                "given_name": t["given"],
                "father_name": t["father"],
                "family_name": t["family"],
                "date_of_birth": t["dob"],
                "sex": t["sex"],
            }
            start = time.perf_counter()
            r = client.post("/api/v1/persons/duplicates", json.dumps(body), content_type="application/json")
            dup.append((time.perf_counter() - start) * 1000)
            assert r.status_code == 200, r.content[:300]
            dup_found += any(c["person_id"] == t["id"] for c in r.json()["candidates"])
        out[method].update(
            {"dup_p50": _pct(dup, 0.5), "dup_p95": _pct(dup, 0.95), "dup_recall": dup_found / max(1, len(dup))}
        )
    return out


def _target_hit(user: Any, target: dict[str, Any]) -> Any:
    """The target itself as the search scores it for its typed name (None: not visible)."""
    from haven.matching import search, selectors

    hits = selectors._search_hits(user, search.parse_query(target["typed"]), [uuid.UUID(target["id"])])
    return hits[0] if hits else None


def run_one(
    db: str, n: int, seed: int, keystroke_names: int, *, reuse: bool = False, load_only: bool = False
) -> dict[str, Any]:
    saved = _targets_file(db, n, seed)
    reuse = reuse and saved.exists()
    _setup_django(db, n, reuse=reuse)
    t0 = time.perf_counter()
    if reuse:
        from haven.accounts.models import User

        targets, user = json.loads(saved.read_text(encoding="utf-8")), User.objects.get(username="bench-registrar")
    else:
        saved.unlink(missing_ok=True)
        targets, user = _load(n, seed)
        saved.write_text(json.dumps(targets), encoding="utf-8")
    load_s = time.perf_counter() - t0
    if targets and ("namesakes" not in targets[0] or "typed_clean" not in targets[0]):
        _add_namesakes(targets, n, seed)
        saved.write_text(json.dumps(targets), encoding="utf-8")
    if load_only:
        return {"db": db, "n": n, "load_s": load_s}
    from django.db import connection

    pg_methods = os.environ.get("BENCH_PG_METHODS", "tsvector").split(",")
    methods = pg_methods if connection.vendor == "postgresql" else ["fts5"]
    warm_s = _warm(db, n)
    before = os.getloadavg()[0]
    misses = TMP / f"search-{db}-{n}-{seed}.misses.txt"
    result = _measure(targets, user, methods, keystroke_names, misses)
    print(f"  misses by name, one by one: {misses}", file=sys.stderr, flush=True)
    # The 1-minute load average at the start and end of the measurement (2 cores: above 2 means queueing).
    result.update({"db": db, "n": n, "load_s": load_s, "warm_s": warm_s, "loadavg": (before + os.getloadavg()[0]) / 2})
    return result


def _warm(db: str, n: int) -> float:
    """Read the whole database into the operating system's cache, as a server's would be; returns seconds.

    A database just loaded, or loaded by an earlier run, is not all in the
    page cache: without this, the first queries read the disk and the
    figures measure the disk, not the search (session 4 measured keystroke
    p95 two to three times higher on a cold cache at 1M). PostgreSQL's
    relations are read into its own shared buffers as far as they hold them
    (``pg_prewarm``'s ``buffer`` mode; the operating system's cache gets
    them on the way), so a server whose ``shared_buffers`` holds the search
    index is measured warm, as it would be after its first hour.
    """
    from django.db import connection

    t0 = time.perf_counter()
    if db == "sqlite":
        with (TMP / f"search-{n}.sqlite3").open("rb") as fh:
            while fh.read(16 << 20):
                pass
    else:
        with connection.cursor() as c:
            c.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            c.execute(
                "SELECT pg_prewarm(c.oid::regclass, 'buffer') FROM pg_class c "
                "JOIN pg_namespace s ON s.oid = c.relnamespace "
                "WHERE s.nspname = 'public' AND c.relkind IN ('r', 'i', 't', 'm')"
            )
    return time.perf_counter() - t0


def machine() -> dict[str, str]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        ram = f"{int(mem.split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        ram = "?"
    return {"nproc": str(os.cpu_count()), "ram": ram, "cpu": cpu, "python": platform.python_version()}


def table(results: list[dict[str, Any]]) -> str:
    head = (
        "| DB | persons | method | keystroke p50 ms | keystroke p95 ms | full name p95 ms | name + year p95 ms "
        "| recall@10 | recall@10 name + year "
        "| recall@10, < 10 namesakes | recall@10, no typo typed | misses: outscored / not reached "
        "| dup check p95 ms | dup recall | PK GET p95 ms | ratio p95 | load s | load avg |"
    )
    lines = [head, "|" + "---|" * 18]
    for r in results:
        for method in ("fts5", "tsvector", "trgm"):
            m = r.get(method)
            if not m:
                continue
            lines.append(
                f"| {r['db']} | {r['n']:,} | {method} | {m['key_p50']:.1f} | {m['key_p95']:.1f} "
                f"| {m['full_p95']:.1f} | {m.get('year_p95', float('nan')):.1f} | {m['recall10']:.3f} "
                f"| {m.get('recall10_year', float('nan')):.3f} "
                f"| {m.get('recall10_distinct', float('nan')):.3f} ({m.get('targets_distinct', 0)}) "
                f"| {m.get('recall10_clean', float('nan')):.3f} "
                f"| {m.get('misses_outscored', '?')} / {m.get('misses_not_reached', '?')} "
                f"| {m['dup_p95']:.1f} | {m['dup_recall']:.3f} | {r['pk_get_p95']:.1f} "
                f"| {m['key_p95'] / r['pk_get_p95']:.1f}× | {r['load_s']:.0f} | {r.get('loadavg', float('nan')):.1f} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    ap.add_argument("--million", action="store_true", help="also 1,000,000 persons")
    ap.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keystroke-names", type=int, default=40, help="names typed keystroke by keystroke")
    ap.add_argument(
        "--reuse", action="store_true", help="measure the database a previous run loaded, if any (skips loading)"
    )
    ap.add_argument(
        "--load-only", action="store_true", help="load the databases for a later --reuse run, measure nothing"
    )
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--json", type=Path, help="also write the results as JSON")
    args = ap.parse_args(argv)
    sizes = list(args.sizes) + ([1_000_000] if args.million else [])
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if args.one:
        result = run_one(dbs[0], sizes[0], args.seed, args.keystroke_names, reuse=args.reuse, load_only=args.load_only)
        print(json.dumps(result))
        return 0
    results = []
    print(json.dumps(machine()), file=sys.stderr)
    for n in sizes:
        for db in dbs:
            print(f"{db} {n:,} persons ...", file=sys.stderr, flush=True)
            cmd = [
                sys.executable,
                "-m",
                "benchmarks.bench_search",
                "--one",
                "--db",
                db,
                "--sizes",
                str(n),
                "--seed",
                str(args.seed),
                "--keystroke-names",
                str(args.keystroke_names),
                *(["--reuse"] if args.reuse else []),
                *(["--load-only"] if args.load_only else []),
            ]
            proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
            if proc.returncode != 0:
                print(f"  failed ({proc.returncode})", file=sys.stderr)
                continue
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            if args.load_only:
                print(f"  loaded in {results[-1]['load_s']:.0f} s", file=sys.stderr, flush=True)
                continue
            print(table(results[-1:]), flush=True)
    if args.load_only:
        return 0
    print()
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "results": results}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
