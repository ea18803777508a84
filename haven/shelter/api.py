"""REST endpoints of the shelter app, mounted at /api/v1/shelter/ by haven.api.

Thin: each endpoint checks access through ``haven.accounts.access``, calls
one service or selector and returns an explicit schema. Persons appear by
id and registration number only; names stay on the pages for roles that
may see them.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from haven.accounts import access, roles
from haven.accounts.models import Region, Site
from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.registry.models import Person
from haven.shelter import selectors, services, services_presence, services_transfers
from haven.shelter.models import (
    Bed,
    Building,
    ConsentGivenBy,
    PresenceKind,
    Room,
    RoomDesignation,
    RoomStatus,
    Stay,
    StayEndReason,
    Transfer,
)

router = Router(tags=["shelter"])


# --- Schemas ------------------------------------------------------------------


class SiteOut(Schema):
    id: uuid.UUID
    code: str
    name: str
    region: str
    time_zone: str
    address: str
    contact_name: str
    contact_phone: str
    contact_email: str
    area_per_person_m2: Decimal
    absence_threshold_days: int


class ProfileIn(Schema):
    address: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    area_per_person_m2: Decimal | None = None
    absence_threshold_days: int | None = None


class BuildingIn(Schema):
    name: str
    sort_order: int = 0


class BuildingOut(Schema):
    id: uuid.UUID
    site_id: uuid.UUID
    name: str


class RoomIn(Schema):
    name: str
    floor_area_m2: Decimal
    designation: RoomDesignation = RoomDesignation.FAMILY
    status: RoomStatus = RoomStatus.IN_USE
    floor: int = 1
    beds: int = 0


class RoomPatch(Schema):
    floor_area_m2: Decimal | None = None
    designation: RoomDesignation | None = None
    status: RoomStatus | None = None


class RoomOut(Schema):
    id: uuid.UUID
    building_id: uuid.UUID
    building: str
    name: str
    floor: int
    floor_area_m2: Decimal
    designation: str
    status: str
    beds: int
    occupants: int
    planned: int
    area_capacity: int
    capacity: int
    free_beds: int
    crowded: bool
    beds_exceed_area: bool


class BedIn(Schema):
    label: str


class BedOut(Schema):
    id: uuid.UUID
    room_id: uuid.UUID
    label: str


class StayOut(Schema):
    id: uuid.UUID
    person_id: uuid.UUID
    registration_number: str
    bed_id: uuid.UUID
    room_id: uuid.UUID
    status: str
    planned_from: datetime.date | None
    checked_in_at: datetime.datetime | None
    checked_out_at: datetime.datetime | None
    end_reason: str
    previous_id: uuid.UUID | None


class CheckInOut(StayOut):
    notices: list[str]


class NoticesOut(Schema):
    person_id: uuid.UUID
    notices: list[str]


class CheckInIn(Schema):
    person_id: uuid.UUID
    bed_id: uuid.UUID
    at: datetime.datetime | None = None


class PlanIn(Schema):
    person_id: uuid.UUID
    bed_id: uuid.UUID
    planned_from: datetime.date


class MoveIn(Schema):
    bed_id: uuid.UUID
    at: datetime.datetime | None = None


class CheckOutIn(Schema):
    reason: StayEndReason = StayEndReason.DEPARTURE
    at: datetime.datetime | None = None


class PresenceIn(Schema):
    person_id: uuid.UUID
    kind: PresenceKind
    at: datetime.datetime | None = None


class PresenceOut(Schema):
    id: int
    person_id: uuid.UUID
    site_id: uuid.UUID
    kind: str
    at: datetime.datetime


class AbsentOut(Schema):
    person_id: uuid.UUID
    registration_number: str
    bed_id: uuid.UUID
    last_seen_at: datetime.datetime | None


class TransferIn(Schema):
    person_id: uuid.UUID
    planned_date: datetime.date
    reason: str
    to_site_id: uuid.UUID | None = None
    to_region_id: uuid.UUID | None = None


class ConsentIn(Schema):
    given_by: ConsentGivenBy
    given_on: datetime.date | None = None


class TransferOut(Schema):
    id: uuid.UUID
    person_id: uuid.UUID
    from_site_id: uuid.UUID
    to_site_id: uuid.UUID | None
    to_region_id: uuid.UUID | None
    planned_date: datetime.date
    reason: str
    status: str
    consent_given_by: str
    consent_date: datetime.date | None
    completed_at: datetime.datetime | None


class OccupancyOut(Schema):
    site_id: uuid.UUID
    residents: int
    planned: int
    beds_total: int
    beds_usable: int
    free_beds: int
    capacity: int
    arrivals_this_week: int
    departures_this_week: int
    absent: int
    crowded_rooms: list[uuid.UUID]
    area_per_person_m2: Decimal
    absence_threshold_days: int


# --- Helpers --------------------------------------------------------------------


def _site(request: HttpRequest, site_id: uuid.UUID, capability: str) -> Site:
    return access.get_for_user(
        request.user, Site.objects.select_related("region"), site_id, capability=capability, site_field="pk"
    )


def _person(request: HttpRequest, person_id: uuid.UUID, capability: str) -> Person:
    return access.get_for_user(request.user, Person.objects.select_related("status"), person_id, capability=capability)


def _site_out(site: Site) -> dict[str, Any]:
    profile = selectors.site_profile(site=site)
    return {
        "id": site.pk,
        "code": site.code,
        "name": site.name,
        "region": site.region.name,
        "time_zone": site.time_zone,
        "address": profile.address,
        "contact_name": profile.contact_name,
        "contact_phone": profile.contact_phone,
        "contact_email": profile.contact_email,
        "area_per_person_m2": profile.area_per_person_m2,
        "absence_threshold_days": profile.absence_threshold_days,
    }


def _room_out(load: selectors.RoomLoad) -> dict[str, Any]:
    room = load.room
    return {
        "id": room.pk,
        "building_id": room.building_id,
        "building": room.building.name,
        "name": room.name,
        "floor": room.floor,
        "floor_area_m2": room.floor_area_m2,
        "designation": room.designation,
        "status": room.status,
        "beds": load.beds,
        "occupants": load.occupants,
        "planned": load.planned,
        "area_capacity": load.area_capacity,
        "capacity": load.capacity,
        "free_beds": load.free_beds,
        "crowded": load.crowded,
        "beds_exceed_area": load.beds_exceed_area,
    }


def _stay_out(stay: Stay) -> dict[str, Any]:
    return {
        "id": stay.pk,
        "person_id": stay.person_id,
        "registration_number": stay.person.registration_number,
        "bed_id": stay.bed_id,
        "room_id": stay.bed.room_id,
        "status": stay.status,
        "planned_from": stay.planned_from,
        "checked_in_at": stay.checked_in_at,
        "checked_out_at": stay.checked_out_at,
        "end_reason": stay.end_reason,
        "previous_id": stay.previous_id,
    }


def _stay_for(request: HttpRequest, stay_id: uuid.UUID) -> Stay:
    return access.get_for_user(
        request.user, Stay.objects.select_related("person", "bed"), stay_id, capability=roles.STAY_MANAGE
    )


# --- Sites, buildings, rooms, beds ---------------------------------------------


@router.get("/sites", response=list[SiteOut])
def site_list(request: HttpRequest) -> Any:
    """Sites where the caller may see occupancy."""
    sites = access.scope(request.user, Site.objects.select_related("region"), roles.OCCUPANCY_VIEW, site_field="pk")
    return [_site_out(site) for site in sites]


@router.get("/sites/{site_id}", response=SiteOut)
def site_detail(request: HttpRequest, site_id: uuid.UUID) -> Any:
    return _site_out(_site(request, site_id, roles.OCCUPANCY_VIEW))


@router.patch("/sites/{site_id}", response=SiteOut)
def site_update(request: HttpRequest, site_id: uuid.UUID, payload: ProfileIn) -> Any:
    """Change the site's address, contacts, space norm or absence threshold."""
    site = _site(request, site_id, roles.SITE_MANAGE)
    services.site_profile_update(actor=request.user, site=site, **payload.dict(exclude_none=True))
    return _site_out(site)


