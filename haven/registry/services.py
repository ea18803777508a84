"""Changes to households, persons and their names. One transaction each, audited.

Documents, specific needs, consent and cards are in
:mod:`haven.registry.services_documents`, the bulk writer of imports in
:mod:`haven.registry.services_import`; both are re-exported here, so other
apps keep importing from ``haven.registry.services``.

Every change to a person's names, date of birth, sex, status or site brings
the matching app's search index up to date in the same transaction
(``haven.matching.services.person_index_update``).

Public services check access through :mod:`haven.accounts.access` and raise
``PermissionDenied``; the ``_``-prefixed helpers do the work inside a
transaction the caller already holds (the import and the demo use them
after one check for the whole batch).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts import access, roles
from haven.accounts.models import Site
from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.matching import services as matching_services
from haven.matching.models import MERGED_STATUS
from haven.registry import names as name_utils
from haven.registry.models import (
    DatePrecision,
    Household,
    NeedCode,
    Person,
    PersonLanguage,
    PersonName,
    PersonNeed,
    PersonStatus,
    RegistrationCounter,
    Script,
)
from haven.registry.services_documents import (
    MAX_SCAN_BYTES,
    SCAN_TYPES,
    _need_code,
    _user_or_none,
    card_issue,
    consent_record,
    consent_withdraw,
    document_add,
    document_scan_read,
    document_update,
    ensure_not_merged,
    need_add,
    need_codes_active,
    need_resolve,
)

__all__ = [
    "MAX_HOUSEHOLD_SIZE",
    "MAX_SCAN_BYTES",
    "SCAN_TYPES",
    "LanguageInput",
    "MemberInput",
    "NameInput",
    "card_issue",
    "consent_record",
    "consent_withdraw",
    "document_add",
    "document_scan_read",
    "document_update",
    "household_register",
    "household_update",
    "need_add",
    "need_codes_active",
    "need_resolve",
    "next_household_number",
    "next_person_number",
    "person_move_site",
    "person_register",
    "person_set_languages",
    "person_set_names",
    "ensure_not_merged",
    "person_update",
    "reserve_numbers",
    "validate_names",
]

MAX_HOUSEHOLD_SIZE = 40
PERSON_FIELDS = (
    "sex",
    "date_of_birth",
    "dob_precision",
    "place_of_birth",
    "nationalities",
    "phone",
    "phone_owner",
    "profession",
    "relationship",
)
# Values safe to copy into the audit log (no names, dates of birth or phones).
AUDITABLE_VALUES = {"sex", "dob_precision", "relationship", "phone_owner", "status", "nationalities"}


@dataclass
class NameInput:
    part: str
    script: str
    value: str
    is_document_spelling: bool = False


@dataclass
class LanguageInput:
    language: str
    level: str = "native"
    interpreter_needed: bool = False


@dataclass
class MemberInput:
    names: list[NameInput]
    sex: str = "U"
    date_of_birth: dt.date | None = None
    dob_precision: str = DatePrecision.EXACT
    relationship: str = ""
    place_of_birth: str = ""
    nationalities: list[str] = field(default_factory=lambda: ["SY"])
    phone: str = ""
    phone_owner: str = "own"
    profession: str = ""
    languages: list[LanguageInput] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)


# --- Registration numbers --------------------------------------------------


def _next_number(series: str, count: int = 1) -> int:
    """Take ``count`` numbers of ``series`` under a row lock (call inside atomic); return the first."""
    try:
        with transaction.atomic():
            RegistrationCounter.objects.get_or_create(name=series)
    except IntegrityError:  # created by a concurrent transaction meanwhile
        pass
    counter = RegistrationCounter.objects.select_for_update().get(name=series)
    first = counter.value + 1
    counter.value += count
    counter.save(update_fields=["value"])
    return first


def person_number(year: int, n: int) -> str:
    return f"{settings.HAVEN_REGISTRATION_PREFIX}-{year}-{n:06d}"


def household_number(year: int, n: int) -> str:
    return f"{settings.HAVEN_REGISTRATION_PREFIX}-H{year}-{n:05d}"


def reserve_numbers(*, year: int, persons: int, households: int) -> tuple[int, int]:
    """Reserve blocks of numbers for a batch (import); returns the first of each."""
    return _next_number(f"person-{year}", persons), _next_number(f"household-{year}", households)


def next_person_number(*, year: int | None = None) -> str:
    year = year or timezone.localdate().year
    return person_number(year, _next_number(f"person-{year}"))


def next_household_number(*, year: int | None = None) -> str:
    year = year or timezone.localdate().year
    return household_number(year, _next_number(f"household-{year}"))


# --- Validation helpers ----------------------------------------------------


def validate_names(names: Sequence[NameInput]) -> list[NameInput]:
    """Clean typed names and check each is in its column's script."""
    cleaned: list[NameInput] = []
    seen: set[tuple[str, str]] = set()
    errors: list[str] = []
    for n in names:
        value = name_utils.clean(n.value)
        if not value:
            continue
        if (n.part, n.script) in seen:
            errors.append(_("The %(part)s is given twice in one script.") % {"part": n.part})
            continue
        seen.add((n.part, n.script))
        if not name_utils.in_script(value, n.script):
            errors.append(
                _("“%(value)s” is not written in %(script)s letters; type it in the %(script)s column or correct it.")
                % {"value": value, "script": Script(n.script).label}
            )
            continue
        cleaned.append(NameInput(n.part, n.script, value, n.is_document_spelling))
    parts = {n.part for n in cleaned}
    if "given" not in parts:
        errors.append(_("Enter the given name in at least one script."))
    if "family" not in parts:
        errors.append(_("Enter the family name in at least one script."))
    doc_parts = [n.part for n in cleaned if n.is_document_spelling]
    if len(doc_parts) != len(set(doc_parts)):
        errors.append(_("Mark only one spelling of each name part as the one in the identity document."))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _validate_dob(date_of_birth: dt.date | None) -> None:
    if date_of_birth is None:
        return
    today = timezone.localdate()
    if date_of_birth > today:
        raise ValidationError({"date_of_birth": _("The date of birth is in the future; check the year.")})
    if date_of_birth.year < today.year - 120:
        raise ValidationError({"date_of_birth": _("The date of birth is more than 120 years ago; check the year.")})


