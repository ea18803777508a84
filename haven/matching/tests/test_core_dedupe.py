"""Batch dedupe: a CSV round trip, and a clear message for every bad input."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from haven.matching.core import CSV_HEADER, DedupeInputError, dedupe_csv, dedupe_records

HEADER = ",".join(CSV_HEADER)
ROWS = [
    "p1,محمد,علي,الحسن,1984-05-03,M,اللاذقية",
    "p2,Mohammad,Ali,Al-Hasan,1984-03-05,M,Latakia",
    "p3,Мухаммед,Али,Аль-Хасан,1984-05-03,M,",
    "p4,Ahmad,Ali,Al-Hasan,1984-05-03,M,",  # twin brother
    "p5,فاطمة,علي,الحسن,1988-07-12,F,",  # sister
    "p6,Fatima,Ali,Al-Hassan,1988-07-12,F,",  # her duplicate
    "p7,,,,,,",  # nothing known: never matched
]


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "in.csv"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    seen: list[str] = []
    report = dedupe_csv(write(tmp_path, "\n".join([HEADER, *ROWS]) + "\n"), out, progress=lambda s, f: seen.append(s))
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["record_id_a", "record_id_b", "score"]
    pairs = {(a, b) for a, b, _ in rows[1:]}
    assert pairs == {("p1", "p2"), ("p1", "p3"), ("p2", "p3"), ("p5", "p6")}
    assert all(0.9 <= float(s) <= 1 for *_, s in rows[1:])
    assert report.records == 7 and report.pairs_written == 4
    assert "done" in seen


def test_header_only_gives_no_pairs(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    assert dedupe_csv(write(tmp_path, HEADER + "\n"), out).pairs_written == 0


def test_dedupe_records_in_memory() -> None:
    from haven.matching.core import PersonRecord

    recs = [
        PersonRecord("x", given_name="Youssef", father_name="Ibrahim", family_name="Shehadeh"),
        PersonRecord("y", given_name="يوسف", father_name="إبراهيم", family_name="شحادة"),
    ]
    assert [(a, b) for a, b, _ in dedupe_records(recs)] == [("x", "y")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("id,given,father,family,dob,sex,place\n", "line 1: expected the header"),
        (HEADER + "\np1,Ali,,,1984-13-01,M,\n", "line 2: date_of_birth '1984-13-01' is not a valid date"),
        (HEADER + "\np1,Ali,,,03/05/1984,M,\n", "line 2: date_of_birth '03/05/1984'"),
        (HEADER + "\np1,Ali,,,,M,\np2,Omar,,,,M,\np1,Hasan,,,,M,\n", "line 4: record_id 'p1' already used on line 2"),
        (HEADER + "\np1,Ali,,,,M\n", "line 2: expected 7 fields, got 6"),
        (HEADER + "\n,Ali,,,,M,\n", "line 2: record_id is empty"),
    ],
)
def test_bad_input_is_reported_with_line_and_problem(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(DedupeInputError, match=message.replace("(", r"\(")):
        dedupe_csv(write(tmp_path, content), tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_non_utf8_input_is_reported(tmp_path: Path) -> None:
    content = (HEADER + "\np1,Ali,,,,M,\np2,").encode() + "Мухаммед".encode("cp1251") + b",,,,M,\n"
    with pytest.raises(DedupeInputError, match="line 3: the file is not UTF-8"):
        dedupe_csv(write(tmp_path, content), tmp_path / "out.csv")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DedupeInputError, match="no such file"):
        dedupe_csv(tmp_path / "nope.csv", tmp_path / "out.csv")
