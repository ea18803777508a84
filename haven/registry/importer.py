"""Importing households and persons from CSV or XLSX, all or nothing.

Reading and checking every row comes first (with a per-row report); only
when no row has an error is anything written, in one transaction. The
column set is documented in docs/registry.md; headers may be the column
keys or their labels in English, Russian or Arabic (as in the template).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.registry import names as name_utils
from haven.registry.models import DatePrecision, NeedCode, Relationship, Sex
from haven.registry.selectors import restricted_need_codes
from haven.registry.services import MAX_HOUSEHOLD_SIZE, LanguageInput, MemberInput, NameInput

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_ERRORS = 1000
PARTS = {"given": "given_name", "father": "father_name", "grandfather": "grandfather_name", "family": "family_name"}
SCRIPT_SUFFIX = {"ar": "ar", "la": "la", "cy": "cy"}

# Column key -> label shown in the template (translated per language).
COLUMNS: dict[str, Any] = {
    "household_ref": gettext_lazy("Household reference"),
    "given_name": gettext_lazy("Given name"),
    "father_name": gettext_lazy("Father's name"),
    "grandfather_name": gettext_lazy("Grandfather's name"),
    "family_name": gettext_lazy("Family name"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "sex": gettext_lazy("Sex"),
    "place_of_birth": gettext_lazy("Place of birth"),
    "arrival_date": gettext_lazy("Arrival date"),
    "relationship": gettext_lazy("Relationship to the head"),
}
OPTIONAL_COLUMNS: dict[str, Any] = {
    **{f"{col}_{s}": gettext_lazy("%(column)s (%(script)s)") for col in PARTS.values() for s in SCRIPT_SUFFIX},
    "dob_precision": gettext_lazy("Precision of the date of birth"),
    "nationalities": gettext_lazy("Nationalities"),
    "languages": gettext_lazy("Languages"),
    "interpreter_needed": gettext_lazy("Needs an interpreter"),
    "phone": gettext_lazy("Phone"),
    "phone_owner": gettext_lazy("Whose phone"),
    "profession": gettext_lazy("Profession"),
    "origin_country": gettext_lazy("Country of origin"),
    "origin_governorate": gettext_lazy("Governorate"),
    "origin_district": gettext_lazy("District"),
    "needs": gettext_lazy("Specific-need codes"),
}
REQUIRED = ("household_ref", "given_name", "family_name", "date_of_birth", "sex", "arrival_date", "relationship")
SCRIPT_LABELS = {"ar": gettext_lazy("Arabic"), "la": gettext_lazy("Latin"), "cy": gettext_lazy("Cyrillic")}


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why."""


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ParsedHousehold:
    ref: str
    arrival_date: dt.date
    origin_country: str = "SY"
    origin_governorate: str = ""
    origin_district: str = ""
    first_row: int = 0
    members: list[MemberInput] = field(default_factory=list)


@dataclass
class ParseResult:
    households: list[ParsedHousehold]
    errors: list[RowError]
    total_rows: int


def column_label(key: str) -> str:
    if key in COLUMNS:
        return str(COLUMNS[key])
    base, _sep, suffix = key.rpartition("_")
    if suffix in SCRIPT_SUFFIX and base in PARTS.values():
        return str(OPTIONAL_COLUMNS[key]) % {"column": COLUMNS[base], "script": SCRIPT_LABELS[suffix]}
    return str(OPTIONAL_COLUMNS[key])


def all_columns() -> list[str]:
    return [*COLUMNS, *OPTIONAL_COLUMNS]


def header_aliases() -> dict[str, str]:
    """Every accepted header text (folded) -> column key."""
    aliases: dict[str, str] = {}
    for lang in ("en", "ru", "ar"):
        with translation.override(lang):
            for key in all_columns():
                aliases[_fold_header(column_label(key))] = key
    for key in all_columns():
        aliases[_fold_header(key)] = key
    return aliases


def _fold_header(text: str) -> str:
    return " ".join(str(text).replace("\ufeff", "").strip().casefold().replace("_", " ").split())


def _choice_aliases(choices: Any, extra: dict[str, str]) -> dict[str, str]:
    out = {k.casefold(): k for k in extra}
    out.update({k.casefold(): v for k, v in extra.items()})
    for lang in ("en", "ru", "ar"):
        with translation.override(lang):
            for value, label in choices:
                out[str(value).casefold()] = value
                out[str(label).casefold()] = value
    return out


