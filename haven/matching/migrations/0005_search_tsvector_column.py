"""PostgreSQL: keep the search tokens as a stored tsvector column.

With only an expression index over ``to_tsvector('simple', text)``, every
matched row had its text parsed again at query time (the bitmap heap scan's
recheck, and once more for ``ts_rank``): about 0.1 ms a row, so a ranked
tier over a few thousand candidates took a hundred milliseconds. A generated
column ``tsv`` is parsed once, on write; the GIN index moves onto it. The
Django model does not declare the column: PostgreSQL fills it on every
INSERT and UPDATE of ``text``. Nothing changes on SQLite (FTS5).
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "ALTER TABLE matching_personsearchindex ADD COLUMN IF NOT EXISTS tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, text)) STORED",
    "CREATE INDEX IF NOT EXISTS matching_psi_tsv_col_gin ON matching_personsearchindex USING gin (tsv)",
    "DROP INDEX IF EXISTS matching_psi_tsv_gin",
]
POSTGRES_REVERSE = [
    "CREATE INDEX IF NOT EXISTS matching_psi_tsv_gin ON matching_personsearchindex "
    "USING gin (to_tsvector('simple'::regconfig, text))",
    "DROP INDEX IF EXISTS matching_psi_tsv_col_gin",
    "ALTER TABLE matching_personsearchindex DROP COLUMN IF EXISTS tsv",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_FORWARD:
            schema_editor.execute(sql)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_REVERSE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("matching", "0004_search_key_deletion_variants")]
    operations = [migrations.RunPython(forward, reverse)]