@router.get("/sites/{site_id}/buildings", response=list[BuildingOut])
def building_list(request: HttpRequest, site_id: uuid.UUID) -> Any:
    site = _site(request, site_id, roles.OCCUPANCY_VIEW)
    return list(Building.objects.filter(site=site))


@router.post("/sites/{site_id}/buildings", response={201: BuildingOut})
def building_add(request: HttpRequest, site_id: uuid.UUID, payload: BuildingIn) -> Any:
    site = _site(request, site_id, roles.SITE_MANAGE)
    return Status(201, services.building_create(actor=request.user, site=site, **payload.dict()))


@router.get("/sites/{site_id}/rooms", response=list[RoomOut])
def room_list(request: HttpRequest, site_id: uuid.UUID) -> Any:
    """Every room with beds, occupants, capacity and the over-crowding flag."""
    site = _site(request, site_id, roles.OCCUPANCY_VIEW)
    profile = selectors.site_profile(site=site)
    return [_room_out(load) for load in selectors.room_loads(site=site, norm=profile.area_per_person_m2)]


@router.post("/buildings/{building_id}/rooms", response={201: RoomOut})
def room_add(request: HttpRequest, building_id: uuid.UUID, payload: RoomIn) -> Any:
    building = access.get_for_user(request.user, Building.objects.all(), building_id, capability=roles.SITE_MANAGE)
    room = services.room_create(actor=request.user, building=building, **payload.dict())
    profile = selectors.site_profile(site=building.site)
    (load,) = selectors.room_loads(
        site=building.site, norm=profile.area_per_person_m2, rooms=Room.objects.filter(pk=room.pk)
    )
    return Status(201, _room_out(load))


