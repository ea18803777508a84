"""Re-write the search index entries of persons whose names hold the soft or hard sign twice in a row.

``Альь-Ахмад`` (the key held down, or л respelt ль in a name that already
had it) is now the article and Ahmad, as ``Аль-Ахмад`` is
(``haven.matching.core.scripts.fold_cyrillic``); entries written before
held a word ``альь``, read as Wael. Russian never writes either sign twice,
so only mistyped names are re-written (a scan of the names, as 0010 and
0014 did); ``manage.py rebuild_search_index`` does all. On PostgreSQL the
table is then vacuumed and analysed, as after 0014.
"""

from django.db import migrations

from haven.matching.migrations._index_rewrite import rewrite_where_a_name, vacuum_index


def rewrite_sign_twice(apps, schema_editor):
    from haven.matching.core.scripts import has_sign_twice

    rewrite_where_a_name(apps, schema_editor, has_sign_twice)


class Migration(migrations.Migration):
    atomic = False  # for the VACUUM; the rewrite is one transaction of its own
    dependencies = [("matching", "0014_search_particles")]
    operations = [
        migrations.RunPython(rewrite_sign_twice, migrations.RunPython.noop, atomic=True),
        migrations.RunPython(vacuum_index, migrations.RunPython.noop),
    ]
