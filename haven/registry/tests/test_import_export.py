from __future__ import annotations

import csv
import io
import os

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from haven.audit.models import AuditEvent
from haven.registry import importer, services
from haven.registry.models import Household, ImportJob, Person
from haven.registry.services_io import import_job_create, neutralise, registry_export
from haven.registry.tests.factories import household, member, person

pytestmark = pytest.mark.django_db

HEADER = [
    "household_ref",
    "given_name",
    "father_name",
    "family_name",
    "date_of_birth",
    "sex",
    "place_of_birth",
    "arrival_date",
    "relationship",
    "given_name_cy",
    "needs",
]


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


GOOD = [
    ["H1", "محمد", "أحمد", "العلي", "1980-05-14", "M", "Latakia", "2025-02-12", "head", "Мухаммед", ""],
    ["H1", "Salma", "Mohammed", "Al-Ali", "2015", "F", "Jableh", "2025-02-12", "child", "", "CR"],
    ["H2", "Фатима", "", "Хасан", "14.03.1990", "ж", "", "2025-04-03", "head", "", "WR;SP"],
]


def run(personas, data: bytes, name: str = "f.csv") -> ImportJob:
    return import_job_create(actor=personas.registrar, site=personas.site_a, data=data, filename=name)


def test_good_csv_imports_everything(personas):
    job = run(personas, csv_bytes(GOOD))
    assert job.status == "done", job.report
    assert (job.created_persons, job.created_households) == (3, 2)
    salma = Person.objects.get(names__value="Salma")
    assert salma.dob_precision == "year" and salma.needs.get().code.code == "CR"
    assert Person.objects.filter(names__value="Мухаммед", names__script="cy").exists()


def test_xlsx_import_and_headers_in_russian(personas):
    wb = Workbook()
    ws = wb.active
    rows = importer.template_rows("ru")
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    job = run(personas, buffer.getvalue(), "template.xlsx")
    assert job.status == "done", job.report
    assert job.created_persons == 2


@pytest.mark.parametrize(
    ("row_change", "column", "words"),
    [
        ({4: "1980-02-30"}, "date_of_birth", "not a valid date"),
        ({4: "yesterday"}, "date_of_birth", "not a valid date"),
        ({4: "2999-01-01"}, "date_of_birth", "future"),
        ({10: "XX-ZZ"}, "needs", "Unknown specific-need code"),
        ({5: "Q"}, "sex", "Unknown sex"),
        ({8: "cousin-ish"}, "relationship", "Unknown relationship"),
        ({9: "Mohammed"}, "given_name_cy", "not written in Cyrillic"),
        ({1: "Moхаммед"}, "given_name", "mixes scripts"),
        ({3: ""}, "family_name", "required"),
    ],
)
def test_bad_rows_are_reported_and_nothing_is_imported(personas, row_change, column, words):
    rows = [list(r) for r in GOOD]
    for index, value in row_change.items():
        rows[0][index] = value
    job = run(personas, csv_bytes(rows))
    assert job.status == "failed"
    assert any(e["row"] == 2 and e["column"] == column and words in e["message"] for e in job.report), job.report
    assert not Person.objects.exists() and not Household.objects.exists()


def test_the_kept_report_names_rows_and_columns_never_a_name(personas):
    # The report stays with the job after the upload is deleted: it points at the cell.
    rows = [list(r) for r in GOOD]
    rows[0][1], rows[0][9] = "Moхаммед", "Mohammed"
    job = run(personas, csv_bytes(rows))
    text = " ".join(e["message"] for e in job.report)
    assert {e["column"] for e in job.report} >= {"given_name", "given_name_cy"}
    assert "Moхаммед" not in text and "Mohammed" not in text


def test_duplicate_rows_in_one_file(personas):
    job = run(personas, csv_bytes([GOOD[0], GOOD[1], GOOD[0]]))
    assert job.status == "failed"
    assert any("repeats row 2" in e["message"] for e in job.report)
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"household_ref,given_name\n", "Missing"),
        (csv_bytes([]), "no rows"),
        (csv_bytes(GOOD).decode().encode("cp1256", errors="replace"), "UTF-8"),
        (b"\x00\x01garbage" * 1000, "not a text CSV"),
    ],
)
def test_unreadable_files(personas, data, words):
    if not data:
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError, match=words):
            run(personas, data)
        return
    job = run(personas, data)
    assert job.status == "failed" and words in job.report[0]["message"], job.report
    assert not Person.objects.exists()


