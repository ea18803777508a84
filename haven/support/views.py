"""Pages: caseload and the case page with its plan, flags and status.

Sessions, examinations and the person's support page are in
``views_sessions``; referrals, disclosures and assessments in
``views_referrals``. Every view asks ``haven.accounts.access`` first.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts import roles
from haven.accounts.access import may, require, sites_with
from haven.accounts.models import Membership
from haven.api.errors import ServiceError
from haven.audit.services import audit_persons_shown
from haven.support import selectors, services
from haven.support.forms import ActionForm, CaseStatusForm, FlagForm, GoalForm
from haven.support.models import Action, CaseFlag, Goal

PAGE_SIZE = 50


def form_error(form: Any, exc: ValidationError | ServiceError) -> None:
    """Put a service's refusal on the form, field by field where it says which."""
    if isinstance(exc, ServiceError):
        form.add_error(None, exc.message)
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def flash_error(request: HttpRequest, exc: ValidationError | ServiceError) -> None:
    text = exc.message if isinstance(exc, ServiceError) else " ".join(exc.messages)
    messages.error(request, text)


get_person = selectors.person_get_for_user


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    require(request.user, roles.CASE_VIEW, purpose="caseload")
    mine = request.GET.get("all") != "1"
    page = Paginator(selectors.caseload(user=request.user, mine=mine), PAGE_SIZE).get_page(request.GET.get("page"))
    audit_persons_shown(
        request.user,
        "caseload",
        [c.person_id for c in page if c.person_id],
        [c.household_id for c in page if not c.person_id],
    )
    context = {"page": page, "mine": mine, "may_manage": may(request.user, roles.CASE_MANAGE)}
    template = "support/_caseload_table.html" if request.htmx else "support/caseload.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _pathway_sections(user: Any, person: Any) -> list[dict[str, str]]:
    """The person's pathway, from the pathways app's hook if it has one."""
    try:
        config = apps.get_app_config("pathways")
    except LookupError:
        return []
    provider = getattr(config, "person_sections", None)
    return list(provider(user, person)) if provider is not None else []


@login_required
def case_detail(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = selectors.case_get_for_user(request.user, case_id)
    detail = selectors.case_detail(user=request.user, case=case)
    may_manage = may(request.user, roles.CASE_MANAGE, case)
    owners = get_user_model().objects.filter(
        pk__in=Membership.objects.current().filter(site_id=case.site_id).values("user_id")
    )
    context = {
        "case": case,
        **detail,
        "pathway": _pathway_sections(request.user, case.person) if case.person_id else [],
        "may_manage": may_manage,
        "may_refer": may(request.user, roles.REFERRAL_MANAGE, case),
        "status_form": CaseStatusForm(initial={"status": case.status.code, "priority": case.priority}),
        "flag_form": FlagForm(),
        "goal_form": GoalForm(),
        "owners": list(owners),
    }
    return render(request, "support/case_detail.html", context)


@login_required
@require_POST
def case_open(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = get_person(request.user, person_id, purpose="open a case")
    target = person
    if request.POST.get("for") == "household" and person.household_id:
        target = person.household
    try:
        if target is person:
            case = services.case_open(actor=request.user, person=person)
        else:
            case = services.case_open(actor=request.user, household=target)
    except (ValidationError, ServiceError) as exc:
        flash_error(request, exc)
        return redirect("support:person", person_id=person.pk)
    messages.success(request, _("Case opened."))
    return redirect("support:case", case_id=case.pk)


@login_required
@require_POST
def case_status(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = selectors.case_get_for_user(request.user, case_id, purpose="change case status")
    form = CaseStatusForm(request.POST)
    if form.is_valid():
        try:
            # Status and priority change together or not at all.
            with transaction.atomic():
                services.case_set_status(
                    actor=request.user,
                    case=case,
                    status_code=form.cleaned_data["status"].code,
                    reason=form.cleaned_data["reason"],
                )
                services.case_update(actor=request.user, case=case, priority=form.cleaned_data["priority"])
            messages.success(request, _("Case updated."))
        except (ValidationError, ServiceError) as exc:
            flash_error(request, exc)
    else:
        messages.error(request, _("Choose a status and a priority."))
    return redirect("support:case", case_id=case.pk)


@login_required
@require_POST
def case_flag_add(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = selectors.case_get_for_user(request.user, case_id, purpose="flag a case")
    form = FlagForm(request.POST)
    if form.is_valid():
        try:
            services.case_flag_add(
                actor=request.user,
                case=case,
                flag_code=form.cleaned_data["flag"].code,
                comment=form.cleaned_data["comment"],
            )
        except (ValidationError, ServiceError) as exc:
            flash_error(request, exc)
    return redirect("support:case", case_id=case.pk)


@login_required
@require_POST
def case_flag_remove(request: HttpRequest, case_id: Any, flag_id: int) -> HttpResponse:
    case = selectors.case_get_for_user(request.user, case_id, purpose="remove a case flag")
    flag = get_object_or_404(CaseFlag, case=case, pk=flag_id, removed_at__isnull=True)
    services.case_flag_remove(actor=request.user, flag=flag)
    return redirect("support:case", case_id=case.pk)


@login_required
@require_POST
def goal_add(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = selectors.case_get_for_user(request.user, case_id, purpose="plan a case")
    form = GoalForm(request.POST)
    if form.is_valid():
        try:
            services.goal_add(actor=request.user, case=case, **form.cleaned_data)
        except (ValidationError, ServiceError) as exc:
            flash_error(request, exc)
    else:
        messages.error(request, _("Write the goal."))
    return redirect("support:case", case_id=case.pk)


@login_required
@require_POST
def action_add(request: HttpRequest, case_id: Any, goal_id: Any) -> HttpResponse:
    case = selectors.case_get_for_user(request.user, case_id, purpose="plan a case")
    goal = get_object_or_404(Goal, case=case, pk=goal_id)
    owners = get_user_model().objects.filter(
        pk__in=Membership.objects.current()
        .filter(site_id__in=sites_with(request.user, roles.CASE_VIEW))
        .values("user_id")
    )
    form = ActionForm(request.POST, owners=owners)
    if form.is_valid():
        try:
            services.action_add(actor=request.user, goal=goal, **form.cleaned_data)
        except (ValidationError, ServiceError) as exc:
            flash_error(request, exc)
    else:
        messages.error(request, _("Write the action."))
    return redirect("support:case", case_id=case.pk)


@login_required
@require_POST
def action_done(request: HttpRequest, case_id: Any, action_id: Any) -> HttpResponse:
    case = selectors.case_get_for_user(request.user, case_id, purpose="plan a case")
    action = get_object_or_404(Action.objects.select_related("goal__case"), goal__case=case, pk=action_id)
    try:
        services.action_done(actor=request.user, action=action)
    except PermissionDenied:
        messages.error(request, _("Only the owner of the action or a caseworker can mark it done."))
    return redirect("support:case", case_id=case.pk)
