"""Re-write every search index entry so it carries the keys' deletion variants.

The typo-tolerant search tier (``haven.matching.search.fuzzy_group``) looks
for ``0<variant>`` tokens: each key with one letter removed. Entries written
before this migration lack them; this recomputes every entry's text with the
current ``index_text`` (the same as ``manage.py rebuild_search_index``, but
keeping the ids, so the SQLite FTS5 rowids stay valid).
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
        names = defaultdict(list)
        for pid, value in PersonName.objects.filter(person_id__in=pids).values_list("person_id", "value"):
            names[pid].append(value)
        facts = dict(
            (pk, (site, dob))
            for pk, site, dob in Person.objects.filter(pk__in=pids).values_list("pk", "site_id", "date_of_birth")
        )
        updates = []
        for iid, pid in rows:
            site, dob = facts[pid]
            updates.append((iid, search.index_text(names=names[pid], site_id=site, date_of_birth=dob)))
        with conn.cursor() as cursor:
            cursor.executemany(
                "UPDATE matching_personsearchindex SET text = %s WHERE id = %s", [(t, i) for i, t in updates]
            )
            if conn.vendor == "sqlite":
                cursor.executemany("DELETE FROM matching_person_fts WHERE rowid = %s", [(i,) for i, _ in updates])
                cursor.executemany("INSERT INTO matching_person_fts (rowid, text) VALUES (%s, %s)", updates)


class Migration(migrations.Migration):
    dependencies = [("matching", "0003_merged_person_status")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
