"""Reading the registry: always scoped to the user's sites and roles."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.core import signing
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from haven.accounts import access, roles
from haven.audit.models import AuditAction, AuditEvent
from haven.audit.selectors import events_for_object
from haven.audit.services import audit_persons_shown, audit_record
from haven.matching import selectors as matching_selectors
from haven.matching.models import MERGED_STATUS
from haven.registry import names as name_utils
from haven.registry.models import (
    Consent,
    Household,
    IdentityDocument,
    NamePart,
    NeedCode,
    Person,
    PersonNeed,
    RegistrationCard,
    Script,
)

CARD_SALT = "haven.registry.card"
PART_ORDER = matching_selectors.PART_ORDER
SCRIPT_PREFERENCE = ("ar", "la", "cy")
"""Script whose spelling goes to the duplicate check when several are typed equally fully."""
Candidate = matching_selectors.Candidate


def persons_visible(user: Any) -> QuerySet[Person]:
    """Persons at the user's sites, for lists, counts and exports: never a record merged into another.

    (A merged record stays readable on its own page through :func:`person_get`,
    for its provenance and for undoing the merge.)
    """
    return access.scope(user, Person.objects.exclude(status_id=MERGED_STATUS), roles.PERSON_VIEW)  # type: ignore[misc]  # slug primary key


def households_visible(user: Any) -> QuerySet[Household]:
    """Households at the user's sites with at least one member who is not merged away."""
    listed = Person.objects.filter(household=OuterRef("pk")).exclude(status_id=MERGED_STATUS)  # type: ignore[misc]
    return access.scope(user, Household.objects.filter(Exists(listed)), roles.PERSON_VIEW)


def person_get(*, user: Any, person_id: Any, purpose: str = "person page", audit_read: bool = True) -> Person:
    """One person the user may see, or 404. The read is audited."""
    qs = Person.objects.select_related("site", "household", "status").prefetch_related("names", "languages")
    return access.get_for_user(
        user, qs, person_id, capability=roles.PERSON_VIEW, purpose=purpose, audit_read=audit_read
    )


def members_visible(user: Any, capability: str = roles.PERSON_VIEW) -> QuerySet[Person]:
    """Household members the user may see: not merged away, and at sites where they hold ``capability``.

    A person can be transferred alone, so a household at one site can have
    members at another; staff at the first site do not see them.
    """
    return access.scope(user, Person.objects.exclude(status_id=MERGED_STATUS), capability)  # type: ignore[misc]


def household_members_visible(user: Any, household: Any, capability: str = roles.PERSON_VIEW) -> QuerySet[Person]:
    """One household's members the user may see (:func:`members_visible`)."""
    return members_visible(user, capability).filter(household=household)


def visible_members(user: Any) -> Prefetch[Any]:
    """Prefetch of each household's members the user may see (:func:`members_visible`), with names and status."""
    members = members_visible(user).prefetch_related("names").select_related("status")
    return Prefetch("members", queryset=members)


def household_get(
    *, user: Any, household_id: Any, purpose: str = "household page", audit_read: bool = True
) -> Household:
    qs = Household.objects.select_related("site").prefetch_related(visible_members(user))
    return access.get_for_user(
        user, qs, household_id, capability=roles.PERSON_VIEW, purpose=purpose, audit_read=audit_read
    )


def display_name(person: Person, script: str) -> str:
    """The person's name in one script (parts in order), from prefetched names."""
    by_part = {n.part: n.value for n in person.names.all() if n.script == script}
    return " ".join(by_part[p] for p in PART_ORDER if p in by_part)


def best_name(person: Person, preferred: Sequence[str] = ("la", "cy", "ar")) -> str:
    for script in preferred:
        name = display_name(person, script)
        if name:
            return name
    return person.registration_number


def names_table(person: Person) -> list[dict[str, Any]]:
    """Rows of (part, {script: PersonName}) for the profile page."""
    rows = []
    names = list(person.names.all())
    for part in PART_ORDER:
        cells = {n.script: n for n in names if n.part == part}
        if cells:
            rows.append({"part": part, "label": NamePart(part).label, "cells": [cells.get(s.value) for s in Script]})
    return rows


def restricted_need_codes() -> set[str]:
    """The specific-need codes only the protection roles may see or record (LP-RP, TR, SV, SM-MI…)."""
    return set(NeedCode.objects.filter(restricted=True).values_list("code", flat=True))


def visible_need_codes(user: Any, obj: Any = None) -> QuerySet[NeedCode]:
    qs = NeedCode.objects.filter(is_active=True)
    if not access.may(user, roles.NEEDS_PROTECTION_VIEW, obj):
        qs = qs.filter(restricted=False)
    return qs


