"""PostgreSQL: keep ten times more statistics on the search tokens (``tsv``).

The planner estimates how many rows a tsquery matches from the most common
tokens it has sampled; a token outside that sample gets a guessed share. An
OR of the 17 one-edit variants of a rare name (the typo-tolerant tier) was
guessed at 63,000 rows of a million, so with ``LIMIT 200`` PostgreSQL chose
to read the table in order rather than use the GIN index: 129 ms, against
4 ms through the index once the statistics keep the 10,000 most common
tokens (session 5, ``docs/performance.md``). ANALYZE takes seconds at a
million persons. Nothing changes on SQLite.
"""

from django.db import migrations

STATISTICS = 1000


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE matching_personsearchindex ALTER COLUMN tsv SET STATISTICS {STATISTICS}")
        schema_editor.execute("ANALYZE matching_personsearchindex")


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE matching_personsearchindex ALTER COLUMN tsv SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("matching", "0007_search_edge_tokens")]
    operations = [migrations.RunPython(forward, reverse)]
