"""Re-write the search index entries of persons whose names hold Abd or Abu typed with a letter twice.

``عببد الغني`` now joins into Abd al-Ghani as ``عبد الغني`` does
(``haven.matching.core.normalize._particle``); entries written before held
``عببد`` and ``الغني`` as two words, and a search for Abdulghani would not find
them. Only those persons are re-written (a scan of the names, no index
change for anyone else); ``manage.py rebuild_search_index`` does all.
"""

from django.db import migrations

from haven.matching.migrations._index_rewrite import rewrite_where_a_name


def rewrite_doubled_particles(apps, schema_editor):
    from haven.matching.core.normalize import has_doubled_particle

    rewrite_where_a_name(apps, schema_editor, has_doubled_particle)


class Migration(migrations.Migration):
    dependencies = [("matching", "0009_search_repeat_tokens")]
    operations = [migrations.RunPython(rewrite_doubled_particles, migrations.RunPython.noop)]
