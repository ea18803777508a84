"""Writing a checked import in bulk: one transaction, a few statements per table.

:func:`households_import` writes what :func:`haven.registry.importer.parse`
checked. Compared with registering each person through
:func:`haven.registry.services.household_register` it

- validates every member first (names in their scripts, dates of birth),
  before anything is written;
- takes registration numbers in one block per arrival year (one locked
  counter update per series, not one per record);
- reads the specific-need codes once;
- inserts households, persons, names, languages and needs with
  ``bulk_create``;
- still writes one audit event per household and per person (the audit
  chain is per record), and brings the search index up to date for every
  new person, inside the same transaction.

The caller checks access (``registry.person.import`` at the site) once for
the whole file and holds the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import Site
from haven.audit.models import AuditAction
from haven.audit.services import AuditEntry, audit_record_many
from haven.matching import services as matching_services
from haven.registry import names as name_utils
from haven.registry.models import Household, Person, PersonLanguage, PersonName, PersonNeed
from haven.registry.services import (
    PERSON_FIELDS,
    MemberInput,
    NameInput,
    _validate_dob,
    household_number,
    person_from_member,
    person_number,
    reserve_numbers,
    validate_names,
)
from haven.registry.services_documents import _user_or_none, need_codes_active

BATCH = 1000
INDEX_MODE = "auto"
"""How the search index is kept current: ``"each"`` new person (``person_index_update``, about 6 ms
each), ``"rebuild"`` the whole index once at the end (``person_index_rebuild``, about 0.4 ms per person
in the registry), or ``"auto"``: rebuild when the registry holds at most ``REBUILD_RATIO`` times as many
persons as the import adds, otherwise each. See docs/registry.md for the timings."""
REBUILD_RATIO = 10


class HouseholdRows(Protocol):
    """What the importer hands over for one household (``importer.ParsedHousehold``)."""

    arrival_date: dt.date
    origin_country: str
    origin_governorate: str
    origin_district: str
    first_row: int
    members: list[MemberInput]


class RowFailed(Exception):
    """A member failed validation; ``row`` is its row in the file."""

    def __init__(self, row: int, message: str) -> None:
        super().__init__(message)
        self.row, self.message = row, message


def _check(households: Sequence[HouseholdRows]) -> list[list[list[NameInput]]]:
    """Cleaned names of every member, or RowFailed for the first member that fails."""
    today = timezone.localdate()
    out = []
    for hh in households:
        if hh.arrival_date > today:
            raise RowFailed(hh.first_row, _("The arrival date is in the future; check it."))
        members = []
        for offset, member in enumerate(hh.members):
            try:
                members.append(validate_names(member.names))
                _validate_dob(member.date_of_birth)
            except ValidationError as exc:
                raise RowFailed(hh.first_row + offset, " ".join(exc.messages)) from exc
        out.append(members)
    return out


def households_import(
    *,
    actor: Any,
    site: Site,
    households: Sequence[HouseholdRows],
    purpose: str = "import",
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    """Create every household and member in ``households``; returns (households, persons).

    All or nothing: raises :class:`RowFailed` (nothing written) if a member
    does not validate. Audited per household and per person.
    """
    names_by_member = _check(households)
    need_codes = need_codes_active()
    for hh in households:
        for m in hh.members:
            unknown = [c for c in m.needs if c.strip().upper() not in need_codes]
            if unknown:
                raise RowFailed(hh.first_row, _("Unknown specific-need code “%(code)s”.") % {"code": unknown[0]})
    user = _user_or_none(actor)
    with transaction.atomic():
        # Registration numbers: one block per arrival year and series.
        per_year_hh = Counter(hh.arrival_date.year for hh in households)
        per_year_p: Counter[int] = Counter()
        for hh in households:
            per_year_p[hh.arrival_date.year] += len(hh.members)
        next_hh: dict[int, int] = {}
        next_p: dict[int, int] = {}
        for year in sorted(per_year_hh):
            next_p[year], next_hh[year] = reserve_numbers(
                year=year, persons=per_year_p[year], households=per_year_hh[year]
            )

        hh_rows: list[Household] = []
        persons: list[Person] = []
        names: list[PersonName] = []
        languages: list[PersonLanguage] = []
        needs: list[PersonNeed] = []
        for hh, member_names in zip(households, names_by_member, strict=True):
            year = hh.arrival_date.year
            household = Household(
                registration_number=household_number(year, next_hh[year]),
                site=site,
                arrival_date=hh.arrival_date,
                origin_country=(hh.origin_country or "SY").upper(),
                origin_governorate=hh.origin_governorate.strip(),
                origin_district=hh.origin_district.strip(),
            )
            next_hh[year] += 1
            household.full_clean(exclude=["site"], validate_unique=False, validate_constraints=False)
            hh_rows.append(household)
            for offset, (member, cleaned) in enumerate(zip(hh.members, member_names, strict=True)):
                person = person_from_member(
                    member=member,
                    site=site,
                    household=household,
                    registration_number=person_number(year, next_p[year]),
                )
                next_p[year] += 1
                try:
                    person.full_clean(
                        exclude=["site", "household", "status"], validate_unique=False, validate_constraints=False
                    )
                    for n in cleaned:
                        row = PersonName(
                            person=person,
                            part=n.part,
                            script=n.script,
                            value=n.value,
                            normalized=name_utils.normalize(n.value, n.script),
                            is_document_spelling=n.is_document_spelling,
                        )
                        row.full_clean(exclude=["person"], validate_unique=False, validate_constraints=False)
                        names.append(row)
                    for lang in member.languages:
                        code = (lang.language or "").strip().lower()
                        if code:
                            row_l = PersonLanguage(
                                person=person,
                                language=code,
                                level=lang.level,
                                interpreter_needed=lang.interpreter_needed,
                            )
                            row_l.full_clean(exclude=["person"], validate_unique=False)
                            languages.append(row_l)
                except ValidationError as exc:
                    raise RowFailed(hh.first_row + offset, " ".join(exc.messages)) from exc
                for code in member.needs:
                    needs.append(
                        PersonNeed(
                            person=person,
                            code=need_codes[code.strip().upper()],
                            identified_on=hh.arrival_date,
                            recorded_by=user,
                        )
                    )
                persons.append(person)

        Household.objects.bulk_create(hh_rows, batch_size=BATCH)
        Person.objects.bulk_create(persons, batch_size=BATCH)
        PersonName.objects.bulk_create(names, batch_size=BATCH)
        PersonLanguage.objects.bulk_create(languages, batch_size=BATCH)
        PersonNeed.objects.bulk_create(needs, batch_size=BATCH)

        rebuild = INDEX_MODE == "rebuild" or (
            INDEX_MODE == "auto" and Person.objects.count() <= REBUILD_RATIO * len(persons)
        )
        # One audit event per record, as registration writes them.
        site_id = str(site.pk)
        done = 0
        total = len(persons)
        by_household: dict[Any, list[Person]] = {}
        for p in persons:
            by_household.setdefault(p.household_id, []).append(p)
        need_persons = {n.person_id for n in needs}
        entries: list[AuditEntry] = []
        for household in hh_rows:
            entries.append(
                AuditEntry(
                    AuditAction.CREATE,
                    obj=household,
                    fields=["registration_number", "site", "arrival_date", "origin"],
                    values={"site": site_id, "origin_country": household.origin_country},
                    purpose=purpose,
                )
            )
            for person in by_household.get(household.pk, []):
                entries.append(
                    AuditEntry(
                        AuditAction.CREATE,
                        obj=person,
                        fields=["registration_number", *PERSON_FIELDS, "names", "languages"]
                        + (["needs"] if person.pk in need_persons else []),
                        values={"sex": person.sex, "relationship": person.relationship, "site": site_id},
                        purpose=purpose,
                    )
                )
                if not rebuild:
                    matching_services.person_index_update(person=person)
                done += 1
                if progress and done % 500 == 0:
                    progress(done, total)
        audit_record_many(actor=actor, entries=entries)
        if rebuild:
            matching_services.person_index_rebuild()
    return len(hh_rows), len(persons)
