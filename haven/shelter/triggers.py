"""SQL for the triggers that make presence events append-only.

On SQLite the DELETE trigger stands down while the audit log's own
triggers are lifted: ``manage.py flush`` (the audit app's version, used by
tests and throwaway databases) drops those first, and would otherwise be
stopped here. PostgreSQL flushes with TRUNCATE, which row triggers do not
see.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "shelter_presenceevent"
MESSAGE = "presence events are append-only"

SQLITE_CREATE = [
    f"CREATE TRIGGER IF NOT EXISTS presence_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    f"CREATE TRIGGER IF NOT EXISTS presence_no_delete BEFORE DELETE ON {TABLE} "  # noqa: S608 - constants only
    "WHEN EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_no_delete') "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS presence_no_update;", "DROP TRIGGER IF EXISTS presence_no_delete;"]

POSTGRES_CREATE = [
    f"""
    CREATE OR REPLACE FUNCTION haven_presence_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}';
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"DROP TRIGGER IF EXISTS presence_append_only ON {TABLE};",
    f"CREATE TRIGGER presence_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION haven_presence_append_only();",
]
POSTGRES_DROP = [f"DROP TRIGGER IF EXISTS presence_append_only ON {TABLE};"]


def create_triggers(connection: BaseDatabaseWrapper) -> None:
    statements = {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def drop_triggers(connection: BaseDatabaseWrapper) -> None:
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