@router.patch("/rooms/{room_id}", response=RoomOut)
def room_change(request: HttpRequest, room_id: uuid.UUID, payload: RoomPatch) -> Any:
    room = access.get_for_user(request.user, Room.objects.select_related("site"), room_id, capability=roles.SITE_MANAGE)
    services.room_update(actor=request.user, room=room, **payload.dict(exclude_none=True))
    profile = selectors.site_profile(site=room.site)
    (load,) = selectors.room_loads(
        site=room.site, norm=profile.area_per_person_m2, rooms=Room.objects.filter(pk=room.pk)
    )
    return _room_out(load)


@router.get("/rooms/{room_id}/beds", response=list[BedOut])
def bed_list(request: HttpRequest, room_id: uuid.UUID) -> Any:
    room = access.get_for_user(request.user, Room.objects.all(), room_id, capability=roles.OCCUPANCY_VIEW)
    return list(room.beds.order_by("label"))


@router.post("/rooms/{room_id}/beds", response={201: BedOut})
def bed_add(request: HttpRequest, room_id: uuid.UUID, payload: BedIn) -> Any:
    room = access.get_for_user(request.user, Room.objects.all(), room_id, capability=roles.SITE_MANAGE)
    return Status(201, services.bed_create(actor=request.user, room=room, label=payload.label))


# --- Stays ------------------------------------------------------------------------


@router.get("/sites/{site_id}/stays", response=list[StayOut])
def stay_list(request: HttpRequest, site_id: uuid.UUID) -> Any:
    """Current and planned stays at the site."""
    site = _site(request, site_id, roles.STAY_VIEW)
    stays = Stay.objects.filter(site=site, status__in=["planned", "checked_in"]).select_related("person", "bed")
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=site, purpose="stay list")
    return [_stay_out(s) for s in stays]


