"""REST endpoints of the registry app, mounted under /api/v1/ by haven.api.

Every write goes through a service (access checked and audited there);
every read through the access module's scope. Ids in paths use the
``uuid`` converter so that ``/persons/search`` (matching) does not clash.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from haven.accounts import access, roles
from haven.accounts.models import Site
from haven.api.errors import ServiceError
from haven.registry import selectors, services
from haven.registry.models import (
    Consent,
    DocumentType,
    Household,
    IdentityDocument,
    NeedCode,
    Person,
    PersonNeed,
    PersonStatus,
)

router = Router(tags=["registry"])
MAX_LIMIT = 200


# --- Schemas -------------------------------------------------------------------


class NameSchema(Schema):
    part: str = Field(..., description="given, father, grandfather or family")
    script: str = Field(..., description="ar, la or cy")
    value: str
    is_document_spelling: bool = False


class LanguageSchema(Schema):
    language: str
    level: str = "native"
    interpreter_needed: bool = False


class PersonOut(Schema):
    id: uuid.UUID
    registration_number: str
    site_id: uuid.UUID
    household_id: uuid.UUID | None
    relationship: str
    sex: str
    date_of_birth: dt.date | None
    dob_precision: str
    place_of_birth: str
    nationalities: list[str]
    phone: str
    phone_owner: str
    profession: str
    status: str
    names: list[NameSchema]
    languages: list[LanguageSchema]


class PersonIn(Schema):
    names: list[NameSchema]
    sex: str = "U"
    date_of_birth: dt.date | None = None
    dob_precision: str = "exact"
    relationship: str = ""
    place_of_birth: str = ""
    nationalities: list[str] = ["SY"]
    phone: str = ""
    phone_owner: str = "own"
    profession: str = ""
    languages: list[LanguageSchema] = []
    needs: list[str] = []


class PersonCreateIn(PersonIn):
    site_id: uuid.UUID | None = None
    household_id: uuid.UUID | None = None


class PersonPatch(Schema):
    sex: str | None = None
    date_of_birth: dt.date | None = None
    dob_precision: str | None = None
    relationship: str | None = None
    place_of_birth: str | None = None
    nationalities: list[str] | None = None
    phone: str | None = None
    phone_owner: str | None = None
    profession: str | None = None
    status: str | None = None


class HouseholdOut(Schema):
    id: uuid.UUID
    registration_number: str
    site_id: uuid.UUID
    arrival_date: dt.date
    origin_country: str
    origin_governorate: str
    origin_district: str
    member_ids: list[uuid.UUID]


class HouseholdIn(Schema):
    site_id: uuid.UUID | None = None
    arrival_date: dt.date
    origin_country: str = "SY"
    origin_governorate: str = ""
    origin_district: str = ""
    members: list[PersonIn]


class HouseholdPatch(Schema):
    arrival_date: dt.date | None = None
    origin_country: str | None = None
    origin_governorate: str | None = None
    origin_district: str | None = None


class DocumentOut(Schema):
    id: uuid.UUID
    person_id: uuid.UUID
    document_type: str
    number: str
    issuing_country: str
    issue_date: dt.date | None
    expiry_date: dt.date | None
    custody: str
    has_scan: bool


class DocumentIn(Schema):
    document_type: str
    number: str = ""
    issuing_country: str = ""
    issue_date: dt.date | None = None
    expiry_date: dt.date | None = None
    custody: str = "person"


class DocumentPatch(Schema):
    number: str | None = None
    issuing_country: str | None = None
    issue_date: dt.date | None = None
    expiry_date: dt.date | None = None
    custody: str | None = None


class NeedOut(Schema):
    id: uuid.UUID
    person_id: uuid.UUID
    code: str
    label: str
    identified_on: dt.date
    resolved_on: dt.date | None


class NeedIn(Schema):
    code: str
    identified_on: dt.date | None = None


class ConsentOut(Schema):
    id: uuid.UUID
    person_id: uuid.UUID
    purpose: str
    notice_language: str
    given_on: dt.date
    given_by: str
    guardian_name: str
    withdrawn_on: dt.date | None


class ConsentIn(Schema):
    purpose: str
    notice_language: str = "ar"
    given_on: dt.date | None = None
    given_by: str = "self"
    guardian_name: str = ""


class CodeOut(Schema):
    code: str
    label: str
    parent: str | None = None
    restricted: bool = False
    version: str = ""


class Page(Schema):
    count: int
    limit: int
    offset: int


class PersonPage(Page):
    items: list[PersonOut]


class HouseholdPage(Page):
    items: list[HouseholdOut]


class PersonFilters(Schema):
    site_id: uuid.UUID | None = None
    household_id: uuid.UUID | None = None
    status: str | None = None
    sex: str | None = None
    registration_number: str | None = None
    born_after: dt.date | None = None
    born_before: dt.date | None = None
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class HouseholdFilters(Schema):
    site_id: uuid.UUID | None = None
    arrived_after: dt.date | None = None
    arrived_before: dt.date | None = None
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


# --- Helpers -----------------------------------------------------------------


def person_out(p: Person) -> dict[str, Any]:
    return {
        "id": p.pk,
        "registration_number": p.registration_number,
        "site_id": p.site_id,
        "household_id": p.household_id,
        "relationship": p.relationship,
        "sex": p.sex,
        "date_of_birth": p.date_of_birth,
        "dob_precision": p.dob_precision,
        "place_of_birth": p.place_of_birth,
        "nationalities": p.nationalities or [],
        "phone": p.phone,
        "phone_owner": p.phone_owner,
        "profession": p.profession,
        "status": p.status_id,
        "names": [
            {"part": n.part, "script": n.script, "value": n.value, "is_document_spelling": n.is_document_spelling}
            for n in p.names.all()
        ],
        "languages": [
            {"language": lang.language, "level": lang.level, "interpreter_needed": lang.interpreter_needed}
            for lang in p.languages.all()
        ],
    }


def household_out(h: Household) -> dict[str, Any]:
    return {
        "id": h.pk,
        "registration_number": h.registration_number,
        "site_id": h.site_id,
        "arrival_date": h.arrival_date,
        "origin_country": h.origin_country,
        "origin_governorate": h.origin_governorate,
        "origin_district": h.origin_district,
        "member_ids": [m.pk for m in h.members.all()],
    }


def document_out(d: IdentityDocument) -> dict[str, Any]:
    return {
        "id": d.pk,
        "person_id": d.person_id,
        "document_type": d.document_type.code,
        "number": d.number,
        "issuing_country": d.issuing_country,
        "issue_date": d.issue_date,
        "expiry_date": d.expiry_date,
        "custody": d.custody,
        "has_scan": d.has_scan,
    }


def need_out(n: PersonNeed) -> dict[str, Any]:
    return {
        "id": n.pk,
        "person_id": n.person_id,
        "code": n.code.code,
        "label": n.code.label,
        "identified_on": n.identified_on,
        "resolved_on": n.resolved_on,
    }


def consent_out(c: Consent) -> dict[str, Any]:
    return {
        "id": c.pk,
        "person_id": c.person_id,
        "purpose": c.purpose,
        "notice_language": c.notice_language,
        "given_on": c.given_on,
        "given_by": c.given_by,
        "guardian_name": c.guardian_name,
        "withdrawn_on": c.withdrawn_on,
    }


def _member(data: PersonIn) -> services.MemberInput:
    return services.MemberInput(
        names=[services.NameInput(n.part, n.script, n.value, n.is_document_spelling) for n in data.names],
        sex=data.sex,
        date_of_birth=data.date_of_birth,
        dob_precision=data.dob_precision,
        relationship=data.relationship,
        place_of_birth=data.place_of_birth,
        nationalities=data.nationalities,
        phone=data.phone,
        phone_owner=data.phone_owner,
        profession=data.profession,
        languages=[
            services.LanguageInput(lang.language, lang.level, lang.interpreter_needed) for lang in data.languages
        ],
        needs=data.needs,
    )


def _site(request: HttpRequest, site_id: uuid.UUID | None, capability: str) -> Site:
    sites = access.sites_with(request.user, capability)
    if site_id is None:
        if not sites:
            access.require(request.user, capability, purpose="api")
        if len(sites) != 1:
            raise ServiceError("site_required", _("Give site_id: you work at more than one site."))
        site_id = next(iter(sites))
    access.require(request.user, capability, site=site_id, purpose="api")
    return Site.objects.get(pk=site_id)


def _person(request: HttpRequest, person_id: uuid.UUID, *, audit: bool = False) -> Person:
    return selectors.person_get(user=request.user, person_id=person_id, purpose="api", audit_read=audit)


# --- Households ----------------------------------------------------------------


@router.get("/households", response=HouseholdPage)
def household_list(request: HttpRequest, filters: Query[HouseholdFilters]) -> Any:
    qs = selectors.households_visible(request.user).prefetch_related(selectors.visible_members(request.user))
    if filters.site_id:
        qs = qs.filter(site_id=filters.site_id)
    if filters.arrived_after:
        qs = qs.filter(arrival_date__gte=filters.arrived_after)
    if filters.arrived_before:
        qs = qs.filter(arrival_date__lte=filters.arrived_before)
    items = qs.order_by("registration_number")[filters.offset : filters.offset + filters.limit]
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [household_out(h) for h in items],
    }


@router.post("/households", response={201: HouseholdOut})
def household_create(request: HttpRequest, payload: HouseholdIn) -> Any:
    """Register a household with all its members in one transaction."""
    site = _site(request, payload.site_id, roles.PERSON_REGISTER)
    household = services.household_register(
        actor=request.user,
        site=site,
        arrival_date=payload.arrival_date,
        origin_country=payload.origin_country,
        origin_governorate=payload.origin_governorate,
        origin_district=payload.origin_district,
        members=[_member(m) for m in payload.members],
    )
    return Status(201, household_out(household))


@router.get("/households/{uuid:household_id}", response=HouseholdOut)
def household_detail(request: HttpRequest, household_id: uuid.UUID) -> Any:
    return household_out(selectors.household_get(user=request.user, household_id=household_id, purpose="api"))


@router.patch("/households/{uuid:household_id}", response=HouseholdOut)
def household_patch(request: HttpRequest, household_id: uuid.UUID, payload: HouseholdPatch) -> Any:
    household = selectors.household_get(user=request.user, household_id=household_id, audit_read=False)
    changes = payload.dict(exclude_unset=True)
    household = services.household_update(actor=request.user, household=household, **changes)
    return household_out(household)


# --- Persons -------------------------------------------------------------------


@router.get("/persons", response=PersonPage)
def person_list(request: HttpRequest, filters: Query[PersonFilters]) -> Any:
    qs = selectors.persons_visible(request.user).prefetch_related("names", "languages")
    for field, value in (
        ("site_id", filters.site_id),
        ("household_id", filters.household_id),
        ("status_id", filters.status),
        ("sex", filters.sex),
        ("registration_number", filters.registration_number),
        ("date_of_birth__gte", filters.born_after),
        ("date_of_birth__lte", filters.born_before),
    ):
        if value is not None:
            qs = qs.filter(**{field: value})
    items = qs.order_by("registration_number")[filters.offset : filters.offset + filters.limit]
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [person_out(p) for p in items],
    }


@router.post("/persons", response={201: PersonOut})
def person_create(request: HttpRequest, payload: PersonCreateIn) -> Any:
    household = None
    if payload.household_id:
        household = selectors.household_get(user=request.user, household_id=payload.household_id, audit_read=False)
    site = household.site if household else _site(request, payload.site_id, roles.PERSON_REGISTER)
    person = services.person_register(actor=request.user, site=site, member=_member(payload), household=household)
    return Status(201, person_out(_person(request, person.pk)))


@router.get("/persons/{uuid:person_id}", response=PersonOut)
def person_detail(request: HttpRequest, person_id: uuid.UUID) -> Any:
    return person_out(_person(request, person_id, audit=True))


@router.patch("/persons/{uuid:person_id}", response=PersonOut)
def person_patch(request: HttpRequest, person_id: uuid.UUID, payload: PersonPatch) -> Any:
    person = _person(request, person_id)
    services.person_update(actor=request.user, person=person, **payload.dict(exclude_unset=True))
    return person_out(_person(request, person_id))


@router.get("/persons/{uuid:person_id}/names", response=list[NameSchema])
def name_list(request: HttpRequest, person_id: uuid.UUID) -> Any:
    return person_out(_person(request, person_id, audit=True))["names"]


@router.put("/persons/{uuid:person_id}/names", response=list[NameSchema])
def name_replace(request: HttpRequest, person_id: uuid.UUID, payload: list[NameSchema]) -> Any:
    person = _person(request, person_id)
    services.person_set_names(
        actor=request.user,
        person=person,
        names=[services.NameInput(n.part, n.script, n.value, n.is_document_spelling) for n in payload],
    )
    return person_out(_person(request, person_id))["names"]


# --- Documents, needs, consent ---------------------------------------------------


@router.get("/persons/{uuid:person_id}/documents", response=list[DocumentOut])
def document_list(request: HttpRequest, person_id: uuid.UUID) -> Any:
    person = _person(request, person_id, audit=True)  # the read of its records is audited
    access.require(request.user, roles.DOCUMENT_VIEW, person, purpose="api")
    return [document_out(d) for d in selectors.documents_for_person(user=request.user, person=person)]


@router.post("/persons/{uuid:person_id}/documents", response={201: DocumentOut})
def document_create(request: HttpRequest, person_id: uuid.UUID, payload: DocumentIn) -> Any:
    person = _person(request, person_id)
    doc = services.document_add(actor=request.user, person=person, **payload.dict())
    return Status(201, document_out(doc))


@router.patch("/documents/{uuid:document_id}", response=DocumentOut)
def document_patch(request: HttpRequest, document_id: uuid.UUID, payload: DocumentPatch) -> Any:
    doc = access.get_for_user(
        request.user,
        IdentityDocument.objects.select_related("person", "document_type"),
        document_id,
        capability=roles.DOCUMENT_VIEW,
        site_field="person__site",
    )
    doc = services.document_update(actor=request.user, document=doc, **payload.dict(exclude_unset=True))
    return document_out(doc)


@router.get("/persons/{uuid:person_id}/needs", response=list[NeedOut])
def need_list(request: HttpRequest, person_id: uuid.UUID) -> Any:
    person = _person(request, person_id, audit=True)  # the read of its records is audited
    access.require(request.user, roles.NEEDS_VIEW, person, purpose="api")
    return [need_out(n) for n in selectors.needs_for_person(user=request.user, person=person)]


@router.post("/persons/{uuid:person_id}/needs", response={201: NeedOut})
def need_create(request: HttpRequest, person_id: uuid.UUID, payload: NeedIn) -> Any:
    person = _person(request, person_id)
    return Status(
        201,
        need_out(
            services.need_add(actor=request.user, person=person, code=payload.code, identified_on=payload.identified_on)
        ),
    )


@router.post("/needs/{uuid:need_id}/resolve", response=NeedOut)
def need_resolve(request: HttpRequest, need_id: uuid.UUID) -> Any:
    need = access.get_for_user(
        request.user,
        PersonNeed.objects.select_related("person", "code"),
        need_id,
        capability=roles.NEEDS_VIEW,
        site_field="person__site",
    )
    if need.code.restricted and not access.may(request.user, roles.NEEDS_PROTECTION_VIEW, need):
        from django.http import Http404

        raise Http404
    return need_out(services.need_resolve(actor=request.user, need=need))


@router.get("/persons/{uuid:person_id}/consents", response=list[ConsentOut])
def consent_list(request: HttpRequest, person_id: uuid.UUID) -> Any:
    person = _person(request, person_id, audit=True)  # the read of its records is audited
    return [consent_out(c) for c in selectors.consents_for_person(user=request.user, person=person)]


@router.post("/persons/{uuid:person_id}/consents", response={201: ConsentOut})
def consent_create(request: HttpRequest, person_id: uuid.UUID, payload: ConsentIn) -> Any:
    person = _person(request, person_id)
    return Status(201, consent_out(services.consent_record(actor=request.user, person=person, **payload.dict())))


@router.post("/consents/{uuid:consent_id}/withdraw", response=ConsentOut)
def consent_withdraw(request: HttpRequest, consent_id: uuid.UUID) -> Any:
    consent = access.get_for_user(
        request.user,
        Consent.objects.select_related("person"),
        consent_id,
        capability=roles.PERSON_VIEW,
        site_field="person__site",
    )
    return consent_out(services.consent_withdraw(actor=request.user, consent=consent))


# --- Reference data ------------------------------------------------------------------


@router.get("/need-codes", response=list[CodeOut])
def need_codes(request: HttpRequest) -> Any:
    if not access.may(request.user, roles.NEEDS_VIEW):
        raise PermissionDenied
    return [
        {
            "code": c.code,
            "label": c.label,
            "parent": c.parent.code if c.parent else None,
            "restricted": c.restricted,
            "version": c.version,
        }
        for c in selectors.visible_need_codes(request.user).select_related("parent")
    ]


@router.get("/document-types", response=list[CodeOut])
def document_types(request: HttpRequest) -> Any:
    return [{"code": d.code, "label": d.label} for d in DocumentType.objects.filter(is_active=True)]


@router.get("/person-statuses", response=list[CodeOut])
def person_statuses(request: HttpRequest) -> Any:
    return [{"code": s.code, "label": s.label} for s in PersonStatus.objects.filter(is_active=True)]


__all__ = ["router", "NeedCode"]
