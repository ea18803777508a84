"""On a household case, a confirmed need goes to the members the caseworker picks."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haven.registry.models import PersonNeed
from haven.support import services
from haven.support.models import Proposal, ProposalStatus
from haven.support.selectors import questionnaire_current
from haven.support.services_referrals import assessment_record, proposal_decide
from haven.support.tests.conftest import make_household, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(personas: Any) -> dict[str, Any]:
    household = make_household(personas.site_a)
    members = [make_person(personas.site_a, household) for _ in range(3)]
    case = services.case_open(actor=personas.caseworker, household=household)
    assessment_record(
        actor=personas.caseworker,
        case=case,
        questionnaire=questionnaire_current(),
        answers={"chronic_illness": True, "interpreter": True},
    )
    return {
        "household": household,
        "members": members,
        "case": case,
        "need": Proposal.objects.get(need_code="SM-CI"),
        "flag": Proposal.objects.get(flag_type__code="interpreter"),
    }


def needs_of(members: list[Any]) -> list[bool]:
    return [PersonNeed.objects.filter(person=m, code__code="SM-CI").exists() for m in members]


def test_page_confirms_the_need_for_the_chosen_members(personas: Any, family: dict[str, Any]) -> None:
    client = personas.client("caseworker")
    case, members, need = family["case"], family["members"], family["need"]
    page = client.get(f"/support/cases/{case.pk}/")
    assert page.content.count(b'data-testid="proposal-members"') == 1  # the need; not the flag
    for member in members:
        assert f'value="{member.pk}"'.encode() in page.content

    # Confirming without choosing anyone is refused with a message, and changes nothing.
    response = client.post(f"/support/proposals/{need.pk}/", {"decision": "confirm"}, follow=True)
    assert b"Choose the household members this need applies to." in response.content
    need.refresh_from_db()
    assert need.status == ProposalStatus.PROPOSED and needs_of(members) == [False, False, False]

    response = client.post(
        f"/support/proposals/{need.pk}/",
        {"decision": "confirm", "persons": [str(members[0].pk), str(members[2].pk)]},
        follow=True,
    )
    assert response.status_code == 200
    need.refresh_from_db()
    assert need.status == ProposalStatus.CONFIRMED
    assert needs_of(members) == [True, False, True]
    assert set(need.applied_to.all()) == {members[0], members[2]}
    shown = response.content.decode()
    assert 'data-testid="proposal-applied"' in shown
    assert members[0].registration_number in shown and members[2].registration_number in shown

    # A flag proposal on a household case needs no member.
    client.post(f"/support/proposals/{family['flag'].pk}/", {"decision": "confirm"})
    family["flag"].refresh_from_db()
    assert family["flag"].status == ProposalStatus.CONFIRMED


def test_api_confirms_for_members_and_refuses_strangers(personas: Any, family: dict[str, Any]) -> None:
    client = personas.api("caseworker")
    need, members = family["need"], family["members"]
    stranger = make_person(personas.site_a)
    url = f"/api/v1/support/proposals/{need.pk}/decision"
    refused = client.post(url, {"confirm": True, "person_ids": [str(stranger.pk)]}, content_type="application/json")
    assert refused.status_code == 400
    assert "members of this household" in str(refused.json()["error"]["details"]["person_ids"])
    missing = client.post(url, {"confirm": True}, content_type="application/json")
    assert missing.status_code == 400
    assert "Choose the household members" in str(missing.json()["error"]["details"]["persons"])
    assert needs_of([*members, stranger]) == [False, False, False, False]

    response = client.post(url, {"confirm": True, "person_ids": [str(members[1].pk)]}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed" and response.json()["applied_to"] == [str(members[1].pk)]
    assert needs_of(members) == [False, True, False]


def test_member_who_already_has_the_need_keeps_one(personas: Any, family: dict[str, Any]) -> None:
    from haven.registry.services import need_add

    members = family["members"]
    need_add(actor=personas.caseworker, person=members[0], code="SM-CI")
    proposal_decide(actor=personas.caseworker, proposal=family["need"], confirm=True, persons=members[:2])
    assert PersonNeed.objects.filter(person__in=members, code__code="SM-CI").count() == 2


def test_person_case_cannot_add_the_need_to_someone_else(personas: Any, person: Any) -> None:
    case = services.case_open(actor=personas.caseworker, person=person)
    assessment = assessment_record(
        actor=personas.caseworker, case=case, questionnaire=questionnaire_current(), answers={"chronic_illness": True}
    )
    proposal = assessment.proposals.get(need_code="SM-CI")
    with pytest.raises(ValidationError):
        proposal_decide(actor=personas.caseworker, proposal=proposal, confirm=True, persons=[make_person(person.site)])
    proposal_decide(actor=personas.caseworker, proposal=proposal, confirm=True)
    assert needs_of([person]) == [True]


def test_household_decision_denied(personas: Any, family: dict[str, Any]) -> None:
    need, members = family["need"], family["members"]
    data = {"decision": "confirm", "persons": [str(members[0].pk)]}
    assert personas.client("caseworker_b").post(f"/support/proposals/{need.pk}/", data).status_code == 404
    assert personas.client("psychologist").post(f"/support/proposals/{need.pk}/", data).status_code == 404
    api = personas.api("outsider").post(
        f"/api/v1/support/proposals/{need.pk}/decision",
        {"confirm": True, "person_ids": [str(members[0].pk)]},
        content_type="application/json",
    )
    assert api.status_code == 404
    assert needs_of(members) == [False, False, False]
