from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShelterConfig(AppConfig):
    name = "haven.shelter"
    label = "shelter"
    verbose_name = _("Reception sites")

    def ready(self) -> None:
        from haven.lib import append_only
        from haven.shelter.triggers import MESSAGE, TABLE

        append_only.register(TABLE, MESSAGE)

    def nav_items(self, user: Any) -> list[dict[str, Any]]:
        from django.urls import reverse

        from haven.accounts import access, roles

        items = []
        if access.may(user, roles.OCCUPANCY_VIEW) or access.may(user, roles.STAY_VIEW):
            items.append({"title": _("Occupancy"), "url": reverse("shelter:index")})
        if access.may(user, roles.PRESENCE_RECORD):
            items.append({"title": _("Roll call"), "url": reverse("shelter:choose", kwargs={"page": "rollcall"})})
        if access.may(user, roles.STAY_VIEW):
            items.append({"title": _("Absent"), "url": reverse("shelter:choose", kwargs={"page": "absent"})})
        return items

    def home_panels(self, user: Any) -> list[dict[str, Any]]:
        from django.urls import reverse

        from haven.accounts import access, roles
        from haven.accounts.models import Site
        from haven.shelter import selectors

        panels: list[dict[str, Any]] = []
        occupancy_sites = access.sites_with(user, roles.OCCUPANCY_VIEW) | access.sites_with(user, roles.STAY_VIEW)
        if occupancy_sites:
            url = reverse("shelter:index")
            panels.append(
                {"title": _("Residents"), "value": selectors.resident_count(site_ids=occupancy_sites), "url": url}
            )
            panels.append(
                {"title": _("Free beds"), "value": selectors.free_bed_count(site_ids=occupancy_sites), "url": url}
            )
        absent_sites = access.sites_with(user, roles.STAY_VIEW)
        if absent_sites:
            absent = sum(selectors.absent_stays(site=site).count() for site in Site.objects.filter(pk__in=absent_sites))
            panels.append(
                {
                    "title": _("Absent"),
                    "value": absent,
                    "url": reverse("shelter:choose", kwargs={"page": "absent"}),
                }
            )
        return panels

    def person_sections(self, user: Any, person: Any) -> list[dict[str, Any]]:
        from django.template.loader import render_to_string

        from haven.accounts import access, roles
        from haven.shelter import selectors

        if not access.may(user, roles.STAY_VIEW, person):
            return []
        # Only stays at sites where the user may see stays: after a transfer,
        # where the person slept at the sending site is that site's business.
        history = selectors.person_stays(person=person).filter(site_id__in=access.sites_with(user, roles.STAY_VIEW))
        html = render_to_string(
            "shelter/person_section.html",
            {"current": selectors.person_current_stay(person=person), "history": list(history[:20])},
        )
        return [{"title": str(_("Accommodation")), "html": html}]