def needs_for_person(*, user: Any, person: Person, include_resolved: bool = True) -> list[PersonNeed]:
    """The person's specific needs this user may see (restricted codes need their capability)."""
    if not access.may(user, roles.NEEDS_VIEW, person):
        return []
    qs = PersonNeed.objects.filter(person=person).select_related("code", "code__parent")
    if not access.may(user, roles.NEEDS_PROTECTION_VIEW, person):
        qs = qs.filter(code__restricted=False)
    if not include_resolved:
        qs = qs.filter(resolved_on__isnull=True)
    return list(qs)


def documents_for_person(*, user: Any, person: Person) -> list[IdentityDocument]:
    if not access.may(user, roles.DOCUMENT_VIEW, person):
        return []
    return list(IdentityDocument.objects.filter(person=person).select_related("document_type").defer("scan"))


def consents_for_person(*, user: Any, person: Person) -> list[Consent]:
    if not access.may(user, roles.PERSON_VIEW, person):
        return []
    return list(Consent.objects.filter(person=person).select_related("recorded_by"))


def person_need_codes(*, person: Any) -> list[str]:
    """The person's current specific-need codes that are not restricted (a system read for rules, not shown).

    Restricted codes (LP-RP, TR, SV…) are left out: what other modules
    derive from them (a pathway step that applies to "LP", a count) would
    tell roles without the protection right that the person has one.
    """
    return list(
        PersonNeed.objects.filter(person=person, resolved_on__isnull=True, code__restricted=False).values_list(
            "code__code", flat=True
        )
    )


def has_active_consent(*, person: Any, purpose: str) -> bool:
    """Whether the person has given consent for ``purpose`` and not withdrawn it (a system check, not a read)."""
    return Consent.objects.filter(person=person, purpose=purpose, withdrawn_on__isnull=True).exists()


def history_for_person(*, user: Any, person: Person, limit: int = 100) -> list[AuditEvent]:
    """Audit events of the person and the records the user may see about them."""
    ids_by_type: dict[str, list[str]] = {"registry.person": [str(person.pk)]}
    ids_by_type["registry.consent"] = [str(pk) for pk in person.consents.values_list("pk", flat=True)]
    if access.may(user, roles.DOCUMENT_VIEW, person):
        ids_by_type["registry.identitydocument"] = [str(pk) for pk in person.documents.values_list("pk", flat=True)]
    ids_by_type["registry.personneed"] = [str(n.pk) for n in needs_for_person(user=user, person=person)]
    if access.may(user, roles.CARD_ISSUE, person):
        ids_by_type["registry.registrationcard"] = [str(pk) for pk in person.cards.values_list("pk", flat=True)]
    q = Q()
    for object_type, ids in ids_by_type.items():
        if ids:
            q |= Q(pk__in=events_for_object(object_type=object_type, object_ids=ids).values("pk"))
    return list(AuditEvent.objects.filter(q).select_related("actor").order_by("-seq")[:limit])


def person_sections(*, user: Any, person: Person) -> list[dict[str, str]]:
    """Sections other apps add to the person page (their AppConfig hook)."""
    from django.apps import apps

    sections: list[dict[str, str]] = []
    for config in apps.get_app_configs():
        hook = getattr(config, "person_sections", None)
        if hook is None or config.label == "registry":
            continue
        sections.extend(hook(user, person))
    return sections


def person_search(*, user: Any, query: str, limit: int = 50) -> list[Person]:
    """Persons at the user's sites matching ``query``, best first (newest first without a query).

    A registration number (person or household) is looked up exactly; any
    other text goes to the matching engine's cross-script search
    (:func:`haven.matching.selectors.person_search`), so محمد, Mohammad and
    Мухаммед find the same person. Returns persons with ``names``,
    ``household`` and ``status`` loaded; merged records never appear.
    """
    query = name_utils.clean(query)
    qs = persons_visible(user).select_related("household", "status").prefetch_related("names")
    if not query:
        newest = list(qs.order_by("-created_at", "registration_number")[:limit])
        audit_persons_shown(user, "person_list", [p.pk for p in newest])
        return newest
    by_number = list(
        qs.filter(Q(registration_number__iexact=query) | Q(household__registration_number__iexact=query)).order_by(
            "registration_number"
        )[:limit]
    )
    if by_number:
        audit_persons_shown(user, "person_list", [p.pk for p in by_number])
        return by_number
    hits = matching_selectors.person_search(user=user, query=query, limit=min(limit, 50))
    found = qs.in_bulk([h.person_id for h in hits])
    out = []
    for hit in hits:
        person = found.get(hit.person_id)
        if person is not None:
            person.search_score = hit.score  # type: ignore[attr-defined]
            out.append(person)
    return out


def _name_fields(n: Any) -> tuple[str, str, str]:
    if isinstance(n, dict):
        return n.get("part", ""), n.get("script", ""), n.get("value", "")
    return n.part, n.script, n.value


