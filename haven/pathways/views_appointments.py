"""Appointment pages: book, calendar, missed and rebooked, the printable slip."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts import access
from haven.accounts.roles import APPOINTMENT_MANAGE, STEP_VIEW
from haven.pathways import selectors, services
from haven.pathways.forms import AppointmentForm, RebookForm
from haven.pathways.models import OPEN_STATUSES, Appointment, EnrolmentStatus, Step, StepTemplate
from haven.pathways.people import display_name
from haven.pathways.views import get_household, get_person

NAME_PARTS = ("given", "father", "family")


def get_appointment(user: Any, pk: Any, capability: str = STEP_VIEW) -> Appointment:
    qs = Appointment.objects.select_related("site", "household", "created_by")
    return access.get_for_user(user, qs, pk, capability=capability, purpose="pathway appointment")


def _open_step_choices(persons: list[Any]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for step in (
        Step.objects.filter(person__in=persons, status__in=OPEN_STATUSES, enrolment__status=EnrolmentStatus.ACTIVE)
        .select_related("step_template")
        .order_by("step_template__order")
    ):
        seen.setdefault(step.step_template.code, step.step_template.title)
    return list(seen.items())


@login_required
def appointment_new(request: HttpRequest) -> HttpResponse:
    """Book a step for one person (?person=) or a whole household (?household=)."""
    household = person = None
    if request.GET.get("household"):
        household = get_household(request.user, request.GET["household"], APPOINTMENT_MANAGE)
        site = household.site
        persons = list(
            selectors.household_members_visible(request.user, household, APPOINTMENT_MANAGE)
            .filter(site=site)
            .prefetch_related("names")
        )
    elif request.GET.get("person"):
        person = get_person(request.user, request.GET["person"], APPOINTMENT_MANAGE, purpose="pathway appointment")
        site = person.site
        persons = [person]
    else:
        raise Http404
    form = AppointmentForm(
        request.POST or None,
        step_choices=_open_step_choices(persons),
        initial={"step_code": request.GET.get("step", ""), "on_date": timezone.localdate() + datetime.timedelta(1)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = services.appointment_book(
                actor=request.user,
                site=site,
                step_code=data["step_code"],
                on_date=data["on_date"],
                at_time=data["at_time"],
                place=data["place"],
                interpreter_needed=data["interpreter_needed"],
                persons=[] if household else persons,
                household=household,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Appointment booked."))
            return redirect("pathways:appointment", appointment.pk)
    return render(
        request,
        "pathways/appointment_new.html",
        {"form": form, "household": household, "person": person, "name": display_name(person) if person else ""},
        status=400 if request.method == "POST" else 200,
    )


def _attendees(user: Any, appointment: Appointment) -> list[dict[str, Any]]:
    """The people booked whom the user may see: someone transferred since is no longer shown here."""
    steps = (
        selectors.steps_visible(user)
        .filter(appointments=appointment)
        .select_related("person", "step_template")
        .prefetch_related("person__names")
        .order_by("person__registration_number")
    )
    return [{"step": s, "person": s.person, "name": display_name(s.person)} for s in steps]


@login_required
def appointment_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    appointment = get_appointment(request.user, pk)
    step_template = StepTemplate.objects.filter(code=appointment.step_code, template__active=True).first()
    return render(
        request,
        "pathways/appointment.html",
        {
            "appointment": appointment,
            "step_title": step_template.title if step_template else appointment.step_code,
            "attendees": _attendees(request.user, appointment),
            "rebook_form": RebookForm(),
            "may_manage": access.may(request.user, APPOINTMENT_MANAGE, appointment),
        },
    )


@login_required
@require_POST
def appointment_missed(request: HttpRequest, pk: Any) -> HttpResponse:
    appointment = get_appointment(request.user, pk, APPOINTMENT_MANAGE)
    try:
        services.appointment_mark_missed(actor=request.user, appointment=appointment)
        messages.success(request, _("Marked as missed. Book it again below."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("pathways:appointment", appointment.pk)


@login_required
@require_POST
def appointment_rebook(request: HttpRequest, pk: Any) -> HttpResponse:
    appointment = get_appointment(request.user, pk, APPOINTMENT_MANAGE)
    form = RebookForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the new date and time."))
        return redirect("pathways:appointment", appointment.pk)
    try:
        new = services.appointment_rebook(
            actor=request.user,
            appointment=appointment,
            on_date=form.cleaned_data["on_date"],
            at_time=form.cleaned_data["at_time"],
            place=form.cleaned_data["place"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("pathways:appointment", appointment.pk)
    messages.success(request, _("Appointment rebooked."))
    return redirect("pathways:appointment", new.pk)


@login_required
def appointment_slip(request: HttpRequest, pk: Any) -> HttpResponse:
    """A printable slip in Arabic and Russian, one per person."""
    appointment = get_appointment(request.user, pk)
    step_template = StepTemplate.objects.filter(code=appointment.step_code, template__active=True).first()
    attendees = []
    for row in _attendees(request.user, appointment):
        names = list(row["person"].names.all())
        by_script = {
            script: " ".join(n.value for part in NAME_PARTS for n in names if n.script == script and n.part == part)
            for script in ("ar", "cy")
        }
        attendees.append({**row, "name_ar": by_script["ar"] or row["name"], "name_ru": by_script["cy"] or row["name"]})
    return render(
        request,
        "pathways/slip.html",
        {"appointment": appointment, "step_template": step_template, "attendees": attendees},
    )


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    sites = selectors.progress_sites(request.user)
    if not sites:
        access.require(request.user, STEP_VIEW, purpose="pathway calendar")
    site = next((s for s in sites if str(s.pk) == request.GET.get("site", "")), sites[0])
    try:
        start = datetime.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        today = timezone.localdate()
        start = today - datetime.timedelta(days=today.weekday())
    appointments = selectors.appointments_for_site(site=site, start=start, days=7)
    days = []
    for offset in range(7):
        day = start + datetime.timedelta(days=offset)
        days.append({"date": day, "items": [a for a in appointments if a.on_date == day]})
    titles = {st.code: st.title for st in StepTemplate.objects.filter(template__active=True)}
    for appointment in appointments:
        appointment.step_title = titles.get(appointment.step_code, appointment.step_code)  # type: ignore[attr-defined]
    return render(
        request,
        "pathways/calendar.html",
        {
            "site": site,
            "sites": sites,
            "days": days,
            "start": start,
            "previous": start - datetime.timedelta(days=7),
            "next": start + datetime.timedelta(days=7),
        },
    )