def _write_names(person: Person, names: Iterable[NameInput]) -> None:
    rows = [
        PersonName(
            person=person,
            part=n.part,
            script=n.script,
            value=n.value,
            normalized=name_utils.normalize(n.value, n.script),
            is_document_spelling=n.is_document_spelling,
        )
        for n in names
    ]
    for row in rows:
        row.full_clean(exclude=["person"], validate_unique=False, validate_constraints=False)
    PersonName.objects.bulk_create(rows)


def _write_languages(person: Person, languages: Iterable[LanguageInput]) -> None:
    rows = []
    for lang in languages:
        code = (lang.language or "").strip().lower()
        if not code:
            continue
        row = PersonLanguage(person=person, language=code, level=lang.level, interpreter_needed=lang.interpreter_needed)
        row.full_clean(exclude=["person"], validate_unique=False)
        rows.append(row)
    PersonLanguage.objects.bulk_create(rows)


# --- Households and persons ------------------------------------------------


def _household_create(
    *,
    actor: Any,
    site: Site,
    arrival_date: dt.date,
    origin_country: str = "SY",
    origin_governorate: str = "",
    origin_district: str = "",
    purpose: str = "registration",
    registration_number: str | None = None,
) -> Household:
    if arrival_date > timezone.localdate():
        raise ValidationError({"arrival_date": _("The arrival date is in the future; check it.")})
    household = Household(
        registration_number=registration_number or next_household_number(year=arrival_date.year),
        site=site,
        arrival_date=arrival_date,
        origin_country=(origin_country or "SY").upper(),
        origin_governorate=origin_governorate.strip(),
        origin_district=origin_district.strip(),
    )
    # Uniqueness comes from the counter and the database constraint; the site exists.
    household.full_clean(exclude=["site"], validate_unique=False, validate_constraints=False)
    household.save(force_insert=True)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=household,
        fields=["registration_number", "site", "arrival_date", "origin"],
        values={"site": str(site.pk), "origin_country": household.origin_country},
        purpose=purpose,
    )
    return household


def person_from_member(
    *, member: MemberInput, site: Site, household: Household | None, registration_number: str
) -> Person:
    """An unsaved, active person from a registration form's or import row's member."""
    return Person(
        registration_number=registration_number,
        site=site,
        household=household,
        relationship=member.relationship,
        sex=member.sex,
        date_of_birth=member.date_of_birth,
        dob_precision=member.dob_precision,
        place_of_birth=member.place_of_birth.strip(),
        nationalities=[c.strip().upper() for c in member.nationalities if c.strip()],
        phone=member.phone.strip(),
        phone_owner=member.phone_owner,
        profession=member.profession.strip(),
        status_id="active",
    )


