from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from haven.audit.models import AuditEvent
from haven.pathways.loader import TemplateFileError
from haven.pathways.models import PathwayTemplate, StepTemplate
from haven.pathways.services import enrolment_create, enrolment_migrate, template_load
from haven.pathways.tests import factories

GOOD = """
code: test-land
name: {en: Test land, ru: Тестовая страна, ar: بلد الاختبار}
jurisdiction: TL
holidays: {country: RU}
steps:
  - code: first
    title: {en: First, ru: Первый, ar: الأول}
    category: social
    responsible_role: caseworker
    deadline: {days: 2, unit: working}
  - code: second
    title: Second
    category: documents
    responsible_role: caseworker
    prerequisites: [first]
    deadline: {days: 5, unit: calendar, after: first}
"""


def _state() -> tuple[int, int, int]:
    return PathwayTemplate.objects.count(), StepTemplate.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        (
            GOOD.replace("    category: documents", "    category: documents\n    colour: blue"),
            "step “second”: unknown field “colour”",
        ),
        (GOOD.replace("holidays:", "sponsor: x\nholidays:"), "unknown field “sponsor”"),
        (
            GOOD.replace("    deadline: {days: 2, unit: working}", "    prerequisites: [second]"),
            "cycle: first → second → first",
        ),
        (GOOD.replace("after: first}", "after: nowhere}"), "step “second”: the deadline counts from “nowhere”"),
        (GOOD.replace("prerequisites: [first]", "prerequisites: [ghost]"), "prerequisite “ghost” is not a step"),
        (GOOD.replace("category: social", "category: cooking"), "unknown category “cooking”"),
        (GOOD.replace("days: 2, unit: working", "days: 2, unit: fortnights"), "deadline unit"),
        (GOOD.replace("steps:", "steps: [\n"), "not valid YAML"),
        (GOOD.replace("country: RU", "country: QQ"), "no public-holiday calendar"),
    ],
)
def test_bad_template_file_is_refused_and_changes_nothing(db, bad, expected):
    before = _state()
    with pytest.raises(TemplateFileError) as info:
        template_load(actor="test", text=bad, source="bad.yaml")
    text = " ".join(info.value.messages)
    assert "bad.yaml" in text
    assert expected in text
    assert _state() == before


def test_unknown_responsible_role_is_refused(db):
    with pytest.raises(TemplateFileError, match="unknown responsible role “baker”"):
        template_load(
            actor="test",
            text=GOOD.replace("responsible_role: caseworker", "responsible_role: baker", 1),
            source="x.yaml",
        )
    assert not PathwayTemplate.objects.filter(code="test-land").exists()


def test_a_step_for_a_restricted_need_is_refused(db):
    # A step shown only to persons at risk because of who they are (LP-RP) would tell every role
    # that sees pathways who they are.
    text = GOOD.replace(
        "responsible_role: caseworker", "responsible_role: caseworker\n    applies_to: {needs: [LP-RP]}", 1
    )
    with pytest.raises(TemplateFileError, match="restricted need “LP-RP”"):
        template_load(actor="test", text=text, source="x.yaml")
    assert not PathwayTemplate.objects.filter(code="test-land").exists()
    # An open need (a serious medical condition) is fine.
    template_load(actor="test", text=text.replace("LP-RP", "SM-MC"), source="x.yaml")


def test_a_step_for_an_open_need_is_not_given_because_of_a_restricted_one(db, personas):
    # A step for "LP" (legal and physical protection) would otherwise be given to a person whose
    # only LP need is LP-RP (at risk because of who they are), and tell everyone who sees their
    # pathway that they have one.
    from haven.registry.models import NeedCode, PersonNeed

    text = GOOD.replace(
        "responsible_role: caseworker", "responsible_role: caseworker\n    applies_to: {needs: [LP]}", 1
    )
    template, _ = template_load(actor="test", text=text, source="x.yaml")
    at_risk = factories.person(personas.site_a, given="Farid")
    undocumented = factories.person(personas.site_a, given="Samir")
    for person, code in ((at_risk, "LP-RP"), (undocumented, "LP-ND")):
        PersonNeed.objects.create(
            person=person, code=NeedCode.objects.get(code=code), identified_on=datetime.date(2025, 3, 1)
        )
    steps = {
        p.pk: set(
            enrolment_create(actor="test", person=p, template=template).steps.values_list(
                "step_template__code", flat=True
            )
        )
        for p in (at_risk, undocumented)
    }
    assert steps[undocumented.pk] == {"first", "second"}
    assert steps[at_risk.pk] == {"second"}


def test_command_loads_a_file_and_reports_errors_without_changing_anything(db, tmp_path):
    good = tmp_path / "test-land.yaml"
    good.write_text(GOOD, encoding="utf-8")
    out = StringIO()
    call_command("load_pathway", str(good), stdout=out)
    assert "Created test-land v1: 2 steps." in out.getvalue()
    bad = tmp_path / "broken.yaml"
    bad.write_text(GOOD.replace("after: first}", "after: nowhere}"), encoding="utf-8")
    before = _state()
    with pytest.raises(CommandError, match="broken.yaml: step “second”"):
        call_command("load_pathway", str(bad))
    assert _state() == before


def test_shipped_templates_are_loaded_after_migrate(perm, germany):
    assert perm.steps.count() == 21
    assert germany.steps.count() == 5
    assert perm.name_ru == "Россия, Пермский край"
    sim = perm.steps.get(code="sim-card")
    assert [p.code for p in sim.prerequisites.all()] == ["biometrics"]


def test_changing_a_template_in_use_makes_a_new_version_and_enrolled_people_keep_theirs(personas, frozen):
    v1, outcome = template_load(actor="test", text=GOOD, source="t.yaml")
    assert outcome == "created"
    # Nobody enrolled: an edit replaces it in place.
    v1b, outcome = template_load(
        actor="test", text=GOOD.replace("title: Second", "title: Second step"), source="t.yaml"
    )
    assert (v1b.pk, v1b.version, outcome) == (v1.pk, 1, "updated")
    person = factories.person(personas.site_a)
    enrolment = enrolment_create(actor="test", person=person, template=v1b)
    edited = GOOD.replace("title: Second", "title: Second step").replace("days: 5,", "days: 9,")
    v2, outcome = template_load(actor="test", text=edited, source="t.yaml")
    assert (outcome, v2.version, v2.active) == ("new_version", 2, True)
    v1b.refresh_from_db()
    assert not v1b.active
    enrolment.refresh_from_db()
    assert enrolment.template_id == v1b.pk  # kept until migrated
    # Same content again: nothing changes.
    assert template_load(actor="test", text=edited, source="t.yaml")[1] == "unchanged"
    from haven.pathways.services import step_complete

    step_complete(
        actor="test", step=enrolment.steps.get(step_template__code="first"), completed_on=datetime.date(2025, 3, 10)
    )
    enrolment_migrate(actor="test", enrolment=enrolment, template=v2)
    enrolment.refresh_from_db()
    assert enrolment.template_id == v2.pk
    first = enrolment.steps.get(step_template__code="first")
    second = enrolment.steps.get(step_template__code="second")
    assert first.status == "done" and first.step_template.template_id == v2.pk
    assert second.due_date == datetime.date(2025, 3, 19)  # the new rule: 9 days after "first"