@router.get("/persons/{person_id}/checkin-notices", response=NoticesOut)
def checkin_notice_list(request: HttpRequest, person_id: uuid.UUID) -> Any:
    """Notices of the person's case flags to read out before the check-in is confirmed."""
    person = _person(request, person_id, roles.STAY_MANAGE)
    notices = selectors.checkin_notices(user=request.user, persons=[person])
    return {"person_id": person.pk, "notices": notices.get(person.pk, [])}


@router.post("/stays", response={201: CheckInOut})
def stay_check_in(request: HttpRequest, payload: CheckInIn) -> Any:
    """Check a person into a bed. 409 ``bed_taken`` when someone was faster.

    ``notices`` repeats the person's check-in notices (case flags).
    """
    person = _person(request, payload.person_id, roles.STAY_MANAGE)
    bed = access.get_for_user(request.user, Bed.objects.all(), payload.bed_id, capability=roles.STAY_MANAGE)
    stay = services.stay_check_in(actor=request.user, person=person, bed=bed, at=payload.at)
    notices = selectors.checkin_notices(user=request.user, persons=[person])
    return Status(201, {**_stay_out(stay), "notices": notices.get(person.pk, [])})


@router.post("/stays/plan", response={201: StayOut})
def stay_plan(request: HttpRequest, payload: PlanIn) -> Any:
    person = _person(request, payload.person_id, roles.STAY_MANAGE)
    bed = access.get_for_user(request.user, Bed.objects.all(), payload.bed_id, capability=roles.STAY_MANAGE)
    stay = services.stay_plan(actor=request.user, person=person, bed=bed, planned_from=payload.planned_from)
    return Status(201, _stay_out(stay))


@router.post("/stays/{stay_id}/move", response={201: StayOut})
def stay_move(request: HttpRequest, stay_id: uuid.UUID, payload: MoveIn) -> Any:
    stay = _stay_for(request, stay_id)
    bed = access.get_for_user(request.user, Bed.objects.all(), payload.bed_id, capability=roles.STAY_MANAGE)
    return Status(201, _stay_out(services.stay_move(actor=request.user, stay=stay, bed=bed, at=payload.at)))


@router.post("/stays/{stay_id}/check-out", response=StayOut)
def stay_check_out(request: HttpRequest, stay_id: uuid.UUID, payload: CheckOutIn) -> Any:
    stay = _stay_for(request, stay_id)
    return _stay_out(services.stay_check_out(actor=request.user, stay=stay, reason=payload.reason, at=payload.at))


@router.post("/stays/{stay_id}/cancel", response=StayOut)
def stay_cancel(request: HttpRequest, stay_id: uuid.UUID) -> Any:
    return _stay_out(services.stay_cancel(actor=request.user, stay=_stay_for(request, stay_id)))


@router.get("/persons/{person_id}/stays", response=list[StayOut])
def person_stay_list(request: HttpRequest, person_id: uuid.UUID) -> Any:
    """A person's stay history, newest first."""
    person = _person(request, person_id, roles.STAY_VIEW)
    stays = access.scope(request.user, selectors.person_stays(person=person), roles.STAY_VIEW)
    return [_stay_out(s) for s in stays.select_related("person")]


# --- Presence -------------------------------------------------------------------------


@router.post("/presence", response={201: PresenceOut})
def presence_add(request: HttpRequest, payload: PresenceIn) -> Any:
    """Append a presence event (in, out, seen). Events are never changed."""
    person = _person(request, payload.person_id, roles.PRESENCE_RECORD)
    event = services_presence.presence_record(actor=request.user, person=person, kind=payload.kind, at=payload.at)
    return Status(201, event)


@router.get("/persons/{person_id}/presence", response=list[PresenceOut])
def presence_list(request: HttpRequest, person_id: uuid.UUID) -> Any:
    person = _person(request, person_id, roles.STAY_VIEW)
    return list(
        selectors.person_presence(person=person, limit=100, site_ids=access.sites_with(request.user, roles.STAY_VIEW))
    )


