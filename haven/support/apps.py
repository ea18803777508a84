from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "haven.support"
    label = "support"
    verbose_name = _("Support")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_seed_reference_data, sender=self, dispatch_uid="support_seed_reference_data")

    def nav_items(self, user: Any) -> list[dict[str, Any]]:
        from django.urls import reverse

        from haven.accounts import roles
        from haven.accounts.access import may
        from haven.support.selectors import may_view_disclosures

        items = []
        if may(user, roles.CASE_VIEW):
            items.append({"title": _("Caseload"), "url": reverse("support:caseload")})
        if may(user, roles.REFERRAL_MANAGE):
            items.append({"title": _("Referrals"), "url": reverse("support:referrals")})
        if may_view_disclosures(user):
            items.append({"title": _("Disclosures"), "url": reverse("support:disclosures")})
        return items

    def home_panels(self, user: Any) -> list[dict[str, Any]]:
        from django.urls import reverse

        from haven.support.selectors import home_figures

        figures = home_figures(user=user)
        panels = []
        if figures["open_cases"] is not None:
            panels.append(
                {
                    "title": _("Open cases"),
                    "value": figures["open_cases"],
                    "url": reverse("support:caseload") + "?all=1",
                }
            )
        if figures["sessions_week"] is not None:
            panels.append(
                {
                    "title": _("Sessions this week"),
                    "value": figures["sessions_week"],
                    "url": reverse("support:sessions_week"),
                }
            )
        if figures["referrals_waiting"] is not None:
            panels.append(
                {
                    "title": _("Referrals awaiting answer"),
                    "value": figures["referrals_waiting"],
                    "url": reverse("support:referrals") + "?status=sent",
                }
            )
        return panels

    def person_sections(self, user: Any, person: Any) -> list[dict[str, str]]:
        """The sessions this user may know took place (never a note)."""
        from django.template.loader import render_to_string

        from haven.accounts import roles
        from haven.accounts.access import may
        from haven.support import selectors

        if not may(user, roles.SESSION_VIEW, person):
            return []
        context = {
            "person": person,
            "sessions": selectors.sessions_for_person(user=user, person=person),
            "readable": selectors.readable_compartments(user, site_id=person.site_id),
        }
        return [{"title": str(_("Support sessions")), "html": render_to_string("support/person_section.html", context)}]


def _seed_reference_data(sender: Any, *, using: str = "default", apps: Any = None, **kwargs: Any) -> None:
    """Re-create missing statuses, flags, session types and the questionnaire (e.g. after a flush)."""
    from django.apps import apps as global_apps

    from haven.support.seed.reference import seed_missing

    seed_missing(apps=apps or global_apps, using=using)
