"""Re-write every search index entry so it marks the name parts a person lacks.

The first relaxed search tier looks for "this word within one edit, or no
such part recorded" (``haven.matching.search.or_missing_part``): entries
written before this migration lack the ``1f``/``1g``/``1s`` tokens. Same
method as migration 0004 (ids kept, so the SQLite FTS5 rowids stay valid).
"""

from django.db import migrations

from haven.matching.migrations._index_rewrite import rewrite_search_index


class Migration(migrations.Migration):
    dependencies = [("matching", "0005_search_tsvector_column")]
    operations = [migrations.RunPython(rewrite_search_index, migrations.RunPython.noop)]
