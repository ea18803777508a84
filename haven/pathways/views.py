"""Pathway pages: worklist, steps, timelines, progress and notifications."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from haven.accounts import access
from haven.accounts.models import Site
from haven.accounts.roles import STEP_UPDATE, STEP_VIEW
from haven.audit.models import AuditAction
from haven.audit.services import audit_persons_shown, audit_record
from haven.pathways import notify, selectors, services
from haven.pathways.forms import BulkCompleteForm, ScanForm, StepCompleteForm, StepStatusForm, WorklistFilterForm
from haven.pathways.models import Step
from haven.pathways.people import display_name
from haven.pathways.services.scans import EXTENSIONS


def _require_any(user: Any, capability: str) -> None:
    if not access.may(user, capability):
        access.require(user, capability, purpose="pathways page")


def get_person(user: Any, pk: Any, capability: str = STEP_VIEW, *, purpose: str = "pathway timeline") -> Any:
    from haven.registry.models import Person

    qs = Person.objects.select_related("site", "household").prefetch_related("names")
    return access.get_for_user(user, qs, pk, capability=capability, purpose=purpose, audit_read=True)


def get_household(user: Any, pk: Any, capability: str = STEP_VIEW) -> Any:
    from haven.registry.models import Household

    return access.get_for_user(
        user, Household.objects.select_related("site"), pk, capability=capability, purpose="pathway timeline"
    )


def get_step(user: Any, pk: Any, capability: str = STEP_VIEW) -> Step:
    qs = Step.objects.select_related("step_template", "person", "person__site", "enrolment", "completed_by")
    return access.get_for_user(
        user, qs, pk, capability=capability, site_field="person__site", purpose="pathway step", audit_read=True
    )


def _rows(steps: list[Step]) -> list[dict[str, Any]]:
    today = timezone.localdate()
    return [
        {
            "step": s,
            "name": display_name(s.person),
            "overdue": bool(s.due_date and s.due_date < today),
            "late": (today - s.due_date).days if s.due_date and s.due_date < today else 0,
        }
        for s in steps
    ]


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    _require_any(request.user, STEP_VIEW)
    sites = selectors.progress_sites(request.user)
    form = WorklistFilterForm(request.GET or None, steps=selectors.step_codes_for_filters(request.user), sites=sites)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.WorklistFilter(
        mine=not data.get("everyone", False),
        due=data.get("due") or "due",
        category=data.get("category", ""),
        step_code=data.get("step", ""),
        site_id=data.get("site", ""),
    )
    steps = selectors.worklist(user=request.user, filters=filters)
    rows = _rows(steps)
    audit_persons_shown(request.user, "pathway_worklist", list(dict.fromkeys(r["step"].person_id for r in rows)))
    context = {
        "form": form,
        "rows": rows,
        "bulk_form": BulkCompleteForm(),
        "may_update": access.may(request.user, STEP_UPDATE),
    }
    template = "pathways/_worklist_table.html" if getattr(request, "htmx", False) else "pathways/worklist.html"
    return render(request, template, context)


@login_required
@require_POST
def worklist_bulk(request: HttpRequest) -> HttpResponse:
    """Mark the chosen steps done in one transaction (a group examined today)."""
    _require_any(request.user, STEP_UPDATE)
    form = BulkCompleteForm(request.POST)
    ids = request.POST.getlist("steps")
    if not form.is_valid():
        messages.error(request, _("Enter the date the steps were done."))
        return redirect("pathways:worklist")
    steps = list(
        selectors.steps_visible(request.user, STEP_UPDATE)
        .filter(pk__in=[i for i in ids if _is_uuid(i)])
        .select_related("person", "step_template")
    )
    if len(steps) != len(ids):
        raise PermissionDenied
    try:
        done = services.steps_complete_bulk(
            actor=request.user,
            steps=steps,
            completed_on=form.cleaned_data["completed_on"],
            result=form.cleaned_data["result"].strip(),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Steps marked done: %(count)d.") % {"count": len(done)})
    return redirect(request.POST.get("next", "") if _safe_next(request) else "pathways:worklist")


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _safe_next(request: HttpRequest) -> bool:
    target = request.POST.get("next", "")
    return target.startswith("/pathways/") and "//" not in target


@login_required
def expiring(request: HttpRequest) -> HttpResponse:
    _require_any(request.user, STEP_VIEW)
    try:
        days = max(0, min(int(request.GET.get("days", "30")), 3650))
    except ValueError:
        days = 30
    steps = selectors.expiring_documents(user=request.user, within_days=days)
    today = timezone.localdate()
    rows = [
        {"step": s, "name": display_name(s.person), "expired": bool(s.expires_on and s.expires_on < today)}
        for s in steps
    ]
    audit_persons_shown(request.user, "expiring_documents", list(dict.fromkeys(s.person_id for s in steps)))
    return render(request, "pathways/expiring.html", {"rows": rows, "days": days})


@login_required
def step_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    step = get_step(request.user, pk)
    may_update = access.may(request.user, STEP_UPDATE, step)
    complete_form = StepCompleteForm(step_template=step.step_template)
    status_form = StepStatusForm(initial={"status": step.status, "reason": step.blocked_reason})
    scan_form = ScanForm()
    if request.method == "POST":
        if not may_update:
            access.require(request.user, STEP_UPDATE, step, purpose="pathway step")
        try:
            if request.POST.get("action") == "complete":
                complete_form = StepCompleteForm(request.POST, request.FILES, step_template=step.step_template)
                if complete_form.is_valid():
                    upload = complete_form.cleaned_data.get("scan")
                    services.step_complete(
                        actor=request.user,
                        step=step,
                        completed_on=complete_form.cleaned_data["completed_on"],
                        result=complete_form.cleaned_data.get("result", ""),
                        evidence=complete_form.evidence(),
                        scan=upload.read() if upload else None,
                    )
                    messages.success(request, _("Step marked done."))
                    return redirect("pathways:person", step.person_id)
            elif request.POST.get("action") == "scan":
                scan_form = ScanForm(request.POST, request.FILES)
                if scan_form.is_valid():
                    services.step_scan_attach(actor=request.user, step=step, data=scan_form.cleaned_data["scan"].read())
                    messages.success(request, _("The scan was attached."))
                    return redirect("pathways:step", step.pk)
                messages.error(request, _("Choose the file to attach."))
            else:
                status_form = StepStatusForm(request.POST)
                if status_form.is_valid():
                    services.step_set_status(
                        actor=request.user,
                        step=step,
                        status=status_form.cleaned_data["status"],
                        reason=status_form.cleaned_data["reason"],
                    )
                    messages.success(request, _("Status changed."))
                    return redirect("pathways:person", step.person_id)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(
        request,
        "pathways/step.html",
        {
            "step": step,
            "name": display_name(step.person),
            "complete_form": complete_form,
            "status_form": status_form,
            "scan_form": scan_form,
            "scan": selectors.step_scan_info(step=step),
            "may_update": may_update,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def step_scan(request: HttpRequest, pk: Any) -> HttpResponse:
    """The decrypted scan, as a download (never shown inline), for those who may see the step."""
    step = get_step(request.user, pk)
    try:
        data, content_type = services.step_scan_read(actor=request.user, step=step)
    except ValidationError as exc:
        raise Http404 from exc
    response = HttpResponse(data, content_type=content_type)
    extension = EXTENSIONS.get(content_type, "bin")
    response["Content-Disposition"] = f'attachment; filename="evidence-{step.step_template.code}.{extension}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def person_timeline(request: HttpRequest, pk: Any) -> HttpResponse:
    person = get_person(request.user, pk)
    enrolment = selectors.person_enrolment(person=person)
    return render(
        request,
        "pathways/person.html",
        {
            "person": person,
            "name": display_name(person),
            "enrolment": enrolment,
            "today": timezone.localdate(),
            "may_update": access.may(request.user, STEP_UPDATE, person),
        },
    )


@login_required
@require_POST
def person_enrol(request: HttpRequest, pk: Any) -> HttpResponse:
    person = get_person(request.user, pk, STEP_UPDATE, purpose="pathway enrolment")
    try:
        services.enrolment_create(actor=request.user, person=person)
        messages.success(request, _("Enrolled in the pathway."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("pathways:person", person.pk)


@login_required
def household_timeline(request: HttpRequest, pk: Any) -> HttpResponse:
    household = get_household(request.user, pk)
    rows = [
        {"person": p, "name": display_name(p), "enrolment": e}
        for p, e in selectors.household_timeline(household=household, user=request.user)
    ]
    return render(
        request,
        "pathways/household.html",
        {
            "household": household,
            "rows": rows,
            "today": timezone.localdate(),
            "may_update": access.may(request.user, STEP_UPDATE, household),
        },
    )


@login_required
@require_POST
def household_enrol(request: HttpRequest, pk: Any) -> HttpResponse:
    household = get_household(request.user, pk, STEP_UPDATE)
    try:
        enrolled = services.household_enrol(actor=request.user, household=household)
        messages.success(request, _("People enrolled: %(count)d.") % {"count": len(enrolled)})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("pathways:household", household.pk)


def _progress_site(request: HttpRequest) -> Site:
    sites = selectors.progress_sites(request.user)
    if not sites:
        access.require(request.user, STEP_VIEW, purpose="pathway progress")
    wanted = request.GET.get("site", "")
    for site in sites:
        if str(site.pk) == wanted:
            return site
    return sites[0]


@login_required
def progress(request: HttpRequest) -> HttpResponse:
    site = _progress_site(request)
    rows = selectors.site_funnel(site=site)
    total = max((r.applicable for r in rows), default=0)
    return render(
        request,
        "pathways/progress.html",
        {
            "site": site,
            "sites": selectors.progress_sites(request.user),
            "rows": rows,
            "total": total,
            "overdue": sum(r.overdue for r in rows),
        },
    )


@login_required
def progress_export(request: HttpRequest) -> HttpResponse:
    """The funnel as CSV: figures only, no names. Audited as an export."""
    site = _progress_site(request)
    rows = selectors.site_funnel(site=site)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=site,
        fields=["pathway_funnel"],
        values={"rows": len(rows)},
        purpose="pathway progress export",
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pathway-progress-{site.code}.csv"'
    writer = csv.writer(response)
    writer.writerow(["step", "title", "category", "applicable", "done", "percent_done", "overdue", "median_days"])
    for r in rows:
        writer.writerow([r.code, r.title, r.category, r.applicable, r.done, r.percent, r.overdue, r.median_days or ""])
    return response


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        notify.notifications_mark_read(user=request.user)
        return redirect("pathways:notifications")
    return render(request, "pathways/notifications.html", {"items": selectors.notifications_for(user=request.user)})