def _person_create(
    *,
    actor: Any,
    site: Site,
    household: Household | None,
    member: MemberInput,
    purpose: str = "registration",
    registration_number: str | None = None,
    need_codes: dict[str, NeedCode] | None = None,
    index: bool = True,
) -> Person:
    names = validate_names(member.names)
    _validate_dob(member.date_of_birth)
    year = household.arrival_date.year if household else timezone.localdate().year
    person = person_from_member(
        member=member,
        site=site,
        household=household,
        registration_number=registration_number or next_person_number(year=year),
    )
    person.full_clean(exclude=["site", "household", "status"], validate_unique=False, validate_constraints=False)
    person.save(force_insert=True)
    _write_names(person, names)
    _write_languages(person, member.languages)
    for code in member.needs:
        need = PersonNeed(
            person=person,
            code=need_codes[code] if need_codes and code in need_codes else _need_code(code),
            identified_on=household.arrival_date if household else timezone.localdate(),
            recorded_by=_user_or_none(actor),
        )
        need.save(force_insert=True)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=person,
        fields=["registration_number", *PERSON_FIELDS, "names", "languages"] + (["needs"] if member.needs else []),
        values={"sex": person.sex, "relationship": person.relationship, "site": str(site.pk)},
        purpose=purpose,
    )
    if index:
        # Findable by a cross-script search as soon as the transaction commits.
        matching_services.person_index_update(person=person)
    return person


def _require_need_rights(*, actor: Any, site: Site, members: Sequence[MemberInput]) -> None:
    """Needs given at registration are recorded only with the rights ``need_add`` asks for.

    Restricted codes (LP-RP, TR, SV…) need ``registry.needs.protection.view``
    at the site, as in the import and on the person page.
    """
    codes = {c.strip().upper() for m in members for c in m.needs if c.strip()}
    if not codes:
        return
    access.require(actor, roles.NEEDS_EDIT, site=site, purpose="specific needs")
    if NeedCode.objects.filter(code__in=codes, restricted=True).exists():
        access.require(actor, roles.NEEDS_PROTECTION_VIEW, site=site, purpose="specific needs")


def household_register(
    *,
    actor: Any,
    site: Site,
    arrival_date: dt.date,
    members: Sequence[MemberInput],
    origin_country: str = "SY",
    origin_governorate: str = "",
    origin_district: str = "",
) -> Household:
    """Register a household and all its members, or nothing at all."""
    access.require(actor, roles.PERSON_REGISTER, site=site, purpose="registration")
    if not members:
        raise ValidationError(_("Add at least one member to the household."))
    if len(members) > MAX_HOUSEHOLD_SIZE:
        raise ValidationError(
            _("A household may have at most %(max)d members; split it into related households.")
            % {"max": MAX_HOUSEHOLD_SIZE}
        )
    heads = [m for m in members if m.relationship == "head"]
    if len(heads) > 1:
        raise ValidationError(_("Only one member can be the head of the household."))
    _require_need_rights(actor=actor, site=site, members=members)
    with transaction.atomic():
        household = _household_create(
            actor=actor,
            site=site,
            arrival_date=arrival_date,
            origin_country=origin_country,
            origin_governorate=origin_governorate,
            origin_district=origin_district,
        )
        for index, member in enumerate(members, 1):
            try:
                person = _person_create(actor=actor, site=site, household=household, member=member)
            except ValidationError as exc:
                raise ValidationError(
                    [_("Member %(n)d: %(errors)s") % {"n": index, "errors": " ".join(exc.messages)}]
                ) from exc
            _attach_duplicate_decisions(actor=actor, person=person, member=member)
    return household


def person_register(*, actor: Any, site: Site, member: MemberInput, household: Household | None = None) -> Person:
    """Register one person, alone or into an existing household."""
    access.require(actor, roles.PERSON_REGISTER, site=site, purpose="registration")
    if household is not None and household.site_id != site.pk:
        raise ValidationError(_("The household is held by another site."))
    _require_need_rights(actor=actor, site=site, members=[member])
    with transaction.atomic():
        person = _person_create(actor=actor, site=site, household=household, member=member)
        _attach_duplicate_decisions(actor=actor, person=person, member=member)
    return person


def _attach_duplicate_decisions(*, actor: Any, person: Person, member: MemberInput) -> None:
    """Tie the officer's decisions at the duplicate check (if any) to the person just registered.

    The check hashed the same identity (:func:`selectors.member_data_hash`);
    every candidate called "a different person" is queued for review.
    """
    from haven.registry.selectors import member_data_hash

    matching_services.duplicate_decisions_attach(
        actor=actor,
        person=person,
        new_person_data_hash=member_data_hash(names=member.names, date_of_birth=member.date_of_birth, sex=member.sex),
    )


