from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "haven.matching"
    label = "matching"
    verbose_name = _("Identity matching")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_ensure_merged_status, sender=self, dispatch_uid="matching_merged_status")

    def nav_items(self, user: Any) -> list[dict[str, Any]]:
        from haven.accounts import roles
        from haven.accounts.access import may

        items = []
        if may(user, roles.DUPLICATE_REVIEW):
            items.append({"title": _("Duplicates"), "url": reverse("matching:queue")})
        if may(user, roles.BATCH_DEDUPE):
            items.append({"title": _("Batch deduplication"), "url": reverse("matching:batch")})
        return items

    def home_panels(self, user: Any) -> list[dict[str, Any]]:
        from haven.accounts import roles
        from haven.accounts.access import may
        from haven.matching.selectors import duplicate_pairs_open_count

        if not may(user, roles.DUPLICATE_REVIEW):
            return []
        return [
            {
                "title": _("Possible duplicates awaiting review"),
                "value": duplicate_pairs_open_count(user=user),
                "url": reverse("matching:queue"),
            }
        ]


def _ensure_merged_status(sender: Any, **kwargs: Any) -> None:
    """Re-create the ``merged`` person status when missing (also after a test flush)."""
    import importlib

    from django.apps import apps as global_apps

    forward = importlib.import_module("haven.matching.migrations.0003_merged_person_status").forward
    try:
        forward(kwargs.get("apps") or global_apps, None)
    except LookupError:  # the registry's tables are not migrated (yet)
        return
