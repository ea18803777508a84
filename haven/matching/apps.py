from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "haven.matching"
    label = "matching"
    verbose_name = _("Identity matching")

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
