"""Pages: referrals, the disclosure register and needs assessments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts import roles
from haven.accounts.access import require
from haven.api.errors import ServiceError
from haven.audit.services import audit_persons_shown
from haven.support import selectors, services_referrals
from haven.support.forms import AssessmentForm, ReferralForm, ReferralStatusForm
from haven.support.models import ReferralStatus
from haven.support.views import PAGE_SIZE, flash_error, form_error, get_person


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    require(request.user, roles.REFERRAL_MANAGE, purpose="referrals")
    status = request.GET.get("status") or ""
    if status not in ReferralStatus.values:
        status = ""
    qs = selectors.referrals_for_user(user=request.user, status=status or None)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_persons_shown(request.user, "referral_list", list(dict.fromkeys(r.person_id for r in page)))
    context = {"page": page, "status": status, "statuses": ReferralStatus.choices, "status_form": ReferralStatusForm()}
    template = "support/_referral_table.html" if request.htmx else "support/referrals.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def referral_new(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = get_person(request.user, person_id, purpose="refer to a service", needs=(roles.REFERRAL_MANAGE,))
    form = ReferralForm(request.POST or None, site=person.site_id)
    if request.method == "POST" and form.is_valid():
        try:
            services_referrals.referral_create(actor=request.user, person=person, **form.cleaned_data)
        except (ValidationError, ServiceError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Referral sent and the disclosure registered."))
            return redirect("support:referrals")
    consent_state, registry_consent = selectors.referral_consent(person)
    context = {"form": form, "person": person, "consent_state": consent_state, "registry_consent": registry_consent}
    return render(request, "support/referral_form.html", context)


@login_required
@require_POST
def referral_status(request: HttpRequest, referral_id: Any) -> HttpResponse:
    referral = selectors.referral_get_for_user(request.user, referral_id)
    form = ReferralStatusForm(request.POST)
    if form.is_valid():
        try:
            services_referrals.referral_set_status(actor=request.user, referral=referral, **form.cleaned_data)
            messages.success(request, _("Referral updated."))
        except (ValidationError, ServiceError) as exc:
            flash_error(request, exc)
    return redirect("support:referrals")


@login_required
def disclosure_list(request: HttpRequest) -> HttpResponse:
    if not selectors.may_view_disclosures(request.user):
        require(request.user, roles.REFERRAL_MANAGE, purpose="disclosure register")
    page = Paginator(selectors.disclosures_for_user(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    audit_persons_shown(request.user, "disclosure_register", list(dict.fromkeys(d.person_id for d in page)))
    return render(request, "support/disclosures.html", {"page": page})


@login_required
def assessment_new(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = selectors.case_get_for_user(request.user, case_id, purpose="assess needs")
    require(request.user, roles.CASE_MANAGE, case, purpose="assess needs")
    questionnaire = selectors.questionnaire_current()
    questions = list(questionnaire.questions.all())
    form = AssessmentForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            services_referrals.assessment_record(
                actor=request.user,
                case=case,
                questionnaire=questionnaire,
                answers=form.answers(),
                kind=form.cleaned_data["kind"],
            )
        except (ValidationError, ServiceError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Assessment saved. Confirm the proposed needs and flags below."))
            return redirect("support:case", case_id=case.pk)
    context = {"form": form, "case": case, "questionnaire": questionnaire}
    return render(request, "support/assessment_form.html", context)


@login_required
@require_POST
def proposal_decide(request: HttpRequest, proposal_id: Any) -> HttpResponse:
    proposal = selectors.proposal_get_for_user(request.user, proposal_id)
    decision = request.POST.get("decision")
    if decision not in {"confirm", "reject"}:
        raise PermissionDenied("decision")
    case = proposal.assessment.case
    persons = selectors.case_members(case, ids=request.POST.getlist("persons")) if case.household_id else None
    try:
        services_referrals.proposal_decide(
            actor=request.user, proposal=proposal, confirm=decision == "confirm", persons=persons
        )
    except (ValidationError, ServiceError) as exc:
        flash_error(request, exc)
    return redirect("support:case", case_id=proposal.assessment.case_id)
