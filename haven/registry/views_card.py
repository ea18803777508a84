"""Registration cards: issue, print as PDF, verify a scanned token."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from haven.accounts import access, roles
from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.registry import selectors, services
from haven.registry.cards import card_pdf as render_card


@login_required
@require_POST
def card_issue(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = selectors.person_get(user=request.user, person_id=person_id, audit_read=False)
    services.card_issue(actor=request.user, person=person)
    messages.success(request, _("A new card was issued; any earlier card no longer verifies."))
    return redirect("registry:person", person_id=person.pk)


@login_required
@require_GET
def card_pdf(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = selectors.person_get(user=request.user, person_id=person_id, purpose="registration card")
    access.require(request.user, roles.CARD_ISSUE, person, purpose="registration card")
    card = selectors.current_card(person=person)
    if card is None:
        raise Http404
    audit_record(
        actor=request.user, action=AuditAction.EXPORT, obj=card, fields=["card_pdf"], purpose="registration card"
    )
    response = HttpResponse(render_card(person=person, card=card), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="card-{person.registration_number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def card_verify(request: HttpRequest, token: str = "") -> HttpResponse:
    """Confirm a card: valid, replaced by a newer card, or not one of ours.

    Staff scan the QR code (which holds only the token) or paste the token.
    """
    if not access.may(request.user, roles.PERSON_VIEW):
        access.require(request.user, roles.PERSON_VIEW, purpose="card verification")
    if request.method == "POST":
        token = (request.POST.get("token") or "").strip()
    result, card, name = "", None, ""
    if token:
        result, card = selectors.card_verify(user=request.user, token=token)
        if card is not None:
            name = selectors.best_name(card.person)
    return render(request, "registry/verify.html", {"result": result, "card": card, "name": name})
