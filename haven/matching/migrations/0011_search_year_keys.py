"""Re-write every search index entry with each key joined to the year of birth (``5mhmd1985``).

A year typed after the names is looked up with a word's key
(``haven.matching.search.with_year``): entries written before this migration
lack those tokens and would drop out of every search with a year, and out of
the duplicate check's candidates with a date of birth. Same method as
migrations 0004, 0006, 0007 and 0009 (ids kept, so the SQLite FTS5 rowids stay
valid); ``manage.py rebuild_search_index`` does the same on demand.
"""

from django.db import migrations

from haven.matching.migrations._index_rewrite import rewrite_search_index


class Migration(migrations.Migration):
    dependencies = [("matching", "0010_search_doubled_particles")]
    operations = [migrations.RunPython(rewrite_search_index, migrations.RunPython.noop)]