SEX_EXTRA = {"f": "F", "m": "M", "ж": "F", "м": "M", "female": "F", "male": "M", "أنثى": "F", "ذكر": "M"}


# --- Reading files -----------------------------------------------------------


def read_rows(data: bytes, file_format: str) -> Iterator[list[Any]]:
    """Rows of cells; raises ImportFileError for unreadable files."""
    if not data or not data.strip():
        raise ImportFileError(_("The file is empty."))
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(_("The file is larger than 20 MB; split it into smaller files."))
    if file_format == "xlsx":
        return _read_xlsx(data)
    if file_format == "csv":
        return _read_csv(data)
    raise ImportFileError(_("Only CSV and XLSX files can be imported."))


def _read_csv(data: bytes) -> Iterator[list[Any]]:
    if b"\x00" in data[:4096]:
        raise ImportFileError(_("This is not a text CSV file. Save the spreadsheet as “CSV UTF-8” or as XLSX."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("The file is not in UTF-8 encoding (byte %(pos)d). Save it as “CSV UTF-8” and try again.")
            % {"pos": exc.start}
        ) from None
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return iter(list(csv.reader(io.StringIO(text), dialect)))


def _read_xlsx(data: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(
            _("This is not a readable XLSX file. Open it in a spreadsheet and save it again.")
        ) from exc
    sheet = workbook.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    workbook.close()
    return iter(rows)


def detect_format(filename: str, data: bytes) -> str:
    if data[:2] == b"PK" or filename.lower().endswith(".xlsx"):
        return "xlsx"
    return "csv"


# --- Checking rows -----------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(text: str) -> tuple[dt.date, str]:
    """(date, precision) from YYYY-MM-DD, DD.MM.YYYY, DD/MM/YYYY, YYYY-MM or YYYY."""
    text = text.strip()
    formats = [
        ("%Y-%m-%d", DatePrecision.EXACT),
        ("%d.%m.%Y", DatePrecision.EXACT),
        ("%d/%m/%Y", DatePrecision.EXACT),
        ("%Y-%m", DatePrecision.MONTH),
        ("%m.%Y", DatePrecision.MONTH),
        ("%Y", DatePrecision.YEAR),
    ]
    for fmt, precision in formats:
        try:
            parsed = dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, no time zone
        except ValueError:
            continue
        if precision == DatePrecision.YEAR:
            parsed = parsed.replace(month=7, day=1)
        elif precision == DatePrecision.MONTH:
            parsed = parsed.replace(day=15)
        return parsed, precision
    raise ValueError(text)


def _date_error(text: str) -> str:
    return _(
        "“%(value)s” is not a valid date; write it as YYYY-MM-DD (e.g. 1985-03-27), or YYYY if only the year is known."
    ) % {"value": text[:40]}


class RowChecker:
    def __init__(self, *, allow_restricted: bool = False) -> None:
        self.restricted = set() if allow_restricted else restricted_need_codes()
        self.sex = _choice_aliases(Sex.choices, SEX_EXTRA)
        self.relationship = _choice_aliases(Relationship.choices, {})
        self.precision = _choice_aliases(DatePrecision.choices, {})
        self.need_codes = set(NeedCode.objects.filter(is_active=True).values_list("code", flat=True))
        self.today = timezone.localdate()

    def check(self, rownum: int, row: dict[str, str], errors: list[RowError]) -> tuple[MemberInput, dt.date | None]:
        def err(column: str, message: str) -> None:
            errors.append(RowError(rownum, column, message))

        for key in REQUIRED:
            if not row.get(key):
                err(key, _("This column is required; fill it in."))
        names: list[NameInput] = []
        for part, col in PARTS.items():
            generic = row.get(col, "")
            if generic:
                script = name_utils.detect(generic)
                code = {"arabic": "ar", "latin": "la", "cyrillic": "cy"}.get(script)
                if code is None:
                    # The report is kept: it names the row and column, never the name itself.
                    err(col, _("This mixes scripts or has no letters; write it in one script."))
                else:
                    names.append(NameInput(part, code, name_utils.clean(generic)))
            for suffix in SCRIPT_SUFFIX:
                value = row.get(f"{col}_{suffix}", "")
                if not value:
                    continue
                if not name_utils.in_script(value, suffix):
                    err(
                        f"{col}_{suffix}",
                        _("This is not written in %(script)s letters; move it to the right column.")
                        % {"script": SCRIPT_LABELS[suffix]},
                    )
                    continue
                if any(n.part == part and n.script == suffix for n in names):
                    if not any(
                        n.part == part and n.script == suffix and n.value == name_utils.clean(value) for n in names
                    ):
                        err(
                            f"{col}_{suffix}",
                            _("This differs from the %(column)s column in the same script.") % {"column": col},
                        )
                    continue
                names.append(NameInput(part, suffix, name_utils.clean(value)))
        dob: dt.date | None = None
        precision: str = DatePrecision.EXACT
        if row.get("date_of_birth"):
            try:
                dob, precision = parse_date(row["date_of_birth"])
            except ValueError:
                err("date_of_birth", _date_error(row["date_of_birth"]))
            else:
                if dob > self.today:
                    err("date_of_birth", _("The date of birth is in the future."))
                    dob = None
                elif dob.year < self.today.year - 120:
                    err("date_of_birth", _("The date of birth is more than 120 years ago."))
                    dob = None
        if row.get("dob_precision"):
            precision = self.precision.get(row["dob_precision"].casefold(), "")
            if not precision:
                err("dob_precision", _("Unknown precision; use exact, month, year or estimated."))
        arrival = None
        if row.get("arrival_date"):
            try:
                arrival, _p = parse_date(row["arrival_date"])
            except ValueError:
                err("arrival_date", _date_error(row["arrival_date"]))
            else:
                if arrival > self.today:
                    err("arrival_date", _("The arrival date is in the future."))
                    arrival = None
        sex = self.sex.get(row.get("sex", "").casefold(), "")
        if row.get("sex") and not sex:
            err("sex", _("Unknown sex “%(value)s”; use F, M, X or U.") % {"value": row["sex"][:10]})
        relationship = self.relationship.get(row.get("relationship", "").casefold(), "")
        if row.get("relationship") and not relationship:
            err(
                "relationship",
                _("Unknown relationship “%(value)s”; use one of: %(choices)s.")
                % {"value": row["relationship"][:30], "choices": ", ".join(Relationship.values)},
            )
        for code in _split(row.get("needs", "")):
            if code.upper() not in self.need_codes:
                err("needs", _("Unknown specific-need code “%(code)s”.") % {"code": code[:16]})
            elif code.upper() in self.restricted:
                err(
                    "needs",
                    _("You may not record the specific need “%(code)s”; ask a colleague who may.")
                    % {"code": code[:16]},
                )
        phone_owner = (row.get("phone_owner") or "own").casefold()
        if phone_owner not in ("own", "centre"):
            err("phone_owner", _("Use “own” or “centre”."))
        languages = [
            LanguageInput(
                c.lower(),
                "native" if i == 0 else "basic",
                row.get("interpreter_needed", "").casefold() in ("1", "yes", "true", "да", "نعم"),
            )
            for i, c in enumerate(_split(row.get("languages", "")))
        ]
        member = MemberInput(
            names=names,
            sex=sex or "U",
            date_of_birth=dob,
            dob_precision=precision or DatePrecision.EXACT,
            relationship=relationship,
            place_of_birth=row.get("place_of_birth", "")[:120],
            nationalities=_split(row.get("nationalities", "")) or ["SY"],
            phone=row.get("phone", "")[:32],
            phone_owner=phone_owner if phone_owner in ("own", "centre") else "own",
            profession=row.get("profession", "")[:120],
            languages=languages,
            needs=[c.upper() for c in _split(row.get("needs", ""))],
        )
        return member, arrival


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]


def parse(
    data: bytes,
    file_format: str,
    *,
    progress: Callable[[int, int], None] | None = None,
    allow_restricted: bool = False,
) -> ParseResult:
    """Read and check a whole file. Raises ImportFileError if it cannot be read at all."""
    rows = read_rows(data, file_format)
    header = next(rows, None)
    if header is None:
        raise ImportFileError(_("The file is empty."))
    aliases = header_aliases()
    keys = [aliases.get(_fold_header(_cell(h)), "") for h in header]
    unknown = [_cell(h) for h, k in zip(header, keys, strict=False) if _cell(h) and not k]
    missing = [c for c in REQUIRED if c not in keys]
    if missing:
        raise ImportFileError(
            _("The first row must hold the column names. Missing: %(missing)s. Download the template to see them.")
            % {"missing": ", ".join(missing)}
        )
    if unknown:
        raise ImportFileError(
            _("Unknown columns: %(cols)s. Remove or rename them as in the template.")
            % {"cols": ", ".join(u[:30] for u in unknown[:10])}
        )
    body = [r for r in rows if any(_cell(c) for c in r)]
    if not body:
        raise ImportFileError(_("The file has column names but no rows of data."))
    if len(body) > MAX_ROWS:
        raise ImportFileError(_("The file has more than %(max)d rows; split it.") % {"max": MAX_ROWS})
    checker = RowChecker(allow_restricted=allow_restricted)
    errors: list[RowError] = []
    households: dict[str, ParsedHousehold] = {}
    seen: dict[tuple[Any, ...], int] = {}
    total = len(body)
    for index, raw in enumerate(body):
        rownum = index + 2  # 1-based, after the header row
        row = {k: _cell(v) for k, v in zip(keys, raw, strict=False) if k}
        member, arrival = checker.check(rownum, row, errors)
        signature = (
            row.get("household_ref", "").casefold(),
            tuple(sorted((n.part, n.script, name_utils.normalize(n.value, n.script)) for n in member.names)),
            member.date_of_birth,
        )
        if signature in seen and member.names:
            errors.append(RowError(rownum, "", _("This row repeats row %(row)d.") % {"row": seen[signature]}))
        seen.setdefault(signature, rownum)
        ref = row.get("household_ref", "")
        if ref and arrival:
            hh = households.get(ref.casefold())
            if hh is None:
                hh = households[ref.casefold()] = ParsedHousehold(
                    ref=ref,
                    arrival_date=arrival,
                    origin_country=(row.get("origin_country") or "SY")[:2].upper(),
                    origin_governorate=row.get("origin_governorate", "")[:100],
                    origin_district=row.get("origin_district", "")[:100],
                    first_row=rownum,
                )
            elif hh.arrival_date != arrival:
                errors.append(
                    RowError(
                        rownum,
                        "arrival_date",
                        _("Members of household %(ref)s have different arrival dates (row %(row)d).")
                        % {"ref": ref[:30], "row": hh.first_row},
                    )
                )
            hh.members.append(member)
            if len(hh.members) == MAX_HOUSEHOLD_SIZE + 1:
                errors.append(
                    RowError(
                        rownum,
                        "household_ref",
                        _("Household %(ref)s has more than %(max)d members.")
                        % {"ref": ref[:30], "max": MAX_HOUSEHOLD_SIZE},
                    )
                )
            if member.relationship == "head" and sum(m.relationship == "head" for m in hh.members) == 2:
                errors.append(
                    RowError(rownum, "relationship", _("Household %(ref)s has more than one head.") % {"ref": ref[:30]})
                )
        if progress and (index % 500 == 0 or index == total - 1):
            progress(index + 1, total)
        if len(errors) >= MAX_ERRORS:
            errors.append(RowError(rownum, "", _("Too many errors; checking stopped here.")))
            break
    return ParseResult(households=list(households.values()), errors=errors, total_rows=total)


def template_rows(lang: str) -> list[list[str]]:
    """Header and two example rows, headers in ``lang``."""
    with translation.override(lang):
        header = [column_label(k) for k in all_columns()]
    example = {
        "household_ref": "H1",
        "given_name": "محمد",
        "father_name": "أحمد",
        "family_name": "العلي",
        "date_of_birth": "1980-05-14",
        "sex": "M",
        "place_of_birth": "Latakia",
        "arrival_date": "2025-02-12",
        "relationship": "head",
        "given_name_la": "Mohammed",
        "given_name_cy": "Мухаммед",
        "family_name_la": "Al-Ali",
        "family_name_cy": "Аль-Али",
        "languages": "ar",
        "origin_governorate": "Latakia",
    }
    child = {
        "household_ref": "H1",
        "given_name": "Salma",
        "family_name": "Al-Ali",
        "date_of_birth": "2015",
        "sex": "F",
        "arrival_date": "2025-02-12",
        "relationship": "child",
        "needs": "CR",
    }
    return [header, [example.get(k, "") for k in all_columns()], [child.get(k, "") for k in all_columns()]]
