"""Re-write the search index entries of persons whose names hold Abu + name, or Abd or Abu spelt anew.

Two changes to what a particle is (``haven.matching.core.normalize``):

- Abu + name is now indexed also under the key of the name after the
  particle as read (``Абу Муын``, whose own key is ``ABU_MN``, under Abu
  Muin's ``ABU_MYN``, as ``ابو معين`` is), as a single word has been since
  0012 and 0013;
- ``Абдел Азиз``, ``Абдэль Азиз`` and ``Абдоль Кадир`` (each vowel and soft
  sign of the Latin forms), ``Абдюльхамид``, ``Абдюрахман`` and ``Абю
  Хамид`` (Russian writes the u of Abdul and Abu as ю where the name came
  through Turkish, Abdülhamid), and ``Ebu Hamid`` or ``Эбу Хамид`` (Turkish
  for Abu) now form the compounds ``Абдульазиз``, ``Абдульхамид``,
  ``Абдурахман`` and ``Абу Хамид`` do; entries written before held the
  particle apart or under another key.

Only those persons are re-written (a scan of the names, as migration 0010
did); ``manage.py rebuild_search_index`` does all.
"""

from django.db import migrations

from haven.matching.migrations._index_rewrite import rewrite_where_a_name


def rewrite_particles(apps, schema_editor):
    from haven.matching.core.normalize import has_abu_compound, has_respelled_particle

    rewrite_where_a_name(apps, schema_editor, lambda v: has_respelled_particle(v) or has_abu_compound(v))


class Migration(migrations.Migration):
    dependencies = [("matching", "0013_search_likely_read_keys")]
    operations = [migrations.RunPython(rewrite_particles, migrations.RunPython.noop)]