def household_update(*, actor: Any, household: Household, **changes: Any) -> Household:
    access.require(actor, roles.PERSON_EDIT, household, purpose="correction")
    allowed = {"arrival_date", "origin_country", "origin_governorate", "origin_district"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    with transaction.atomic():
        locked = Household.objects.select_for_update().get(pk=household.pk)
        changed = [k for k, v in changes.items() if getattr(locked, k) != v]
        for key in changed:
            setattr(locked, key, changes[key])
        locked.full_clean()
        locked.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, fields=changed, purpose="correction")
    return locked


def _lock_where_checked(person: Person) -> Person:
    """Lock the person's row; refuse if it moved to another site since the right was checked on ``person``."""
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.site_id != person.site_id:
        raise ValidationError(_("This person's record has just been moved to another site: open it again."))
    return locked


def person_update(*, actor: Any, person: Person, **changes: Any) -> Person:
    """Correct a person's details (not names: see :func:`person_set_names`)."""
    access.require(actor, roles.PERSON_EDIT, person, purpose="correction")
    ensure_not_merged(person)
    allowed = set(PERSON_FIELDS) | {"status"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if "status" in changes:
        code = changes.pop("status")
        if code == MERGED_STATUS:
            raise ValidationError(
                {"status": _("A record is merged only through the review of duplicates, which can undo it.")}
            )
        if not PersonStatus.objects.filter(code=code, is_active=True).exists():
            raise ValidationError({"status": _("Unknown status “%(code)s”.") % {"code": code}})
        changes["status_id"] = code
    if "date_of_birth" in changes:
        _validate_dob(changes["date_of_birth"])
    with transaction.atomic():
        locked = _lock_where_checked(person)
        changed = [k for k, v in changes.items() if getattr(locked, k) != v]
        for key in changed:
            setattr(locked, key, changes[key])
        locked.full_clean()
        locked.save()
        names = [k.removesuffix("_id") for k in changed]
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            fields=names,
            values={k.removesuffix("_id"): changes[k] for k in changed if k.removesuffix("_id") in AUDITABLE_VALUES},
            purpose="correction",
        )
        if changed:
            matching_services.person_index_update(person=locked)
        if "status_id" in changed and not locked.status.is_present:
            # A departed, deceased or transferred person frees their bed.
            from haven.shelter.services import stays_end_for_person
            from haven.shelter.services_transfers import transfers_cancel_for_person

            stays_end_for_person(actor=actor, person=locked)
            transfers_cancel_for_person(actor=actor, person=locked)
    return locked


def person_set_names(*, actor: Any, person: Person, names: Sequence[NameInput]) -> Person:
    """Replace all of a person's names with ``names`` (validated as a whole)."""
    access.require(actor, roles.PERSON_EDIT, person, purpose="correction")
    ensure_not_merged(person)
    cleaned = validate_names(names)
    with transaction.atomic():
        locked = _lock_where_checked(person)
        locked.names.all().delete()
        _write_names(locked, cleaned)
        locked.save(update_fields=["updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, fields=["names"], purpose="correction")
        matching_services.person_index_update(person=locked)
    return locked


def person_set_languages(*, actor: Any, person: Person, languages: Sequence[LanguageInput]) -> Person:
    access.require(actor, roles.PERSON_EDIT, person, purpose="correction")
    ensure_not_merged(person)
    with transaction.atomic():
        _lock_where_checked(person)
        person.languages.all().delete()
        _write_languages(person, languages)
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=person, fields=["languages"], purpose="correction")
    return person


TRANSFERRED_STATUS = "transferred"


def person_transferred_out(*, actor: Any, person: Person) -> Person:
    """Close the case of a person transferred out of Haven (to a region it does not run).

    The record stays with the sending site, as its record of whom it sent
    where, but the person no longer counts as present there, and their card
    no longer verifies. The caller (shelter's transfer service) checked its
    own right, ended the stay and completed the transfer.
    """
    ensure_not_merged(person)
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.status_id == TRANSFERRED_STATUS:
            return locked
        old_status = locked.status_id
        locked.status_id = TRANSFERRED_STATUS
        locked.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            fields=["status"],
            values={"status": TRANSFERRED_STATUS, "from_status": str(old_status)},
            purpose="transfer",
        )
    return locked


def person_move_site(*, actor: Any, person: Person, site: Site, reason: str = "") -> Person:
    """Hand a person's case to another site (a transfer that has consent).

    Only the site changes here; the caller (shelter's transfer service)
    checks consent and ends the stay.
    """
    ensure_not_merged(person)
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        old_site_id = locked.site_id
        locked.site = site
        locked.save(update_fields=["site", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            fields=["site"],
            values={"from_site": str(old_site_id), "to_site": str(site.pk)},
            purpose=reason,
        )
        matching_services.person_index_update(person=locked)
    return locked
