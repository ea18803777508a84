"""Re-write every search index entry with the key of each name a word may well read as.

Since 0012 a word was indexed under the key of the listed name it reads as
confidently; now under the key of each listed name it reads as with 0.3 or
more (``haven.matching.search.INDEXED_READING``): Dhair, Daher with two
letters swapped, is found by Daher's key. Same method as migrations 0004 to
0012 (ids kept, so the SQLite FTS5 rowids stay valid);
``manage.py rebuild_search_index`` does the same on demand.
"""

from django.db import migrations

from haven.matching.migrations._index_rewrite import rewrite_search_index


class Migration(migrations.Migration):
    dependencies = [("matching", "0012_search_read_keys")]
    operations = [migrations.RunPython(rewrite_search_index, migrations.RunPython.noop)]
