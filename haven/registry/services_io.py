"""Import jobs and exports: the writes behind the import and export pages."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts import access, roles
from haven.accounts.models import Site
from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.lib import crypto
from haven.matching.models import MERGED_STATUS
from haven.registry import importer, selectors, services_import
from haven.registry.models import ImportJob, ImportStatus, Person, PersonNeed

logger = logging.getLogger(__name__)

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def import_job_create(*, actor: Any, site: Site, data: bytes, filename: str) -> ImportJob:
    """Store an upload (encrypted) and queue its import."""
    access.require(actor, roles.PERSON_IMPORT, site=site, purpose="import")
    if not data:
        raise ValidationError(_("The file is empty."))
    if len(data) > importer.MAX_IMPORT_BYTES:
        raise ValidationError(_("The file is larger than 20 MB; split it into smaller files."))
    with transaction.atomic():
        job = ImportJob.objects.create(
            site=site,
            created_by=actor,
            file_format=importer.detect_format(filename, data),
            payload=crypto.encrypt(data),
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=job,
            fields=["file"],
            values={"format": job.file_format, "bytes": len(data)},
            purpose="import",
        )
    from haven.registry.tasks import run_import

    run_import.enqueue(job_id=str(job.pk))
    job.refresh_from_db()
    return job


def _progress(job: ImportJob) -> Any:
    def update(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)

    return update


def import_job_run(*, job_id: Any) -> ImportJob:
    """Check every row, then write all of it in one transaction, or nothing.

    An unexpected error (a bug, the database gone) ends the job as failed,
    with nothing written and the upload deleted, instead of leaving it
    "running" for ever; the log names the error's type only, since its
    message may quote a row.
    """
    job = ImportJob.objects.select_related("site", "created_by").get(pk=job_id)
    if job.status not in (ImportStatus.PENDING,):
        return job
    try:
        return _import_job_run(job)
    except Exception as exc:  # noqa: BLE001 - any failure must end the job, not leave it running
        logger.error("import job %s failed: %s", job.pk, type(exc).__name__)
        job.refresh_from_db()
        message = _(
            "The import stopped on an unexpected error and nothing was imported. Try again; "
            "if it fails again, tell your administrator the job number %(job)s."
        ) % {"job": job.pk}
        return _finish(job, ImportStatus.FAILED, [{"row": 0, "column": "", "message": message}])


def _import_job_run(job: ImportJob) -> ImportJob:
    actor = job.created_by
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    if not access.may(actor, roles.PERSON_IMPORT, site=job.site):
        return _finish(
            job, ImportStatus.FAILED, [{"row": 0, "column": "", "message": _("You may no longer import at this site.")}]
        )
    try:
        data = crypto.decrypt(bytes(job.payload or b""))
        result = importer.parse(
            data,
            job.file_format,
            progress=_progress(job),
            allow_restricted=access.may(actor, roles.NEEDS_PROTECTION_VIEW, site=job.site),
        )
    except importer.ImportFileError as exc:
        return _finish(job, ImportStatus.FAILED, [{"row": 0, "column": "", "message": str(exc)}])
    job.total_rows = result.total_rows
    if result.errors:
        return _finish(job, ImportStatus.FAILED, [e.as_dict() for e in result.errors])
    try:
        with transaction.atomic():
            households, persons = services_import.households_import(
                actor=actor, site=job.site, households=result.households, purpose="import"
            )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=job,
                fields=["persons", "households"],
                values={"persons": persons, "households": households},
                purpose="import",
            )
    except services_import.RowFailed as exc:
        return _finish(
            job,
            ImportStatus.FAILED,
            [
                {
                    "row": 0,
                    "column": "",
                    "message": _("Household starting at row %(row)d: %(message)s")
                    % {"row": exc.row, "message": exc.message},
                }
            ],
        )
    job.created_persons = persons
    job.created_households = households
    return _finish(job, ImportStatus.DONE, [])


def _finish(job: ImportJob, status: str, report: list[dict[str, Any]]) -> ImportJob:
    job.status = status
    job.report = report
    job.finished_at = timezone.now()
    job.payload = None  # the upload is not kept once imported or rejected
    job.processed_rows = job.total_rows
    job.save()
    return job


# --- Export ------------------------------------------------------------------


def neutralise(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def export_columns(*, user: Any) -> list[str]:
    cols = ["registration_number", "household_ref", "relationship"]
    for col in importer.PARTS.values():
        cols += [f"{col}_{s}" for s in importer.SCRIPT_SUFFIX]
    cols += [
        "sex",
        "date_of_birth",
        "dob_precision",
        "place_of_birth",
        "nationalities",
        "languages",
        "phone",
        "phone_owner",
        "profession",
        "status",
        "arrival_date",
        "origin_governorate",
        "origin_district",
    ]
    if access.may(user, roles.NEEDS_VIEW):
        cols.append("needs")
    return cols


def _export_rows(*, user: Any, persons: Iterable[Person], columns: list[str]) -> Iterable[list[str]]:
    protected = {s for s in access.sites_with(user, roles.NEEDS_PROTECTION_VIEW)}
    need_sites = access.sites_with(user, roles.NEEDS_VIEW)
    for p in persons:
        names = {(n.part, n.script): n.value for n in p.names.all()}
        hh = p.household
        values: dict[str, Any] = {
            "registration_number": p.registration_number,
            "household_ref": hh.registration_number if hh else "",
            "relationship": p.relationship,
            "sex": p.sex,
            "date_of_birth": p.date_of_birth.isoformat() if p.date_of_birth else "",
            "dob_precision": p.dob_precision,
            "place_of_birth": p.place_of_birth,
            "nationalities": ",".join(p.nationalities or []),
            "languages": ",".join(lang.language for lang in p.languages.all()),
            "phone": p.phone,
            "phone_owner": p.phone_owner,
            "profession": p.profession,
            "status": p.status_id,
            "arrival_date": hh.arrival_date.isoformat() if hh else "",
            "origin_governorate": hh.origin_governorate if hh else "",
            "origin_district": hh.origin_district if hh else "",
        }
        for part, col in importer.PARTS.items():
            for s in importer.SCRIPT_SUFFIX:
                values[f"{col}_{s}"] = names.get((part, s), "")
        if "needs" in columns:
            needs: list[PersonNeed] = list(p.needs.all()) if p.site_id in need_sites else []
            values["needs"] = ",".join(
                n.code.code
                for n in needs
                if n.resolved_on is None and (not n.code.restricted or p.site_id in protected)
            )
        yield [neutralise(values.get(c, "")) for c in columns]


def registry_export(*, actor: Any, file_format: str = "csv") -> tuple[bytes, str]:
    """Everything the user may export, as (file bytes, content type). Audited."""
    access.require(actor, roles.PERSON_EXPORT, purpose="export")
    persons = (
        access.scope(actor, Person.objects.exclude(status_id=MERGED_STATUS), roles.PERSON_EXPORT)  # type: ignore[misc]
        .select_related("household")
        .prefetch_related("names", "languages", "needs__code")
        .order_by("registration_number")
    )
    columns = export_columns(user=actor)
    rows = list(_export_rows(user=actor, persons=persons, columns=columns))
    if file_format == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("registry")
        ws.append(columns)
        for row in rows:
            ws.append(row)
        buffer = io.BytesIO()
        wb.save(buffer)
        body, content_type = buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(columns)
        writer.writerows(rows)
        body, content_type = text.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8"
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="registry.person",
        fields=columns,
        values={"rows": len(rows), "format": file_format},
        purpose="export",
    )
    return body, content_type


__all__ = ["import_job_create", "import_job_run", "neutralise", "registry_export", "selectors"]
