"""Navigation built from what each app offers the current user."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items: list[dict[str, Any]] = []
    for config in apps.get_app_configs():
        nav = getattr(config, "nav_items", None)
        if nav is not None:
            items.extend(nav(user))
    return {"nav_items": items}
