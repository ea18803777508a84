"""manage.py dedupe_splink (Splink on DuckDB, no database) and the messages of both batch commands.

No test here touches the database: like ``manage.py dedupe``, the Splink
command must run on a machine that has only the CSV file.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from benchmarks.synthetic import Generator, true_pairs, write_csv
from haven.matching.core.dedupe import CSV_HEADER
from haven.matching.management.commands.dedupe import language_from_environment
from haven.matching.splink_engine import DEFAULT_THRESHOLD

HEADER = ",".join(CSV_HEADER)
BATCH_COMMANDS = ["dedupe", "dedupe_splink"]


def write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read_pairs(path: Path) -> list[tuple[str, str, float]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["record_id_a", "record_id_b", "score"]
    return [(a, b, float(s)) for a, b, s in rows[1:]]


def test_dedupe_splink_finds_the_generators_duplicates(tmp_path, capsys):
    records = Generator(42).records(300)
    truth = true_pairs(records)
    src, out, spill = tmp_path / "registry.csv", tmp_path / "pairs.csv", tmp_path / "spill"
    write_csv(records, src)
    spill.mkdir()

    call_command(
        "dedupe_splink", str(src), "--output", str(out), "--memory-limit", "1GB", "--temp-dir", str(spill), "--quiet"
    )

    pairs = read_pairs(out)
    found = {(a, b) for a, b, _ in pairs}
    assert all(a < b for a, b in found) and [(a, b) for a, b, _ in pairs] == sorted(found)
    assert all(DEFAULT_THRESHOLD <= score <= 1.0 for _, _, score in pairs)  # the default threshold
    true_found = len(found & truth)
    assert true_found / len(found) >= 0.9  # precision
    assert true_found / len(truth) >= 0.85  # recall (across scripts: Haven's keys are Splink's input)
    assert "300 records" in capsys.readouterr().out
    # Nothing is left behind: the spill folder DuckDB was given is empty again.
    assert list(spill.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pairs.csv", "registry.csv", "spill"]


def test_dedupe_splink_on_a_header_only_file_writes_no_pairs(tmp_path, capsys):
    src, out = write(tmp_path, HEADER + "\n"), tmp_path / "pairs.csv"
    call_command("dedupe_splink", str(src), "--output", str(out), "--quiet")
    assert read_pairs(out) == []
    assert "0 records, 0 pairs written" in capsys.readouterr().out


BAD_INPUT = {
    "wrong header": "id,name\n1,x\n",
    "bad date": f"{HEADER}\n1,Ali,Ahmad,Al-Hasan,1985-03-14,M,\n2,A,B,C,14/03/1985,M,\n",
    "empty file": "",
}
EXPECTED = {
    ("wrong header", "ru"): "строка 1: ожидался заголовок «record_id,given_name,",
    ("wrong header", "ar"): "السطر 1: كان المتوقع سطر العناوين «record_id,given_name,",
    ("bad date", "ru"): "строка 3: date_of_birth «14/03/1985» — не дата в формате ГГГГ-ММ-ДД",
    ("bad date", "ar"): "السطر 3: قيمة date_of_birth «14/03/1985» ليست تاريخًا صحيحًا",
    ("empty file", "ru"): "файл пуст; ожидался заголовок record_id,given_name,",
    ("empty file", "ar"): "الملف فارغ؛ كان المتوقع سطر العناوين record_id,given_name,",
}


@pytest.mark.parametrize("command", BATCH_COMMANDS)
@pytest.mark.parametrize("language", ["ru", "ar"])
@pytest.mark.parametrize("problem", list(BAD_INPUT))
def test_bad_input_is_explained_in_the_users_language(tmp_path, command, language, problem):
    src = write(tmp_path, BAD_INPUT[problem])
    out = tmp_path / "pairs.csv"
    with pytest.raises(CommandError) as caught:
        call_command(command, str(src), "--output", str(out), "--quiet", "--language", language)
    # Read outside the command (the test runs in English), as Django prints it:
    # the message must have been translated when raised, not lazily.
    assert str(caught.value).startswith(f"{src}: ")
    assert EXPECTED[problem, language] in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]  # no output, no partial file


@pytest.mark.parametrize("command", BATCH_COMMANDS)
def test_bad_input_in_english_by_default(tmp_path, command, monkeypatch):
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    src = write(tmp_path, "id,name\n1,x\n")
    with pytest.raises(CommandError, match="line 1: expected the header 'record_id,given_name"):
        call_command(command, str(src), "--output", str(tmp_path / "pairs.csv"), "--quiet")


@pytest.mark.parametrize("command", BATCH_COMMANDS)
def test_language_comes_from_the_locale(tmp_path, command, monkeypatch):
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    src = write(tmp_path, "")
    with pytest.raises(CommandError, match="файл пуст"):
        call_command(command, str(src), "--output", str(tmp_path / "pairs.csv"), "--quiet")


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "ru_RU.UTF-8"}, "ru"),
        ({"LC_ALL": "ar_SY.UTF-8", "LANG": "ru_RU.UTF-8"}, "ar"),
        ({"LANGUAGE": "de:ar:ru", "LANG": "en_GB.UTF-8"}, "ar"),
        ({"LANGUAGE": "de", "LANG": "ru_RU.UTF-8"}, "ru"),
        ({"LC_ALL": "de_DE.UTF-8", "LANG": "ru_RU.UTF-8"}, "en"),  # LC_ALL wins, and Haven has no German
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_language_from_environment(environ, language):
    assert language_from_environment(environ) == language


def test_manage_py_prints_the_translated_message(tmp_path):
    # The user's path: Django formats the CommandError after handle() returns.
    src = write(tmp_path, f"{HEADER}\n1,محمد,أحمد,الحسن,1985-02-30,M,\n")
    out = tmp_path / "pairs.csv"
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    env.update(LANG="ar_SY.UTF-8", HAVEN_DEBUG="1", PYTHONIOENCODING="utf-8")
    result = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "dedupe_splink", str(src), "-o", str(out)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
    )
    assert result.returncode == 1
    assert "السطر 2: قيمة date_of_birth «1985-02-30» ليست تاريخًا صحيحًا" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Splink is not installed. Install it with: pip install 'haven[splink]'"),
        ("ru", "Splink не установлен. Установите его командой: pip install 'haven[splink]'"),
        ("ar", "Splink غير مثبَّت. ثبِّته بالأمر: pip install 'haven[splink]'"),
    ],
)
def test_splink_missing_says_how_to_install_it(tmp_path, monkeypatch, language, message):
    monkeypatch.setitem(sys.modules, "splink", None)  # import splink now raises ImportError
    src = write(tmp_path, f"{HEADER}\n1,Ali,Ahmad,Al-Hasan,1985-03-14,M,\n")
    with pytest.raises(CommandError) as caught:
        call_command("dedupe_splink", str(src), "--output", str(tmp_path / "p.csv"), "--language", language)
    assert str(caught.value) == message
    assert not (tmp_path / "p.csv").exists()


@pytest.mark.parametrize("command", BATCH_COMMANDS)
def test_paths_and_threshold_are_checked_before_reading(tmp_path, command):
    src = write(tmp_path, f"{HEADER}\n")

    def error(*args: str) -> str:
        with pytest.raises(CommandError) as caught:
            call_command(command, *args, "--quiet", "--language", "ru")
        return str(caught.value)

    assert error(str(tmp_path), "-o", str(tmp_path / "p.csv")) == f"{tmp_path} — это папка; укажите CSV-файл."
    assert error(str(src), "-o", str(src)).startswith("Результат записался бы поверх входного файла")
    assert error(str(src), "-o", str(tmp_path / "no" / "p.csv")) == f"Папка {tmp_path / 'no'} не существует."
    assert error(str(src), "-o", str(tmp_path / "p.csv"), "--threshold", "1.5") == (
        "Значение --threshold должно быть от 0 до 1."
    )
    assert (
        error(str(tmp_path / "nope.csv"), "-o", str(tmp_path / "p.csv")) == f"{tmp_path / 'nope.csv'}: файл не найден"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_splink_options_are_checked(tmp_path):
    src = write(tmp_path, f"{HEADER}\n")
    out = str(tmp_path / "p.csv")
    with pytest.raises(CommandError, match="--memory-limit lots: DuckDB не понимает такой размер"):
        call_command("dedupe_splink", str(src), "-o", out, "--memory-limit", "lots", "--language", "ru")
    with pytest.raises(CommandError, match="المجلد .*spill غير موجود"):
        call_command("dedupe_splink", str(src), "-o", out, "--temp-dir", str(tmp_path / "spill"), "--language", "ar")


def test_dedupe_out_of_memory_points_to_dedupe_splink(tmp_path, monkeypatch):
    import haven.matching.core.dedupe as core_dedupe

    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(core_dedupe, "dedupe_csv", exhausted)
    src = write(tmp_path, f"{HEADER}\n")
    with pytest.raises(CommandError) as caught:
        call_command("dedupe", str(src), "-o", str(tmp_path / "p.csv"), "--language", "ar")
    assert str(caught.value) == "الذاكرة غير كافية لهذا الملف؛ قسِّمه إلى أجزاء أو استخدم manage.py dedupe_splink."
    # ... and that command exists and reads the same file.
    call_command("dedupe_splink", str(src), "-o", str(tmp_path / "p.csv"), "--quiet")
    assert read_pairs(tmp_path / "p.csv") == []


@pytest.mark.parametrize(
    ("command", "engine"),
    [("dedupe", "core.dedupe.dedupe_csv"), ("dedupe_splink", "splink_engine.dedupe_records_to_csv")],
)
def test_a_file_that_cannot_be_written_is_named(tmp_path, monkeypatch, command, engine):
    module, function = engine.rsplit(".", 1)
    out = tmp_path / "p.csv"

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(out))

    monkeypatch.setattr(f"haven.matching.{module}.{function}", refused)
    src = write(tmp_path, f"{HEADER}\n")
    with pytest.raises(CommandError) as caught:
        call_command(command, str(src), "-o", str(out), "--quiet", "--language", "ru")
    assert str(caught.value) == f"Не удалось прочитать или записать {out}: Permission denied"


def test_a_tiny_file_still_finds_cross_script_duplicates(tmp_path, capsys):
    src = write(
        tmp_path,
        f"{HEADER}\n1,محمد,أحمد,الحسن,1985-03-14,M,\n2,Mohammad,Ahmad,Al-Hasan,1985-03-14,M,\n"
        "3,Ali,Ahmad,Al-Hasan,1987-01-01,M,\n4,Мухаммед,Ахмед,Аль-Хасан,1985-03-14,M,\n",
    )
    out = tmp_path / "pairs.csv"
    call_command("dedupe_splink", str(src), "--output", str(out), "--language", "ru")
    assert {(a, b) for a, b, _ in read_pairs(out)} == {("1", "2"), ("1", "4"), ("2", "4")}  # not the brother (3)
    assert "Записей: 4; в " in capsys.readouterr().out


def test_a_file_with_nothing_to_learn_from_says_so(tmp_path, capsys):
    # No two records share a date or a name: Splink can estimate nothing.
    src = write(tmp_path, f"{HEADER}\n1,Ali,Omar,Hasan,,M,\n2,Rami,Said,Khalil,,M,\n3,Lina,Adel,Haddad,,F,\n")
    out = tmp_path / "pairs.csv"
    call_command("dedupe_splink", str(src), "--output", str(out), "--language", "ar")
    assert read_pairs(out) == []
    assert "السجلات المتشابهة أقل من أن تكفي لتقدير جزء من نموذج Splink" in capsys.readouterr().err
