"""Re-write every search index entry with a person's names in the order of a full name.

The quick pre-rank now credits a text whose words hold the typed keys in
the order typed (``haven.matching.search.ORDER_CREDIT``), and reads that
order from the index text, which writes each word's tokens first. Entries
were written with the names in the database's order of their part's name
(family, father, given); now given, father's, grandfather's, family
(``search.names_in_order``). Every entry is rewritten, as 0011-0013 did
(minutes at a million persons); on PostgreSQL the table is then vacuumed
and analysed, as after 0014.
"""

from django.db import migrations

from haven.matching.migrations._index_rewrite import rewrite_search_index, vacuum_index


class Migration(migrations.Migration):
    atomic = False  # for the VACUUM; the rewrite is one transaction of its own
    dependencies = [("matching", "0015_search_sign_twice")]
    operations = [
        migrations.RunPython(rewrite_search_index, migrations.RunPython.noop, atomic=True),
        migrations.RunPython(vacuum_index, migrations.RunPython.noop),
    ]
