from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from haven.audit.models import AuditEvent
from haven.lib import crypto
from haven.pathways.models import Step, StepScan
from haven.pathways.services import enrolment_create, step_complete, step_scan_attach
from haven.pathways.services.scans import MAX_SCAN_BYTES
from haven.pathways.tests import factories
from haven.pathways.tests.conftest import ARRIVAL

PDF = b"%PDF-1.4\n% synthetic asylum certificate TST-0001\n%%EOF\n"


@pytest.fixture
def intake(perm, personas, frozen):
    """A person whose intake step (no prerequisites) is open."""
    person = factories.person(personas.site_a)
    enrolment_create(actor="test", person=person, arrival_date=ARRIVAL)
    return Step.objects.get(person=person, step_template__code="intake")


def _upload(data: bytes = PDF, name: str = "certificate.pdf", kind: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=kind)


def test_scan_uploaded_when_marking_done_is_stored_encrypted(intake, personas):
    response = personas.client("caseworker").post(
        f"/pathways/steps/{intake.pk}/",
        {"action": "complete", "completed_on": "2025-03-12", "scan": _upload()},
    )
    assert response.status_code == 302
    stored = bytes(StepScan.objects.get(step=intake).data)
    assert stored != PDF and b"TST-0001" not in stored and b"%PDF" not in stored
    assert crypto.decrypt(stored) == PDF
    page = personas.client("caseworker").get(f"/pathways/steps/{intake.pk}/").content.decode()
    assert 'data-testid="scan-download"' in page


def test_caseworker_downloads_the_scan_as_an_audited_attachment(intake, personas):
    step_complete(actor="test", step=intake, completed_on=ARRIVAL, scan=PDF)
    response = personas.client("caseworker").get(f"/pathways/steps/{intake.pk}/scan/")
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="evidence-intake.pdf"'
    assert response["Cache-Control"] == "no-store" and response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(
        action="view", object_type="pathways.stepscan", actor_id=personas.caseworker.pk
    ).exists()


@pytest.mark.parametrize("who", ["caseworker_b", "outsider", "psychologist"])
def test_others_cannot_download_the_scan(intake, personas, who):
    step_complete(actor="test", step=intake, completed_on=ARRIVAL, scan=PDF)
    response = personas.client(who).get(f"/pathways/steps/{intake.pk}/scan/")
    assert response.status_code == 404  # outside their sites or role: reported missing
    assert PDF not in response.content
    assert not AuditEvent.objects.filter(action="view", object_type="pathways.stepscan").exists()


def test_a_step_without_a_scan_has_nothing_to_download(intake, personas):
    step_complete(actor="test", step=intake, completed_on=ARRIVAL)
    assert personas.client("caseworker").get(f"/pathways/steps/{intake.pk}/scan/").status_code == 404


def test_attach_a_scan_to_a_done_step_and_replace_it(intake, personas):
    step_complete(actor="test", step=intake, completed_on=ARRIVAL)
    client = personas.client("caseworker")
    assert client.post(f"/pathways/steps/{intake.pk}/", {"action": "scan", "scan": _upload()}).status_code == 302
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    client.post(f"/pathways/steps/{intake.pk}/", {"action": "scan", "scan": _upload(png, "p.png", "image/png")})
    scan = StepScan.objects.get(step=intake)
    assert scan.content_type == "image/png" and crypto.decrypt(bytes(scan.data)) == png
    refused = personas.client("caseworker_b").post(
        f"/pathways/steps/{intake.pk}/", {"action": "scan", "scan": _upload()}
    )
    assert refused.status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"MZ\x90\x00 not a document", "PDF, JPEG or PNG"),
        (b"", "empty"),
        (b"%PDF-" + b"0" * MAX_SCAN_BYTES, "larger than 5 MB"),
    ],
)
def test_wrong_type_empty_or_too_large_scans_are_refused(intake, data, message):
    step_complete(actor="test", step=intake, completed_on=ARRIVAL)
    with pytest.raises(ValidationError, match=message):
        step_scan_attach(actor="test", step=intake, data=data)
    assert not StepScan.objects.exists()


def test_a_renamed_file_does_not_pass_as_a_pdf(intake, personas):
    response = personas.client("caseworker").post(
        f"/pathways/steps/{intake.pk}/",
        {"action": "complete", "completed_on": "2025-03-12", "scan": _upload(b"<html>hi</html>", "x.pdf")},
    )
    assert response.status_code == 400 and "PDF, JPEG or PNG" in response.content.decode()
    intake.refresh_from_db()
    assert intake.status == "pending" and not StepScan.objects.exists()  # nothing changed


def test_no_scan_before_the_step_is_done(intake):
    with pytest.raises(ValidationError, match="Mark the step done"):
        step_scan_attach(actor="test", step=intake, data=PDF)
