from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShelterConfig(AppConfig):
    name = "haven.shelter"
    label = "shelter"
    verbose_name = _("Reception sites")