def member_identity(names: Iterable[Any]) -> dict[str, str]:
    """The name parts of a registration as the matching engine takes them.

    ``names`` are NameInput-like rows (``part``, ``script``, ``value``) or
    dicts. Each part is taken from the script typed most fully (Arabic,
    then Latin, then Cyrillic on a tie); a part typed only in another
    script fills the gap (the engine compares across scripts).
    """
    by_script: dict[str, dict[str, str]] = {}
    for n in names:
        part, script, value = _name_fields(n)
        value = name_utils.clean(value or "")
        if value and part in PART_ORDER and script in SCRIPT_PREFERENCE:
            by_script.setdefault(script, {}).setdefault(part, value)
    order = sorted(SCRIPT_PREFERENCE, key=lambda s: (-len(by_script.get(s, {})), SCRIPT_PREFERENCE.index(s)))
    chosen: dict[str, str] = {}
    for script in order:
        for part, value in by_script.get(script, {}).items():
            chosen.setdefault(part, value)
    return {f"{part}_name": chosen.get(part, "") for part in PART_ORDER}


def member_data_hash(*, names: Iterable[Any], date_of_birth: dt.date | None, sex: str | None = None) -> str:
    """The keyed hash that ties decisions at the duplicate check to the person registered afterwards."""
    ident = member_identity(names)
    return matching_selectors.person_data_hash(
        given_name=ident["given_name"],
        father_name=ident["father_name"],
        family_name=ident["family_name"],
        date_of_birth=date_of_birth,
        sex=sex or "",
    )


def possible_duplicates(
    *,
    user: Any,
    names: Iterable[Any],
    date_of_birth: dt.date | None,
    sex: str | None = None,
    dob_precision: str = "exact",
    place_of_birth: str = "",
    limit: int = 5,
) -> list[Candidate]:
    """Registered persons at the user's sites who may be the one being registered, best first.

    The matching engine's duplicate check
    (:func:`haven.matching.selectors.duplicate_candidates`): names compared
    across scripts, date of birth with its common errors, sex, place of
    birth; only scores at or above "possible duplicate". Each candidate has
    the names in every script, age, household, site and registration date.
    """
    ident = member_identity(names)
    if not ident["given_name"]:
        return []
    return matching_selectors.duplicate_candidates(
        user=user,
        given_name=ident["given_name"],
        father_name=ident["father_name"],
        grandfather_name=ident["grandfather_name"],
        family_name=ident["family_name"],
        date_of_birth=date_of_birth,
        sex=sex or "",
        dob_precision=dob_precision,
        place_of_birth=place_of_birth,
        limit=limit,
    )


def card_token(card: RegistrationCard) -> str:
    """The opaque signed token printed in the card's QR code (no personal data)."""
    return signing.dumps({"c": card.pk.hex, "v": card.version}, salt=CARD_SALT, compress=True)


def card_verify(*, user: Any, token: str) -> tuple[str, RegistrationCard | None]:
    """('valid'|'revoked'|'closed'|'invalid'|'unknown', card). Logged-in staff at the card's site only.

    'closed': the card is the current one, but the person's case is closed
    (departed, deceased, transferred out of Haven); it verifies again if the
    status is corrected back.
    """
    try:
        data = signing.loads(token, salt=CARD_SALT)
        card_id = uuid.UUID(hex=str(data["c"]))
        version = int(data["v"])
    except (signing.BadSignature, KeyError, ValueError, TypeError):
        return "invalid", None
    card = (
        access.scope(
            user,
            RegistrationCard.objects.select_related("person", "person__status"),
            roles.PERSON_VIEW,
            site_field="person__site",
        )
        .filter(pk=card_id, version=version)
        .first()
    )
    if card is None:
        return "unknown", None
    audit_record(actor=user, action=AuditAction.VIEW, obj=card, fields=["verify"], purpose="card verification")
    # A card left on a record merged into another names a record that no longer stands on its own:
    # the person's valid card is the surviving record's, so this one no longer verifies.
    if card.revoked_at is not None or card.person.status_id == MERGED_STATUS:
        return "revoked", card
    if not card.person.status.is_present:
        return "closed", card
    return "valid", card


def current_card(*, person: Person) -> RegistrationCard | None:
    return RegistrationCard.objects.filter(person=person, revoked_at__isnull=True).first()


def registry_figures(*, user: Any) -> dict[str, int]:
    """Counts for the home page, at the user's sites."""
    persons = persons_visible(user)
    today = timezone.localdate()
    week_start = today - dt.timedelta(days=today.weekday())
    return {
        "persons": persons.filter(status__is_present=True).count(),
        "households": households_visible(user).count(),
        "arrivals_week": persons.filter(household__arrival_date__gte=week_start).count(),
    }
