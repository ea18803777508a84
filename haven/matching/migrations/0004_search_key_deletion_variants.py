"""Re-write every search index entry so it carries the keys' deletion variants.

The typo-tolerant search tier (``haven.matching.search.fuzzy_group``) looks
for ``0<variant>`` tokens: each key with one letter removed. Entries written
before this migration lack them; this recomputes every entry's text with the
current ``index_text`` (the same as ``manage.py rebuild_search_index``, but
keeping the ids, so the SQLite FTS5 rowids stay valid).
"""

from django.db import migrations

from haven.matching.migrations._index_rewrite import rewrite_search_index


class Migration(migrations.Migration):
    dependencies = [("matching", "0003_merged_person_status")]
    operations = [migrations.RunPython(rewrite_search_index, migrations.RunPython.noop)]
