"""Pages: a person's support record, sessions and medical examinations.

The note of a session is put in the page only for a user who may read
its compartment; everyone else with ``support.session.view`` gets the type,
date and who held it, and nothing of the note (not even hidden).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from haven.accounts import roles
from haven.accounts.access import may, require
from haven.api.errors import ServiceError
from haven.support import selectors, services
from haven.support.forms import ExamForm, NoteForm, SessionForm
from haven.support.views import PAGE_SIZE, form_error, get_person

NOTE_PURPOSE = "session page"


@login_required
def person_support(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = get_person(request.user, person_id, purpose="support record", needs=(roles.SESSION_VIEW, roles.CASE_VIEW))
    user = request.user
    case = selectors.open_case_for_person(person)
    context = {
        "person": person,
        "case": case if case is not None and may(user, roles.CASE_VIEW, case) else None,
        "sessions": selectors.sessions_for_person(user=user, person=person),
        "exams": selectors.medical_exams_for_person(user=user, person=person),
        "readable": selectors.readable_compartments(user, site_id=person.site_id),
        "may_write": bool(selectors.session_types_writable(user, site=person.site_id)),
        "may_examine": may(user, roles.MEDICAL_RECORD, person),
        "may_refer": may(user, roles.REFERRAL_MANAGE, person),
        "may_open_case": case is None and may(user, roles.CASE_MANAGE, person),
    }
    return render(request, "support/person.html", context)


@login_required
def sessions_week(request: HttpRequest) -> HttpResponse:
    """This week's sessions the user may know took place (as on the home panel); never a note."""
    require(request.user, roles.SESSION_VIEW, purpose="sessions this week")
    start, end = selectors.week_bounds()
    page = Paginator(selectors.sessions_this_week(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.mark_readable(request.user, page.object_list)
    context = {"page": page, "sessions": page.object_list, "start": start, "end": end, "show_person": True}
    return render(request, "support/sessions_week.html", context)


@login_required
def session_new(request: HttpRequest, person_id: Any) -> HttpResponse:
    writers = tuple(roles.note_write(c) for c in roles.COMPARTMENTS)
    person = get_person(request.user, person_id, purpose="record a session", needs=writers)
    types = selectors.session_types_writable(request.user, site=person.site_id)
    if not types:
        raise PermissionDenied("support.note.write")
    form = SessionForm(request.POST or None, session_types=types)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_record(actor=request.user, person=person, **form.cleaned_data)
        except (ValidationError, ServiceError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Session recorded."))
            return redirect("support:session", session_id=session.pk)
    return render(request, "support/session_form.html", {"form": form, "person": person})


@login_required
def session_detail(request: HttpRequest, session_id: Any) -> HttpResponse:
    session = selectors.session_get_for_user(request.user, session_id)
    note = selectors.session_note_read(user=request.user, session=session, purpose=NOTE_PURPOSE)
    may_edit = may(request.user, roles.note_write(session.compartment), session)
    context = {
        "session": session,
        "note": note,
        "may_read": note is not None,
        "note_form": NoteForm(initial={"note": note}) if may_edit and note is not None else None,
    }
    return render(request, "support/session_detail.html", context)


@login_required
def session_note_edit(request: HttpRequest, session_id: Any) -> HttpResponse:
    session = selectors.session_get_for_user(request.user, session_id)
    if request.method != "POST":
        return redirect("support:session", session_id=session.pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.session_note_update(actor=request.user, session=session, note=form.cleaned_data["note"])
        messages.success(request, _("Note saved."))
    return redirect("support:session", session_id=session.pk)


@login_required
def exam_new(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = get_person(request.user, person_id, purpose="record a medical examination", needs=(roles.MEDICAL_RECORD,))
    form = ExamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            exam = services.medical_exam_record(actor=request.user, person=person, **form.cleaned_data)
        except (ValidationError, ServiceError) as exc:
            form_error(form, exc)
        else:
            if exam.pathway_synced:
                messages.success(request, _("Examination recorded; the pathway step is completed."))
            else:
                messages.warning(
                    request,
                    _("Examination recorded. The pathway step could not be completed from here; update it there."),
                )
            return redirect("support:person", person_id=person.pk)
    return render(request, "support/exam_form.html", {"form": form, "person": person})


@login_required
def exam_detail(request: HttpRequest, exam_id: Any) -> HttpResponse:
    from haven.accounts.access import get_for_user
    from haven.support.models import MedicalExam

    qs = MedicalExam.objects.select_related("person", "recorded_by")
    exam = get_for_user(request.user, qs, exam_id, capability=roles.SESSION_VIEW)
    details = selectors.medical_details_read(user=request.user, exam=exam, purpose="examination page")
    return render(request, "support/exam_detail.html", {"exam": exam, "details": details})
