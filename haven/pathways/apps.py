from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


def load_shipped_templates(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After migrate, load each shipped YAML template that is not in the database yet.

    Reference data by ``post_migrate`` (not a data migration), so that the
    loader, its validation and the audit row are the same code an
    administrator runs with ``manage.py load_pathway``. Existing templates
    are never overwritten: an administrator's edits stay.
    """
    if using != "default":
        return
    from haven.pathways.services import templates_load_shipped

    templates_load_shipped(actor="system: post_migrate")


class PathwaysConfig(AppConfig):
    name = "haven.pathways"
    label = "pathways"
    verbose_name = _("Integration pathways")

    def ready(self) -> None:
        post_migrate.connect(load_shipped_templates, sender=self, dispatch_uid="pathways_load_shipped")

    def nav_items(self, user: Any) -> list[dict[str, Any]]:
        from django.urls import reverse

        from haven.accounts import access
        from haven.accounts.roles import STEP_VIEW, TEMPLATE_MANAGE
        from haven.pathways import selectors

        items = []
        if access.may(user, STEP_VIEW):
            items += [
                {"title": _("Worklist"), "url": reverse("pathways:worklist")},
                {"title": _("Calendar"), "url": reverse("pathways:calendar")},
                {"title": _("Progress"), "url": reverse("pathways:progress")},
            ]
            unread = selectors.unread_count(user=user)
            if unread:
                items.append(
                    {
                        "title": ngettext("%(count)d new notification", "%(count)d new notifications", unread)
                        % {"count": unread},
                        "url": reverse("pathways:notifications"),
                        "count": unread,
                    }
                )
        if access.may(user, TEMPLATE_MANAGE):
            items.append({"title": _("Templates"), "url": reverse("pathways:templates")})
        return items

    def home_panels(self, user: Any) -> list[dict[str, Any]]:
        from django.urls import reverse

        from haven.accounts import access
        from haven.accounts.roles import STEP_VIEW
        from haven.pathways import selectors

        if not access.may(user, STEP_VIEW):
            return []
        counts = selectors.worklist_counts(user=user)
        worklist = reverse("pathways:worklist")
        return [
            {"title": _("Overdue steps"), "value": counts["overdue"], "url": f"{worklist}?due=overdue"},
            {"title": _("Steps due this week"), "value": counts["week"], "url": f"{worklist}?due=week"},
            {
                "title": _("Appointments today"),
                "value": selectors.appointments_today_count(user=user),
                "url": reverse("pathways:calendar"),
            },
            {
                "title": _("Unread notifications"),
                "value": selectors.unread_count(user=user),
                "url": reverse("pathways:notifications"),
            },
        ]

    def person_sections(self, user: Any, person: Any) -> list[dict[str, str]]:
        from django.template.loader import render_to_string
        from django.utils import timezone

        from haven.accounts import access
        from haven.accounts.roles import STEP_VIEW
        from haven.pathways import selectors

        if not access.may(user, STEP_VIEW, person):
            return []
        html = render_to_string(
            "pathways/_timeline.html",
            {"enrolment": selectors.person_enrolment(person=person), "today": timezone.localdate()},
        )
        return [{"title": str(_("Integration pathway")), "html": html}]
