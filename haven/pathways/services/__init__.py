"""Changes to pathways. One transaction each, audited.

Split by subject; import from here: ``haven.pathways.services.step_complete_by_code``.
"""

from __future__ import annotations

from haven.pathways.services.appointments import (
    appointment_book,
    appointment_mark_missed,
    appointment_rebook,
    appointment_reminders_send,
)
from haven.pathways.services.scans import step_scan_attach, step_scan_read
from haven.pathways.services.steps import (
    enrolment_create,
    enrolment_migrate,
    household_enrol,
    step_complete,
    step_complete_by_code,
    step_set_status,
    steps_complete_bulk,
)
from haven.pathways.services.templates import (
    site_template_assign,
    template_load,
    template_load_file,
    template_set_active,
    templates_load_shipped,
)

__all__ = [
    "appointment_book",
    "appointment_mark_missed",
    "appointment_rebook",
    "appointment_reminders_send",
    "enrolment_create",
    "enrolment_migrate",
    "household_enrol",
    "site_template_assign",
    "step_complete",
    "step_complete_by_code",
    "step_scan_attach",
    "step_scan_read",
    "step_set_status",
    "steps_complete_bulk",
    "template_load",
    "template_load_file",
    "template_set_active",
    "templates_load_shipped",
]
