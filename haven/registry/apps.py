from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "haven.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_seed_reference_data, sender=self, dispatch_uid="registry_seed_reference_data")

    def nav_items(self, user: Any) -> list[dict[str, Any]]:
        from haven.accounts import access, roles

        items: list[dict[str, Any]] = []
        if access.may(user, roles.PERSON_VIEW):
            items.append({"title": _("Registry"), "url": reverse("registry:list")})
        if access.may(user, roles.PERSON_REGISTER):
            items.append({"title": _("Register"), "url": reverse("registry:register")})
        return items

    def home_panels(self, user: Any) -> list[dict[str, Any]]:
        from haven.accounts import access, roles
        from haven.registry.selectors import registry_figures

        if not access.may(user, roles.PERSON_VIEW):
            return []
        figures = registry_figures(user=user)
        url = reverse("registry:list")
        return [
            {"title": _("Persons registered at your sites"), "value": figures["persons"], "url": url},
            {"title": _("Households"), "value": figures["households"], "url": url},
            {"title": _("Arrivals this week"), "value": figures["arrivals_week"], "url": url},
        ]


def _seed_reference_data(sender: Any, **kwargs: Any) -> None:
    """Re-create missing statuses, document types and need codes (also after a test flush)."""
    import importlib

    from django.apps import apps as global_apps

    seed = importlib.import_module("haven.registry.migrations.0002_seed_reference_data").seed
    try:
        seed(kwargs.get("apps") or global_apps, None)
    except LookupError:  # the registry's tables are not migrated (yet)
        return
