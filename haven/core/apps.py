from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Cross-cutting commands: the demo data set and translation tools."""

    name = "haven.core"
    label = "core"
    verbose_name = _("Haven")