@router.get("/sites/{site_id}/absent", response=list[AbsentOut])
def absent_list(request: HttpRequest, site_id: uuid.UUID) -> Any:
    """Residents not seen for longer than the site's absence threshold."""
    site = _site(request, site_id, roles.STAY_VIEW)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=site, purpose="absence list")
    return [
        {
            "person_id": s.person_id,
            "registration_number": s.person.registration_number,
            "bed_id": s.bed_id,
            "last_seen_at": getattr(getattr(s.person, "presence_status", None), "last_seen_at", None),
        }
        for s in selectors.absent_stays(site=site)
    ]


# --- Transfers ---------------------------------------------------------------------------


def _transfer_for(request: HttpRequest, transfer_id: uuid.UUID) -> Transfer:
    return access.get_for_user(
        request.user, Transfer.objects.all(), transfer_id, capability=roles.STAY_MANAGE, site_field="from_site"
    )


@router.get("/sites/{site_id}/transfers", response=list[TransferOut])
def transfer_list(request: HttpRequest, site_id: uuid.UUID) -> Any:
    site = _site(request, site_id, roles.STAY_VIEW)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=site, purpose="transfer list")
    return list(selectors.transfers(site=site))


@router.post("/transfers", response={201: TransferOut})
def transfer_add(request: HttpRequest, payload: TransferIn) -> Any:
    """Plan a transfer to another site (in Haven) or region."""
    person = _person(request, payload.person_id, roles.STAY_MANAGE)
    to_site = Site.objects.filter(pk=payload.to_site_id, is_active=True).first() if payload.to_site_id else None
    to_region = Region.objects.filter(pk=payload.to_region_id).first() if payload.to_region_id else None
    transfer = services_transfers.transfer_plan(
        actor=request.user,
        person=person,
        planned_date=payload.planned_date,
        reason=payload.reason,
        to_site=to_site,
        to_region=to_region,
    )
    return Status(201, transfer)


@router.post("/transfers/{transfer_id}/consent", response=TransferOut)
def transfer_consent(request: HttpRequest, transfer_id: uuid.UUID, payload: ConsentIn) -> Any:
    """Record the person's consent to hand the case over."""
    transfer = _transfer_for(request, transfer_id)
    return services_transfers.transfer_record_consent(
        actor=request.user, transfer=transfer, given_by=payload.given_by, given_on=payload.given_on
    )


@router.post("/transfers/{transfer_id}/complete", response=TransferOut)
def transfer_complete(request: HttpRequest, transfer_id: uuid.UUID) -> Any:
    """End the stay and hand the case over. 400 ``consent_missing`` without consent."""
    return services_transfers.transfer_complete(actor=request.user, transfer=_transfer_for(request, transfer_id))


@router.post("/transfers/{transfer_id}/cancel", response=TransferOut)
def transfer_cancel(request: HttpRequest, transfer_id: uuid.UUID) -> Any:
    return services_transfers.transfer_cancel(actor=request.user, transfer=_transfer_for(request, transfer_id))


# --- Occupancy --------------------------------------------------------------------------


@router.get("/sites/{site_id}/occupancy", response=OccupancyOut)
def occupancy(request: HttpRequest, site_id: uuid.UUID) -> Any:
    """Residents, free beds, arrivals and departures this week, absences, crowded rooms."""
    site = _site(request, site_id, roles.OCCUPANCY_VIEW)
    occ = selectors.occupancy(site=site)
    return {
        "site_id": site.pk,
        "residents": occ.residents,
        "planned": occ.planned,
        "beds_total": occ.beds_total,
        "beds_usable": occ.beds_usable,
        "free_beds": occ.free_beds,
        "capacity": occ.capacity,
        "arrivals_this_week": occ.arrivals_week,
        "departures_this_week": occ.departures_week,
        "absent": occ.absent,
        "crowded_rooms": [room.id for room in occ.crowded_rooms],
        "area_per_person_m2": occ.profile.area_per_person_m2,
        "absence_threshold_days": occ.profile.absence_threshold_days,
    }
