from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "haven.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from haven.audit.triggers import MESSAGE, TABLE
        from haven.lib import append_only

        append_only.register(TABLE, MESSAGE)
