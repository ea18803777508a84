"""manage.py dedupe (no database), rebuild_search_index, and the batch task over the registry."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from haven.matching.core.dedupe import CSV_HEADER

HEADER = ",".join(CSV_HEADER)


def write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_dedupe_writes_cross_script_pairs_without_a_database(tmp_path, capsys):
    # No django_db mark: any database access would fail this test.
    src = write(
        tmp_path,
        f"{HEADER}\n1,محمد,أحمد,الحسن,1985-03-14,M,\n2,Mohammad,Ahmad,Al-Hasan,1985-03-14,M,\n"
        "3,Ali,Ahmad,Al-Hasan,1987-01-01,M,\n4,Мухаммед,Ахмед,Аль-Хасан,1985-03-14,M,\n",
    )
    out = tmp_path / "pairs.csv"
    call_command("dedupe", str(src), "--output", str(out), "--quiet")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "record_id_a,record_id_b,score"
    pairs = {tuple(line.split(",")[:2]) for line in lines[1:]}
    assert pairs == {("1", "2"), ("1", "4"), ("2", "4")}  # the brother (3) is not a duplicate
    assert "4 records" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id,name\n1,x\n", "expected the header"),
        ("", "the file is empty"),
        (f"{HEADER}\n1,A,B,C,14/03/1985,M,\n", "line 2: date_of_birth '14/03/1985' is not a valid date"),
        (f"{HEADER}\n1,A,B,C,1985-02-30,M,\n", "not a valid date"),
        (f"{HEADER}\n1,A,B,C,,M\n", "line 2: expected 7 fields"),
    ],
)
def test_dedupe_bad_input_says_what_to_fix(tmp_path, text, message):
    src = write(tmp_path, text)
    out = tmp_path / "pairs.csv"
    with pytest.raises(CommandError, match=message):
        call_command("dedupe", str(src), "--output", str(out), "--quiet")
    assert not out.exists()


def test_dedupe_reports_an_error_deep_in_a_long_file(tmp_path):
    rows = [f"{i},Name{i % 97},Father{i % 89},Family{i % 83},1980-01-01,M," for i in range(20_000)]
    rows.append("bad-row,A,B,C,1980-13-01,M,")
    src = write(tmp_path, HEADER + "\n" + "\n".join(rows) + "\n")
    with pytest.raises(CommandError, match="line 20002"):
        call_command("dedupe", str(src), "--output", str(tmp_path / "p.csv"), "--quiet")


def test_dedupe_missing_file_and_same_output(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("dedupe", str(tmp_path / "nope.csv"), "--output", str(tmp_path / "p.csv"))
    src = write(tmp_path, f"{HEADER}\n")
    with pytest.raises(CommandError, match="overwrite the input"):
        call_command("dedupe", str(src), "--output", str(src))


@pytest.mark.django_db
def test_rebuild_search_index_command(personas, capsys):
    from haven.matching.models import PersonSearchIndex
    from haven.matching.tests.helpers import hasan

    hasan(personas.site_a, index=False)
    call_command("rebuild_search_index")
    assert PersonSearchIndex.objects.count() == 1
    assert "Indexed 1 persons" in capsys.readouterr().out


@pytest.mark.django_db
def test_batch_run_fills_the_review_queue(personas, django_capture_on_commit_callbacks, settings):
    settings.HAVEN_REQUIRE_2FA = False  # the administrator role asks for two-factor; not under test here
    from haven.audit.models import AuditAction, AuditEvent
    from haven.matching.models import BatchRun, BatchStatus, DuplicatePair
    from haven.matching.tests.helpers import hasan, make_person

    a = hasan(personas.site_a)
    b = make_person(
        site=personas.site_a,
        names={("given", "cy"): "Мухаммед", ("father", "cy"): "Ахмед", ("family", "cy"): "Аль-Хасан"},
    )
    make_person(
        site=personas.site_a,
        names={("given", "la"): "Ali", ("father", "la"): "Ahmad", ("family", "la"): "Al-Hasan"},
        dob=date(1987, 2, 1),
    )
    hasan(personas.site_b)  # another site: not compared
    client = personas.client("admin")
    assert client.get("/matching/batch/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/matching/batch/")
    run = BatchRun.objects.get()
    assert response.status_code == 302 and response.url == f"/matching/batch/{run.pk}/"
    assert run.status == BatchStatus.DONE and run.records == 3 and run.pairs_new == 1
    pair = DuplicatePair.objects.get()
    assert {pair.person_a_id, pair.person_b_id} == {a.pk, b.pk} and pair.source == "batch"
    progress = client.get(response.url, HTTP_HX_REQUEST="true")
    assert b"batch-progress" in progress.content and b"hx-trigger" not in progress.content  # finished: no more polling
    # Queued in bulk, audited one event per pair as the single service does.
    (event,) = AuditEvent.objects.filter(object_type="matching.duplicatepair")
    assert event.object_id == str(pair.pk) and event.actor == personas.admin and event.action == AuditAction.CREATE
    assert event.values == {
        "person_a": str(pair.person_a_id),
        "person_b": str(pair.person_b_id),
        "score": pair.score,
        "source": "batch",
    }
    # A second run finds the pair again and queues nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/matching/batch/")
    again = BatchRun.objects.exclude(pk=run.pk).get()
    assert again.status == BatchStatus.DONE and again.pairs_found == 1 and again.pairs_new == 0
    assert DuplicatePair.objects.count() == 1


@pytest.mark.django_db
def test_batch_pages_denied(personas):
    assert personas.client("registrar").get("/matching/batch/").status_code == 403
    assert personas.client("outsider").post("/matching/batch/").status_code == 403


def test_a_batch_run_over_no_sites_is_refused_with_a_message(personas):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from haven.matching.models import BatchRun
    from haven.matching.tasks import batch_run_create

    with translation.override("ru"), pytest.raises(ValidationError) as caught:
        batch_run_create(actor=personas.admin, site_ids=[])
    assert caught.value.messages == ["Пока нет центров, чьих людей вам разрешено сравнивать."]
    assert not BatchRun.objects.exists()
