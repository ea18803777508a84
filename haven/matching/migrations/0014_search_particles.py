"""Re-write the search index entries of persons whose names hold Abu + name, Abd or Abu spelt anew, or a
listed name written in two words.

Three changes (``haven.matching.core.normalize``):

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
  particle apart or under another key;
- a name the data files list as one word written in two (``خير بك``,
  ``Kheir Bek``) is now indexed also under the key of the one word
  (Kheirbek, ``joined_token``).

Only those persons are re-written (a scan of the names, as migration 0010
did); ``manage.py rebuild_search_index`` does all.

On PostgreSQL the table is then vacuumed and analysed, outside the
rewrite's transaction (VACUUM cannot run in one): 7% of the rows rewritten
is under autovacuum's 20%, and until a vacuum their dead versions slowed
the keystroke p95 at a million persons from 103 to 111 ms (session 15).
"""

from django.db import migrations

from haven.matching.migrations._index_rewrite import rewrite_where_a_name, vacuum_index


def rewrite_particles(apps, schema_editor):
    from haven.matching.core.normalize import has_abu_compound, has_respelled_particle, joined_token

    rewrite_where_a_name(
        apps,
        schema_editor,
        lambda v: has_respelled_particle(v) or has_abu_compound(v) or joined_token(v) is not None,
    )


class Migration(migrations.Migration):
    atomic = False  # for the VACUUM; the rewrite is one transaction of its own
    dependencies = [("matching", "0013_search_likely_read_keys")]
    operations = [
        migrations.RunPython(rewrite_particles, migrations.RunPython.noop, atomic=True),
        migrations.RunPython(vacuum_index, migrations.RunPython.noop),
    ]
