"""Re-write every search index entry with the current ``index_text``, keeping the ids.

Shared by the migrations that change what the index holds (0004, 0006, 0007,
0009, 0011, 0012, 0013, 0016, and 0010, 0014 and 0015 for the few persons whose tokens
changed, by :func:`rewrite_where_a_name`).
Like them it calls the live ``haven.matching.search.index_text``, so any of
them writes today's format; ids are kept, so the SQLite FTS5 rowids stay
valid. ``manage.py rebuild_search_index`` does the same on demand. (The
migration loader skips modules whose names start with an underscore.)
"""

from collections import defaultdict

CHUNK = 2_000


def rewrite_search_index(apps, schema_editor, person_ids=None):
    """Every entry, or only those of ``person_ids``."""
    from haven.matching import search

    Index = apps.get_model("matching", "PersonSearchIndex")
    PersonName = apps.get_model("registry", "PersonName")
    Person = apps.get_model("registry", "Person")
    conn = schema_editor.connection
    last = 0
    while True:
        entries = Index.objects.filter(id__gt=last)
        if person_ids is not None:
            entries = entries.filter(person_id__in=person_ids)
        rows = list(entries.order_by("id").values_list("id", "person_id")[:CHUNK])
        if not rows:
            break
        last = rows[-1][0]
        pids = [pid for _, pid in rows]
        names = defaultdict(list)
        for pid, part, value in PersonName.objects.filter(person_id__in=pids).values_list("person_id", "part", "value"):
            names[pid].append((part, value))
        facts = {
            pk: (site, dob)
            for pk, site, dob in Person.objects.filter(pk__in=pids).values_list("pk", "site_id", "date_of_birth")
        }
        updates = []
        for iid, pid in rows:
            site, dob = facts[pid]
            updates.append((iid, search.person_index_text(names[pid], site_id=site, date_of_birth=dob)))
        with conn.cursor() as cursor:
            cursor.executemany(
                "UPDATE matching_personsearchindex SET text = %s WHERE id = %s", [(t, i) for i, t in updates]
            )
            if conn.vendor == "sqlite":
                cursor.executemany("DELETE FROM matching_person_fts WHERE rowid = %s", [(i,) for i, _ in updates])
                cursor.executemany("INSERT INTO matching_person_fts (rowid, text) VALUES (%s, %s)", updates)


def rewrite_where_a_name(apps, schema_editor, holds):
    """The entries of the persons one of whose names ``holds(value)`` is true (a scan of every name)."""
    PersonName = apps.get_model("registry", "PersonName")
    names = PersonName.objects.order_by().values_list("person_id", "value")
    ids = sorted({pid for pid, value in names.iterator(chunk_size=10_000) if holds(value)}, key=str)
    for start in range(0, len(ids), 500):
        rewrite_search_index(apps, schema_editor, person_ids=ids[start : start + 500])


def vacuum_index(apps, schema_editor):
    """Tidy the search index after a rewrite of many rows (in a non-atomic migration).

    PostgreSQL: ``VACUUM ANALYZE``. Autovacuum waits for 20% of a table's rows
    to change; until a vacuum the dead versions of the rewritten rows slow
    every search (session 15). SQLite: the FTS5 ``optimize`` command, which
    merges the segments that the rewrite's deletes and inserts leave: after
    0016 rewrote a million entries the keystroke p95 in-process was 107 ms,
    82 ms after ``optimize`` (15 s; session 16).
    """
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("VACUUM ANALYZE matching_personsearchindex")
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("INSERT INTO matching_person_fts (matching_person_fts) VALUES ('optimize')")
