from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "haven.matching"
    label = "matching"
    verbose_name = _("Identity matching")
