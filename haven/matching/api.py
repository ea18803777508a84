"""REST endpoints of the matching app, mounted under /api/v1/ by haven.api.

Search is ``POST /api/v1/persons/search`` with ``{"q": …}``. The issue asked
for ``GET /api/v1/persons/search?q=…``, but a name in a URL is written to
every proxy's and web server's access log and to browser history, and the
design says nothing personal goes into a URL: the GET answers 405 with a
message saying to POST, and reads nothing.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from haven.accounts import roles
from haven.accounts.access import may, require
from haven.api.errors import ServiceError
from haven.matching import selectors

router = Router(tags=["matching"])


class SearchIn(Schema):
    q: str = Field(..., max_length=200, description="What was typed, in any script")
    limit: int = Field(10, ge=1, le=50)


class SearchHitOut(Schema):
    person_id: uuid.UUID
    registration_number: str
    names: dict[str, str] = Field(..., description="Full name per script: ar, la, cy")
    score: float


class DuplicateCheckIn(Schema):
    given_name: str = Field(..., max_length=100)
    father_name: str = Field("", max_length=100)
    grandfather_name: str = Field("", max_length=100)
    family_name: str = Field("", max_length=100)
    date_of_birth: date | None = None
    dob_precision: str = "exact"
    sex: str = Field("", max_length=1)
    place_of_birth: str = Field("", max_length=120)
    limit: int = Field(5, ge=1, le=20)


class CandidateOut(Schema):
    person_id: uuid.UUID
    registration_number: str
    score: float
    band: str = Field(
        ...,
        description="The scorer's judgement: same (from 0.85), possible (from 0.5) or different; "
        "the check lists candidates from 0.12, so 'different' here means similar names to check",
    )
    names: dict[str, str]
    date_of_birth: date | None
    age: int | None
    sex: str
    household_number: str
    site_name: str
    registered_on: date
    reasons: list[str]


class DuplicateCheckOut(Schema):
    data_hash: str
    candidates: list[CandidateOut]


def _require(request: HttpRequest, capability: str) -> None:
    """The capability at some site; a refusal is audited, as everywhere else."""
    if not may(request.user, capability):
        require(request.user, capability, purpose="api")


def _hits(request: HttpRequest, q: str, limit: int) -> list[dict[str, Any]]:
    _require(request, roles.PERSON_VIEW)
    hits = selectors.person_search(user=request.user, query=q, limit=limit)
    return [
        {"person_id": h.person_id, "registration_number": h.registration_number, "names": h.names, "score": h.score}
        for h in hits
    ]


@router.get("/persons/search", response={405: dict[str, Any]})
def persons_search_get(request: HttpRequest) -> Any:
    """Refused: names are not sent in URLs. ``POST /persons/search`` with ``{"q": …}``."""
    raise ServiceError(
        "names_in_url",
        _('Names are not sent in a URL, where access logs keep them: POST /api/v1/persons/search with {"q": …}.'),
        status=405,
    )


@router.post("/persons/search", response=list[SearchHitOut])
def persons_search_post(request: HttpRequest, payload: SearchIn) -> Any:
    """The same search with the text in the body (keeps names out of access logs)."""
    return _hits(request, payload.q, payload.limit)


@router.post("/persons/duplicates", response=DuplicateCheckOut)
def persons_duplicates(request: HttpRequest, payload: DuplicateCheckIn) -> Any:
    """Possible duplicates of a registration being entered, with the facts to decide."""
    _require(request, roles.PERSON_REGISTER)
    data = payload.dict()
    limit = data.pop("limit")
    candidates = selectors.duplicate_candidates(user=request.user, limit=limit, **data)
    data_hash = selectors.person_data_hash(
        given_name=payload.given_name,
        father_name=payload.father_name,
        family_name=payload.family_name,
        date_of_birth=payload.date_of_birth,
        sex=payload.sex,
    )
    out = [c.__dict__ | {"reasons": [str(r) for r in c.reasons]} for c in candidates]  # English lines
    return {"data_hash": data_hash, "candidates": out}
