"""Database-specific search indexes over PersonSearchIndex.text.

SQLite: an FTS5 virtual table ``matching_person_fts`` whose rowid is the
PersonSearchIndex id, with prefix indexes for search-as-you-type.
PostgreSQL: pg_trgm, a GIN index over ``to_tsvector('simple', text)`` (full
text with ``:*`` prefix queries) and a trigram GIN index over ``text``; the
benchmark (benchmarks/bench_search.py) measures both and the search uses
the faster (see docs/search-and-duplicates.md).
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS matching_person_fts USING fts5("
    "text, tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3 4', detail = none)",
]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS matching_person_fts"]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS matching_psi_tsv_gin ON matching_personsearchindex "
    "USING gin (to_tsvector('simple'::regconfig, text))",
    "CREATE INDEX IF NOT EXISTS matching_psi_trgm_gin ON matching_personsearchindex USING gin (text gin_trgm_ops)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS matching_psi_trgm_gin",
    "DROP INDEX IF EXISTS matching_psi_tsv_gin",
]


def forward(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def reverse(apps, schema_editor):
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_search_index_and_review_queue")]
    operations = [migrations.RunPython(forward, reverse)]
