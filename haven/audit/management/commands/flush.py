"""Django's flush, which also empties the append-only tables.

On SQLite the append-only triggers fire on DELETE, so every registered
append-only table's triggers (haven.lib.append_only) are lifted for the
duration of the flush and put back afterwards. PostgreSQL flushes with
TRUNCATE, which row triggers do not see. Flushing erases everything, the
audit log included: it is for tests and throwaway databases only.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections

from haven.lib import append_only


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        tables = append_only.registered_tables()
        if connection.vendor != "sqlite":
            super().handle(**options)
            return
        for table in tables:
            append_only.drop_triggers(connection, table)
        try:
            super().handle(**options)
        finally:
            for table, message in tables.items():
                append_only.create_triggers(connection, table, message)
