"""Read and check a pathway template file (YAML). No database here.

The schema is documented field by field in ``docs/pathways.md``. Every
problem found is reported with the file name and the step code, and a file
with any problem changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LANGUAGES = ("en", "ru", "ar")
CATEGORIES = ("legal_status", "documents", "medical", "social", "education_work", "communication", "exit")
UNITS = ("calendar", "working")
AGES = ("any", "adult", "child")
SEXES = ("F", "M", "X", "U")
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")

TOP_FIELDS = {"code", "name", "jurisdiction", "holidays", "steps"}
STEP_FIELDS = {
    "code",
    "title",
    "help",
    "category",
    "responsible_role",
    "authority",
    "prerequisites",
    "deadline",
    "output",
    "results",
    "evidence",
    "applies_to",
}
DEADLINE_FIELDS = {"days", "unit", "after"}
OUTPUT_FIELDS = {"document", "valid_days"}
APPLIES_FIELDS = {"age", "sex", "needs", "professions"}
HOLIDAY_FIELDS = {"country", "subdivision"}


@dataclass
class StepSpec:
    code: str
    order: int
    title: dict[str, str]
    help: dict[str, str]
    category: str
    responsible_role: str
    authority: str = ""
    prerequisites: list[str] = field(default_factory=list)
    deadline_days: int | None = None
    deadline_unit: str = "calendar"
    deadline_after: str = ""  # "" = arrival
    output_document: str = ""
    validity_days: int | None = None
    results: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    applies_age: str = "any"
    applies_sex: list[str] = field(default_factory=list)
    applies_needs: list[str] = field(default_factory=list)
    applies_professions: list[str] = field(default_factory=list)


@dataclass
class TemplateSpec:
    code: str
    name: dict[str, str]
    jurisdiction: str
    country: str
    subdivision: str
    steps: list[StepSpec]

    def content_hash(self) -> str:
        canonical = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class TemplateFileError(ValidationError):
    """A template file is wrong; ``messages`` lists every problem found."""


class _Checker:
    def __init__(self, source: str) -> None:
        self.source = source
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{self.source}: {where}: {message}" if where else f"{self.source}: {message}")

    def mapping(self, value: Any, where: str, allowed: set[str], required: set[str] = frozenset()) -> dict[str, Any]:  # type: ignore[assignment]
        if not isinstance(value, dict):
            self.error(where, _("expected a mapping of fields."))
            return {}
        for key in sorted(set(map(str, value)) - allowed):
            self.error(
                where,
                _("unknown field “%(field)s” (allowed: %(allowed)s).")
                % {
                    "field": key,
                    "allowed": ", ".join(sorted(allowed)),
                },
            )
        for key in sorted(required - set(value)):
            self.error(where, _("the field “%(field)s” is required.") % {"field": key})
        return value

    def text(self, value: Any, where: str, name: str, *, required: bool = True) -> str:
        if value is None or value == "":
            if required:
                self.error(where, _("the field “%(field)s” is required.") % {"field": name})
            return ""
        if not isinstance(value, (str, int, float)):
            self.error(where, _("“%(field)s” must be text.") % {"field": name})
            return ""
        return str(value).strip()

    def translated(self, value: Any, where: str, name: str, *, required: bool = True) -> dict[str, str]:
        if value is None:
            if required:
                self.error(where, _("the field “%(field)s” is required.") % {"field": name})
            return {}
        if isinstance(value, str):
            return {"en": value.strip()}
        value = self.mapping(value, f"{where}: {name}", set(LANGUAGES))
        result = {lang: str(value.get(lang) or "").strip() for lang in LANGUAGES if value.get(lang)}
        if required and not result.get("en"):
            self.error(where, _("“%(field)s” needs at least an English text (en).") % {"field": name})
        return result

    def codes(self, value: Any, where: str, name: str) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            self.error(where, _("“%(field)s” must be a list.") % {"field": name})
            return []
        return [str(v).strip() for v in value]

    def days(self, value: Any, where: str, name: str) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.error(where, _("“%(field)s” must be a whole number of days, 0 or more.") % {"field": name})
            return None
        return value


def parse_template(text: str, *, source: str = "template") -> TemplateSpec:
    """Parse and check a template file; raise TemplateFileError listing every problem."""
    check = _Checker(source)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark is not None else ""
        raise TemplateFileError([f"{source}: " + _("this is not valid YAML") + line]) from exc
    data = check.mapping(data, "", TOP_FIELDS, {"code", "name", "jurisdiction", "holidays", "steps"})
    code = check.text(data.get("code"), "", "code")
    if code and not CODE_RE.match(code):
        check.error("", _("the code “%(code)s” may hold only a-z, 0-9, - and _.") % {"code": code})
    name = check.translated(data.get("name"), "", "name")
    jurisdiction = check.text(data.get("jurisdiction"), "", "jurisdiction")
    hol = check.mapping(data.get("holidays") or {}, "holidays", HOLIDAY_FIELDS, {"country"})
    country = check.text(hol.get("country"), "holidays", "country").upper()
    subdivision = check.text(hol.get("subdivision"), "holidays", "subdivision", required=False)
    if country:
        import holidays as holidays_lib

        try:
            holidays_lib.country_holidays(country, subdiv=subdivision or None)
        except NotImplementedError:
            check.error("holidays", _("no public-holiday calendar for “%(country)s”.") % {"country": country})

    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        check.error("", _("“steps” must be a non-empty list."))
        raw_steps = []
    steps: list[StepSpec] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_steps, start=1):
        steps_where = f"step {index}"
        raw_code = raw.get("code") if isinstance(raw, dict) else None
        where = f"step “{raw_code}”" if raw_code else steps_where
        raw = check.mapping(raw, where, STEP_FIELDS, {"code", "title", "category", "responsible_role"})
        step_code = check.text(raw.get("code"), where, "code")
        if step_code and not CODE_RE.match(step_code):
            check.error(where, _("the code “%(code)s” may hold only a-z, 0-9, - and _.") % {"code": step_code})
        if step_code in seen:
            check.error(where, _("the code “%(code)s” is used twice.") % {"code": step_code})
        seen.add(step_code)
        category = check.text(raw.get("category"), where, "category")
        if category and category not in CATEGORIES:
            check.error(
                where,
                _("unknown category “%(value)s” (allowed: %(allowed)s).")
                % {
                    "value": category,
                    "allowed": ", ".join(CATEGORIES),
                },
            )
        spec = StepSpec(
            code=step_code,
            order=index,
            title=check.translated(raw.get("title"), where, "title"),
            help=check.translated(raw.get("help"), where, "help", required=False),
            category=category,
            responsible_role=check.text(raw.get("responsible_role"), where, "responsible_role"),
            authority=check.text(raw.get("authority"), where, "authority", required=False),
            prerequisites=check.codes(raw.get("prerequisites"), where, "prerequisites"),
            results=check.codes(raw.get("results"), where, "results"),
            evidence=check.codes(raw.get("evidence"), where, "evidence"),
        )
        if "deadline" in raw:
            deadline = check.mapping(raw["deadline"], f"{where}: deadline", DEADLINE_FIELDS, {"days"})
            spec.deadline_days = check.days(deadline.get("days"), where, "deadline.days")
            spec.deadline_unit = str(deadline.get("unit") or "calendar")
            if spec.deadline_unit not in UNITS:
                check.error(where, _("deadline unit must be “calendar” or “working”."))
            after = str(deadline.get("after") or "arrival").strip()
            spec.deadline_after = "" if after == "arrival" else after
        if "output" in raw:
            output = check.mapping(raw["output"], f"{where}: output", OUTPUT_FIELDS, {"document"})
            spec.output_document = check.text(output.get("document"), where, "output.document")
            spec.validity_days = check.days(output.get("valid_days"), where, "output.valid_days")
        if "applies_to" in raw:
            applies = check.mapping(raw["applies_to"], f"{where}: applies_to", APPLIES_FIELDS)
            spec.applies_age = str(applies.get("age") or "any")
            if spec.applies_age not in AGES:
                check.error(where, _("applies_to.age must be any, adult or child."))
            spec.applies_sex = check.codes(applies.get("sex"), where, "applies_to.sex")
            for sex in spec.applies_sex:
                if sex not in SEXES:
                    check.error(where, _("unknown sex “%(value)s” (allowed: F, M, X, U).") % {"value": sex})
            spec.applies_needs = [c.upper() for c in check.codes(applies.get("needs"), where, "applies_to.needs")]
            spec.applies_professions = [
                c.lower() for c in check.codes(applies.get("professions"), where, "applies_to.professions")
            ]
        steps.append(spec)

    _check_references(check, steps)
    if check.errors:
        raise TemplateFileError(check.errors)
    return TemplateSpec(
        code=code, name=name, jurisdiction=jurisdiction, country=country, subdivision=subdivision, steps=steps
    )


def _check_references(check: _Checker, steps: list[StepSpec]) -> None:
    codes = {s.code for s in steps}
    for step in steps:
        where = f"step “{step.code}”"
        for prereq in step.prerequisites:
            if prereq not in codes:
                check.error(where, _("prerequisite “%(code)s” is not a step of this template.") % {"code": prereq})
            elif prereq == step.code:
                check.error(where, _("a step cannot be its own prerequisite."))
        if step.deadline_after and step.deadline_after not in codes:
            check.error(
                where,
                _("the deadline counts from “%(code)s”, which is not a step of this template.")
                % {"code": step.deadline_after},
            )
    cycle = find_cycle({s.code: [*s.prerequisites, *([s.deadline_after] if s.deadline_after else [])] for s in steps})
    if cycle:
        check.error(
            f"step “{cycle[0]}”",
            _("the prerequisites form a cycle: %(cycle)s.") % {"cycle": " → ".join(cycle)},
        )


def find_cycle(graph: dict[str, list[str]]) -> list[str]:
    """One cycle in a graph of step → the steps it waits for, or []."""
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(graph, white)
    path: list[str] = []

    def visit(node: str) -> list[str]:
        colour[node] = grey
        path.append(node)
        for nxt in graph.get(node, []):
            if nxt not in colour or nxt == node:
                continue
            if colour[nxt] == grey:
                return [*path[path.index(nxt) :], nxt]
            if colour[nxt] == white:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        colour[node] = black
        return []

    for start in graph:
        if colour[start] == white:
            found = visit(start)
            if found:
                return found
    return []
