"""Re-write every search index entry so it marks the name parts a person lacks.

The first relaxed search tier looks for "this word within one edit, or no
such part recorded" (``haven.matching.search.missing_or_fuzzy``): entries
written before this migration lack the ``1f``/``1g``/``1s`` tokens. Same
method as migration 0004 (ids kept, so the SQLite FTS5 rowids stay valid).
"""

from collections import defaultdict

from django.db import migrations

CHUNK = 2_000


def forward(apps, schema_editor):
    from haven.matching import search

    Index = apps.get_model("matching", "PersonSearchIndex")
    PersonName = apps.get_model("registry", "PersonName")
    Person = apps.get_model("registry", "Person")
    conn = schema_editor.connection
    last = 0
    while True:
        rows = list(Index.objects.filter(id__gt=last).order_by("id").values_list("id", "person_id")[:CHUNK])
        if not rows:
            break
        last = rows[-1][0]
        pids = [pid for _, pid in rows]
        names, parts = defaultdict(list), defaultdict(set)
        for pid, part, value in PersonName.objects.filter(person_id__in=pids).values_list("person_id", "part", "value"):
            names[pid].append(value)
            parts[pid].add(part)
        facts = {
            pk: (site, dob)
            for pk, site, dob in Person.objects.filter(pk__in=pids).values_list("pk", "site_id", "date_of_birth")
        }
        updates = []
        for iid, pid in rows:
            site, dob = facts[pid]
            text = search.index_text(names=names[pid], site_id=site, date_of_birth=dob, parts=parts[pid])
            updates.append((iid, text))
        with conn.cursor() as cursor:
            cursor.executemany(
                "UPDATE matching_personsearchindex SET text = %s WHERE id = %s", [(t, i) for i, t in updates]
            )
            if conn.vendor == "sqlite":
                cursor.executemany("DELETE FROM matching_person_fts WHERE rowid = %s", [(i,) for i, _ in updates])
                cursor.executemany("INSERT INTO matching_person_fts (rowid, text) VALUES (%s, %s)", updates)


class Migration(migrations.Migration):
    dependencies = [("matching", "0005_search_tsvector_column")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
