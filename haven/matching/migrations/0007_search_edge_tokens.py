"""Re-write every search index entry with the edge tokens of its names (``2<prefix>``).

The word being typed is now looked up as one exact edge token up to six
letters (``haven.matching.search.edge_tokens``) instead of a prefix query:
entries written before this migration lack them and would not be found while
a name is typed. Same method as migrations 0004 and 0006 (ids kept, so the
SQLite FTS5 rowids stay valid); ``manage.py rebuild_search_index`` does the
same on demand.
"""

from django.db import migrations

from haven.matching.migrations._index_rewrite import rewrite_search_index


class Migration(migrations.Migration):
    dependencies = [("matching", "0006_search_missing_part_tokens")]
    operations = [migrations.RunPython(rewrite_search_index, migrations.RunPython.noop)]
