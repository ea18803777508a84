"""The default roles and the capabilities each grants.

This is the seed: ``post_migrate`` creates any missing role and adds any
missing default capability, but never removes what an administrator added.
A capability is ``<app>.<thing>.<verb>``; compartments of confidential
notes are capabilities too (``support.note.psychological.read``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Capabilities that may be held at a site (object scope) -------------------
PERSON_VIEW = "registry.person.view"
PERSON_REGISTER = "registry.person.register"
PERSON_EDIT = "registry.person.edit"
PERSON_EXPORT = "registry.person.export"
PERSON_IMPORT = "registry.person.import"
NEEDS_VIEW = "registry.needs.view"
NEEDS_PROTECTION_VIEW = "registry.needs.protection.view"
NEEDS_EDIT = "registry.needs.edit"
DOCUMENT_VIEW = "registry.document.view"
DOCUMENT_EDIT = "registry.document.edit"
CONSENT_EDIT = "registry.consent.edit"
CARD_ISSUE = "registry.card.issue"
STATISTICS_VIEW = "registry.statistics.view"
DUPLICATE_REVIEW = "matching.duplicate.review"
DUPLICATE_MERGE = "matching.duplicate.merge"
BATCH_DEDUPE = "matching.batch.run"
STAY_VIEW = "shelter.stay.view"
STAY_MANAGE = "shelter.stay.manage"
PRESENCE_RECORD = "shelter.presence.record"
SITE_MANAGE = "shelter.site.manage"
OCCUPANCY_VIEW = "shelter.occupancy.view"
STEP_VIEW = "pathways.step.view"
STEP_UPDATE = "pathways.step.update"
APPOINTMENT_MANAGE = "pathways.appointment.manage"
TEMPLATE_MANAGE = "pathways.template.manage"
CASE_VIEW = "support.case.view"
CASE_MANAGE = "support.case.manage"
SESSION_VIEW = "support.session.view"
REFERRAL_MANAGE = "support.referral.manage"
MEDICAL_RECORD = "support.medical.record"
QUALIFICATION_VIEW = "credentials.qualification.view"
QUALIFICATION_MANAGE = "credentials.qualification.manage"
OVERSIGHT_STATISTICS = "oversight.statistics.view"
OVERSIGHT_VISIT = "oversight.visit.manage"
COMPLAINT_MANAGE = "oversight.complaint.manage"
USER_MANAGE = "accounts.user.manage"
AUDIT_VIEW = "audit.log.view"

COMPARTMENTS = ("social", "legal", "psychological", "medical")


def note_read(compartment: str) -> str:
    return f"support.note.{compartment}.read"


def note_write(compartment: str) -> str:
    return f"support.note.{compartment}.write"


def _notes(compartment: str) -> list[str]:
    return [note_read(compartment), note_write(compartment)]


@dataclass(frozen=True)
class RoleSpec:
    code: str
    name: Promise
    capabilities: tuple[str, ...]
    requires_two_factor: bool = False


DEFAULT_ROLES: tuple[RoleSpec, ...] = (
    RoleSpec(
        "registrar",
        _("Registration officer"),
        (
            PERSON_VIEW,
            PERSON_REGISTER,
            PERSON_EDIT,
            PERSON_IMPORT,
            NEEDS_VIEW,
            NEEDS_EDIT,
            DOCUMENT_VIEW,
            DOCUMENT_EDIT,
            CONSENT_EDIT,
            CARD_ISSUE,
            DUPLICATE_REVIEW,
            STAY_VIEW,
            STEP_VIEW,
        ),
    ),
    RoleSpec(
        "manager",
        _("Centre manager"),
        (
            PERSON_VIEW,
            PERSON_EXPORT,
            NEEDS_VIEW,
            STATISTICS_VIEW,
            STAY_VIEW,
            STAY_MANAGE,
            PRESENCE_RECORD,
            SITE_MANAGE,
            OCCUPANCY_VIEW,
            STEP_VIEW,
            DUPLICATE_REVIEW,
            DUPLICATE_MERGE,
            CARD_ISSUE,
        ),
    ),
    RoleSpec(
        "caseworker",
        _("Caseworker"),
        (
            PERSON_VIEW,
            PERSON_EDIT,
            NEEDS_VIEW,
            NEEDS_PROTECTION_VIEW,
            NEEDS_EDIT,
            DOCUMENT_VIEW,
            CONSENT_EDIT,
            STEP_VIEW,
            STEP_UPDATE,
            APPOINTMENT_MANAGE,
            CASE_VIEW,
            CASE_MANAGE,
            SESSION_VIEW,
            REFERRAL_MANAGE,
            STAY_VIEW,
            PRESENCE_RECORD,
            QUALIFICATION_VIEW,
            *_notes("social"),
        ),
    ),
    RoleSpec(
        "lawyer",
        _("Legal adviser"),
        (
            PERSON_VIEW,
            NEEDS_VIEW,
            NEEDS_PROTECTION_VIEW,
            DOCUMENT_VIEW,
            DOCUMENT_EDIT,
            STEP_VIEW,
            STEP_UPDATE,
            APPOINTMENT_MANAGE,
            CASE_VIEW,
            SESSION_VIEW,
            REFERRAL_MANAGE,
            *_notes("legal"),
        ),
    ),
    RoleSpec(
        "doctor",
        _("Medical staff"),
        (
            PERSON_VIEW,
            NEEDS_VIEW,
            STEP_VIEW,
            STEP_UPDATE,
            APPOINTMENT_MANAGE,
            SESSION_VIEW,
            MEDICAL_RECORD,
            *_notes("medical"),
        ),
    ),
    RoleSpec(
        "psychologist",
        _("Psychologist"),
        (
            PERSON_VIEW,
            NEEDS_VIEW,
            NEEDS_PROTECTION_VIEW,
            CASE_VIEW,
            SESSION_VIEW,
            REFERRAL_MANAGE,
            *_notes("psychological"),
        ),
    ),
    RoleSpec(
        "credentials",
        _("Credentials officer"),
        (
            PERSON_VIEW,
            DOCUMENT_VIEW,
            STEP_VIEW,
            STEP_UPDATE,
            APPOINTMENT_MANAGE,
            QUALIFICATION_VIEW,
            QUALIFICATION_MANAGE,
        ),
    ),
    RoleSpec(
        "ombudsman",
        _("Ombudsman's office"),
        (
            PERSON_VIEW,
            STATISTICS_VIEW,
            OVERSIGHT_STATISTICS,
            OVERSIGHT_VISIT,
            COMPLAINT_MANAGE,
            SESSION_VIEW,
            STAY_VIEW,
        ),
        requires_two_factor=True,
    ),
    RoleSpec(
        "admin",
        _("Administrator"),
        (USER_MANAGE, AUDIT_VIEW, TEMPLATE_MANAGE, SITE_MANAGE, BATCH_DEDUPE, STATISTICS_VIEW, OCCUPANCY_VIEW),
        requires_two_factor=True,
    ),
)
