"""The triggers that make presence events append-only (see haven.lib.append_only)."""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

from haven.lib import append_only

TABLE = "shelter_presenceevent"
MESSAGE = "presence events are append-only"


def create_triggers(connection: BaseDatabaseWrapper) -> None:
    append_only.create_triggers(connection, TABLE, MESSAGE)


def drop_triggers(connection: BaseDatabaseWrapper) -> None:
    append_only.drop_triggers(connection, TABLE)