def test_ten_megabyte_garbage_file(personas):
    data = os.urandom(10 * 1024 * 1024)
    job = run(personas, data, "garbage.csv")
    assert job.status == "failed" and not Person.objects.exists()
    job = run(personas, b"PK" + data[:1024], "garbage.xlsx")
    assert job.status == "failed" and "XLSX" in job.report[0]["message"]


def test_huge_household_in_file(personas):
    rows = [
        [
            "H1",
            "محمد",
            "",
            f"العلي{'ا' * (i % 5)}",
            f"{1950 + i}-01-01",
            "M",
            "",
            "2025-02-12",
            "head" if i == 0 else "relative",
            "",
            "",
        ]
        for i in range(45)
    ]
    job = run(personas, csv_bytes(rows))
    assert job.status == "failed"
    assert any("more than 40 members" in e["message"] for e in job.report)


def test_import_denied_to_caseworker_and_other_site(personas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_job_create(actor=personas.caseworker, site=personas.site_a, data=csv_bytes(GOOD), filename="f.csv")
    with pytest.raises(PermissionDenied):
        import_job_create(actor=personas.registrar, site=personas.site_b, data=csv_bytes(GOOD), filename="f.csv")


def test_import_page_upload_and_report(personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = personas.client("registrar")
    assert client.get(reverse("registry:import")).status_code == 200
    upload = SimpleUploadedFile("f.csv", csv_bytes([GOOD[0], GOOD[0]]), content_type="text/csv")
    response = client.post(reverse("registry:import"), {"file": upload}, follow=True)
    assert "repeats row 2" in response.content.decode()
    for lang in ("en", "ru", "ar"):
        template = client.get(reverse("registry:import_template", args=["xlsx"]) + f"?lang={lang}")
        assert template.status_code == 200
    assert personas.client("caseworker").get(reverse("registry:import")).status_code == 403
    job = ImportJob.objects.first()
    assert personas.client("registrar_b").get(reverse("registry:import_status", args=[job.pk])).status_code == 404


def test_import_command(personas, tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(csv_bytes(GOOD))
    out = io.StringIO()
    call_command("import_registry", str(path), site=personas.site_a.code, user="registrar", stdout=out)
    assert "Imported 3 persons in 2 households" in out.getvalue()


def test_neutralise_formulas():
    assert neutralise("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    for text in ("+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text).startswith("'")
    assert neutralise("Mohammed") == "Mohammed"


def test_export_is_audited_scoped_and_neutralised(personas):
    p = person(personas.registrar, personas.site_a, profession="=cmd|' /C calc'!A0")
    services.need_add(actor=personas.caseworker, person=p, code="LP-RP")
    services.need_add(actor=personas.caseworker, person=p, code="WR")
    household(personas.registrar_b, personas.site_b, member())
    body, _ctype = registry_export(actor=personas.manager, file_format="csv")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["profession"].startswith("'=")
    assert rows[0]["needs"] == "WR"  # the manager may not see LP-RP
    assert AuditEvent.objects.filter(action="export").exists()
    xlsx, _ = registry_export(actor=personas.manager, file_format="xlsx")
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet.max_row == 2


def test_export_page_denied_to_registrar(personas):
    assert personas.client("registrar").get(reverse("registry:export")).status_code == 403
    response = personas.client("manager").post(reverse("registry:export"), {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")


def test_restricted_need_in_file_needs_protection_capability(personas):
    rows = [list(GOOD[0])]
    rows[0][10] = "LP-RP"
    job = run(personas, csv_bytes(rows))
    assert job.status == "failed" and "may not record" in job.report[0]["message"]
    assert not Person.objects.exists()


def test_an_unexpected_error_ends_the_import_as_failed_with_nothing_written(personas, monkeypatch, caplog):
    # A bug or a lost database connection must not leave the job "running" for ever, nor its
    # encrypted upload kept, nor a row's names in the log.
    from django.db import IntegrityError

    from haven.registry import services_import

    def broken(**kwargs):
        raise IntegrityError("duplicate key value (value)=(Мухаммед) violates unique constraint")

    monkeypatch.setattr(services_import, "households_import", broken)
    before = Person.objects.count()
    job = run(personas, csv_bytes(GOOD))
    assert job.status == "failed" and job.payload is None
    assert "nothing was imported" in job.report[0]["message"] and str(job.pk) in job.report[0]["message"]
    assert Person.objects.count() == before
    assert "IntegrityError" in caplog.text and "Мухаммед" not in caplog.text
