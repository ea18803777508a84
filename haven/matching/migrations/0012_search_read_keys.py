"""Re-write every search index entry with the key of the name each mistyped word reads as.

A word whose typo moved its key two letters or more (حيجر for Haydar: HJR,
not HYDR) is now also indexed under the key of the listed name it is read
as (``haven.matching.core.reading``), so the search's strict and first loose
tiers find it. Same method as migrations 0004 to 0011 (ids kept, so the
SQLite FTS5 rowids stay valid); ``manage.py rebuild_search_index`` does the
same on demand.
"""

from django.db import migrations

from haven.matching.migrations._index_rewrite import rewrite_search_index


class Migration(migrations.Migration):
    dependencies = [("matching", "0011_search_year_keys")]
    operations = [migrations.RunPython(rewrite_search_index, migrations.RunPython.noop)]
