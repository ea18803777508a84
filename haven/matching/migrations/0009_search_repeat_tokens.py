"""Re-write every search index entry with the repeat tokens of its keys (``3<key>``, ``33<key>`` ...).

The strict search tier asks a key typed twice to be borne twice ("Omar Omar
al-Omar", ``haven.matching.search.repeat_token``): entries written before this
migration lack those tokens and would drop out of that tier. Same method as
migrations 0004, 0006 and 0007 (ids kept, so the SQLite FTS5 rowids stay
valid); ``manage.py rebuild_search_index`` does the same on demand.
"""

from django.db import migrations

from haven.matching.migrations._index_rewrite import rewrite_search_index


class Migration(migrations.Migration):
    dependencies = [("matching", "0008_search_tsvector_statistics")]
    operations = [migrations.RunPython(rewrite_search_index, migrations.RunPython.noop)]
