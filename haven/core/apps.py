from __future__ import annotations

import gc

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Cross-cutting commands (the demo data set, translation tools) and process-wide settings."""

    name = "haven.core"
    label = "core"
    verbose_name = _("Haven")

    def ready(self) -> None:
        # The search keeps hundreds of thousands of small objects in its caches (each
        # person's tokenised names, recent index rows); Python's cyclic collector walks
        # them all in every full collection, 200-470 ms on this machine. With the default
        # first threshold (700 allocations) a full collection fell on one keystroke in a
        # hundred at a million persons; with 10,000, on one in seven hundred (session 6,
        # docs/performance.md). HAVEN_GC_GEN0=700 restores Python's default.
        threshold = settings.HAVEN_GC_GEN0
        if threshold and gc.get_threshold()[0] != threshold:
            gc.set_threshold(threshold, *gc.get_threshold()[1:])
