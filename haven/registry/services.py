"""Changes to households and persons. One transaction each, audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from haven.accounts.models import Site
from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.registry.models import Person


def person_move_site(*, actor: Any, person: Person, site: Site, reason: str = "") -> Person:
    """Hand a person's case to another site (a transfer that has consent).

    Only the site changes here; the caller (shelter's transfer service)
    checks consent and ends the stay.
    """
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        old_site_id = locked.site_id
        locked.site = site
        locked.save(update_fields=["site", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            fields=["site"],
            values={"from_site": str(old_site_id), "to_site": str(site.pk)},
            purpose=reason,
        )
    return locked
