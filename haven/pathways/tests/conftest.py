from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine

from haven.pathways.models import PathwayTemplate
from haven.pathways.services import templates_load_shipped

ARRIVAL = datetime.date(2025, 3, 3)  # a Monday


@pytest.fixture
def frozen() -> Any:
    """Wednesday 12 March 2025, 10:00 in Perm."""
    with time_machine.travel(datetime.datetime(2025, 3, 12, 5, 0, tzinfo=datetime.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def perm(db: Any) -> PathwayTemplate:
    templates_load_shipped()
    return PathwayTemplate.objects.get(code="ru-perm", active=True)


@pytest.fixture
def germany(db: Any) -> PathwayTemplate:
    templates_load_shipped()
    return PathwayTemplate.objects.get(code="de-arrival", active=True)


@pytest.fixture
def outbox(settings: Any) -> list[Any]:
    """Messages sent, kept in memory instead of going out."""
    from haven.pathways import notify

    settings.HAVEN_NOTIFY_BACKEND = "haven.pathways.notify.MemoryBackend"
    notify.MemoryBackend.outbox.clear()
    return notify.MemoryBackend.outbox
