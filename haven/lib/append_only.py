"""Database triggers that make a table append-only, on SQLite and PostgreSQL.

The audit log and presence events are written once and never changed:
UPDATE and DELETE are refused by the database itself, whatever the code
path. Tables register here (from their app's ``ready()``) so that the one
legitimate way to empty them, ``manage.py flush`` on a test or throwaway
database, can lift the triggers and put them back.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

_REGISTERED: dict[str, str] = {}

_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION haven_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def register(table: str, message: str) -> None:
    """Declare ``table`` append-only; ``message`` is what a refused write says."""
    _REGISTERED[table] = message


def registered_tables() -> dict[str, str]:
    return dict(_REGISTERED)


def _sqlite_create(table: str, message: str) -> list[str]:
    quoted = message.replace("'", "''")
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{quoted}'); END;",
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{quoted}'); END;",
    ]


def create_triggers(connection: BaseDatabaseWrapper, table: str, message: str) -> None:
    if connection.vendor == "sqlite":
        statements = _sqlite_create(table, message)
    elif connection.vendor == "postgresql":
        statements = [
            _POSTGRES_FUNCTION,
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION haven_append_only();",
        ]
    else:
        statements = []
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def drop_triggers(connection: BaseDatabaseWrapper, table: str) -> None:
    if connection.vendor == "sqlite":
        statements = [f"DROP TRIGGER IF EXISTS {table}_no_update;", f"DROP TRIGGER IF EXISTS {table}_no_delete;"]
    elif connection.vendor == "postgresql":
        statements = [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};"]
    else:
        statements = []
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
