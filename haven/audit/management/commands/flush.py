"""Django's flush, which also empties the append-only audit table.

On SQLite the append-only triggers fire on DELETE, so they are lifted for
the duration of the flush and put back afterwards. PostgreSQL flushes with
TRUNCATE, which row triggers do not see. Flushing erases everything, the
audit log included: it is for tests and throwaway databases only.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections

from haven.audit.triggers import create_triggers, drop_triggers


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            super().handle(**options)
            return
        drop_triggers(connection)
        try:
            super().handle(**options)
        finally:
            create_triggers(connection)
