"""Registration of a household and its members, in one transaction.

The page is one form: the household, then a formset of members. "Add
member" posts the form back and re-renders it with one more member, so
nothing typed is lost. Duplicate warnings and transliteration suggestions
come from hx-post endpoints; names never appear in a URL.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from haven.accounts import access, roles
from haven.accounts.models import Site
from haven.matching import selectors as matching_selectors
from haven.matching import services as matching_services
from haven.registry import names as name_utils
from haven.registry import selectors, services
from haven.registry.forms import SCRIPT_DIR, SCRIPTS, HouseholdForm, MemberFormSet
from haven.registry.models import NamePart, Person, Script

NEW_MEMBER_DEFAULTS = {
    "relationship": "child",
    "dob_precision": "exact",
    "phone_owner": "own",
    "nationalities": "SY",
    "languages": "ar",
    "sex": "",
}
TARGET = {"ar": "arabic", "la": "latin", "cy": "cyrillic"}


def _register_sites(user: Any) -> list[Site]:
    ids = access.sites_with(user, roles.PERSON_REGISTER)
    return list(Site.objects.filter(pk__in=ids, is_active=True).order_by("name"))


def _site_from(request: HttpRequest, sites: list[Site]) -> Site:
    wanted = request.POST.get("site") or request.GET.get("site")
    for site in sites:
        if str(site.pk) == wanted:
            return site
    return sites[0]


def _with_extra_member(data: QueryDict) -> QueryDict:
    data = data.copy()
    total = int(data.get("form-TOTAL_FORMS") or 0)
    if total < 40:
        for key, value in NEW_MEMBER_DEFAULTS.items():
            data[f"form-{total}-{key}"] = value
        data["form-TOTAL_FORMS"] = str(total + 1)
    return data


def _without_last_member(data: QueryDict) -> QueryDict:
    data = data.copy()
    total = int(data.get("form-TOTAL_FORMS") or 1)
    if total > 1:
        data["form-TOTAL_FORMS"] = str(total - 1)
    return data


def _suggested_scripts(form_prefix: str, part: str, data: Any) -> set[str]:
    """The scripts of one name part that still hold the suggestion shown (not changed by the officer)."""
    out = set()
    for script in SCRIPTS:
        name = f"{form_prefix}-{part}_{script}"
        value = data.get(name, "")
        if value and value == data.get(f"{name}__suggested", ""):
            out.add(script)
    return out


def _error_summary(household_form: HouseholdForm, formset: Any) -> list[dict[str, str]]:
    """Every error of the form in page order: where (member, field), what to fix, and the field's id."""
    out = []

    def add(form: Any, member: str, anchor: str) -> None:
        for name, errors in form.errors.items():
            field = None if name == "__all__" else form[name]
            for error in errors:
                out.append(
                    {
                        "member": member,
                        "field": str(field.label) if field else "",
                        "error": error,
                        "anchor": field.id_for_label if field else anchor,
                    }
                )

    add(household_form, "", "register-form")
    for error in formset.non_form_errors():
        out.append({"member": "", "field": "", "error": error, "anchor": "register-form"})
    for n, form in enumerate(formset.forms, start=1):
        add(form, _("Member %(n)s") % {"n": n}, f"member-{form.prefix}")
    return out


def name_row_context(
    form_prefix: str, part: str, data: Any, errors: Any = None, suggested: set[str] | None = None
) -> dict[str, Any]:
    """What the _name_row.html partial needs for one name part of one member."""
    cells = []
    for script in SCRIPTS:
        name = f"{form_prefix}-{part}_{script}"
        cells.append(
            {
                "script": script,
                "script_label": Script(script).label,
                "name": name,
                "id": f"id_{name}",
                "value": data.get(name, "") if data is not None else "",
                "dir": SCRIPT_DIR[script],
                "lang": {"ar": "ar", "la": "en", "cy": "ru"}[script],
                "errors": (errors or {}).get(f"{part}_{script}", []),
                "suggested": script in (suggested or set()),
            }
        )
    return {"prefix": form_prefix, "part": part, "label": NamePart(part).label, "cells": cells}


@login_required
def register(request: HttpRequest) -> HttpResponse:
    sites = _register_sites(request.user)
    if not sites:
        access.require(request.user, roles.PERSON_REGISTER, purpose="registration")
        raise PermissionDenied
    action = request.POST.get("action", "")
    show_errors = False
    if request.method != "POST":
        household_form = HouseholdForm(prefix="hh")
        formset = MemberFormSet(
            initial=[
                {
                    "relationship": "head",
                    "dob_precision": "exact",
                    "phone_owner": "own",
                    "nationalities": "SY",
                    "languages": "ar",
                }
            ]
        )
    else:
        data: Any = request.POST
        if action == "add":
            data = _with_extra_member(data)
        elif action == "remove":
            data = _without_last_member(data)
        household_form = HouseholdForm(data, prefix="hh")
        formset = MemberFormSet(data)
        if action == "save":
            show_errors = True
            if household_form.is_valid() and formset.is_valid():
                site = _site_from(request, sites)
                hh = household_form.cleaned_data
                try:
                    household = services.household_register(
                        actor=request.user,
                        site=site,
                        arrival_date=hh["arrival_date"],
                        origin_country=hh["origin_country"],
                        origin_governorate=hh["origin_governorate"],
                        origin_district=hh["origin_district"],
                        members=[form.to_member() for form in formset.forms],
                    )
                except ValidationError as exc:
                    household_form.add_error(None, " ".join(exc.messages))
                else:
                    count = len(formset.forms)
                    saved = ngettext(
                        "Household %(number)s was registered with %(count)d member.",
                        "Household %(number)s was registered with %(count)d members.",
                        count,
                    ) % {"number": household.registration_number, "count": count}
                    queued = matching_selectors.pairs_open_for_household(household=household)
                    if queued:
                        saved += " " + ngettext(
                            "%(count)d possible duplicate was sent to the review queue.",
                            "%(count)d possible duplicates were sent to the review queue.",
                            queued,
                        ) % {"count": queued}
                    messages.success(request, saved)
                    return redirect("registry:household", household_id=household.pk)
    members = []
    for form in formset.forms:
        member_data: Any = (
            form.data if form.is_bound else {f"{form.prefix}-{k}": v for k, v in (form.initial or {}).items()}
        )
        errors = form.errors if (show_errors and form.is_bound) else {}
        prefix = form.prefix or ""
        members.append(
            {
                "form": form,
                "name_rows": [
                    name_row_context(
                        prefix, p.value, member_data, errors, suggested=_suggested_scripts(prefix, p.value, member_data)
                    )
                    for p in NamePart
                ],
                "non_field_errors": form.non_field_errors() if show_errors and form.is_bound else [],
                "show_errors": show_errors,
                # A page rendered again (a member added, an error shown) runs the
                # duplicate check again at once for each member with a name.
                "check_duplicates": any(member_data.get(f"{prefix}-{p.value}_{s}") for p in NamePart for s in SCRIPTS),
            }
        )
    context = {
        "household_form": household_form,
        "formset": formset,
        "members": members,
        "show_errors": show_errors,
        "error_summary": _error_summary(household_form, formset) if show_errors else [],
        "sites": sites,
        "site": _site_from(request, sites),
    }
    return render(request, "registry/register.html", context)


@login_required
@require_POST
def register_suggest(request: HttpRequest) -> HttpResponse:
    """Return one name row with the other scripts filled from the typed one.

    A field is filled only when it is empty or still holds the previous
    suggestion; what the officer typed is never overwritten.
    """
    if not access.may(request.user, roles.PERSON_REGISTER):
        raise PermissionDenied
    prefix = request.POST.get("prefix", "")
    part = request.POST.get("part", "")
    source = request.POST.get("source", "")
    if part not in NamePart.values or source not in SCRIPTS or not prefix.startswith("form-"):
        return HttpResponse(status=400)
    data = request.POST.copy()
    text = name_utils.clean(data.get(f"{prefix}-{part}_{source}", ""))
    suggested: set[str] = set()
    if text and name_utils.in_script(text, source):
        for script in SCRIPTS:
            if script == source:
                continue
            key = f"{prefix}-{part}_{script}"
            current = data.get(key, "")
            previous = data.get(f"{key}__suggested", "")
            if not current or current == previous:
                data[key] = name_utils.suggest(text, target=TARGET[script])
                suggested.add(script)
    context = name_row_context(prefix, part, data, suggested=suggested)
    return render(request, "registry/_name_row.html", context)


def _member_check_input(request: HttpRequest, prefix: str) -> dict[str, Any]:
    """The identifying fields of one member of the registration form (as posted)."""
    from django import forms

    try:
        dob = forms.DateField().clean(request.POST.get(f"{prefix}-date_of_birth") or None)
    except ValidationError:
        dob = None
    names = [
        {"part": part, "script": script, "value": name_utils.clean(request.POST.get(f"{prefix}-{part}_{script}", ""))}
        for part in NamePart.values
        for script in SCRIPTS
    ]
    names = [n for n in names if n["value"] and name_utils.in_script(n["value"], n["script"])]
    sex = request.POST.get(f"{prefix}-sex") or ""
    precision = request.POST.get(f"{prefix}-dob_precision") or "exact"
    return {
        "names": names,
        "date_of_birth": dob,
        "sex": sex,
        "dob_precision": precision,
        "place_of_birth": request.POST.get(f"{prefix}-place_of_birth", ""),
    }


def _valid_prefix(prefix: str) -> bool:
    return prefix.startswith("form-") and prefix.removeprefix("form-").isdigit()


@login_required
@require_POST
def register_duplicates(request: HttpRequest) -> HttpResponse:
    """Warn about persons who may already be registered (the matching engine, across scripts).

    Each candidate shows the names in every script, age, household, site and
    registration date, and two choices: the same person (open the existing
    record instead of registering) or a different person (with a reason).
    Decisions already taken for the same typed identity stay shown.
    """
    if not access.may(request.user, roles.PERSON_REGISTER):
        raise PermissionDenied
    prefix = request.POST.get("prefix", "")
    if not _valid_prefix(prefix):
        return HttpResponse(status=400)
    data = _member_check_input(request, prefix)
    candidates = selectors.possible_duplicates(user=request.user, **data)
    data_hash = selectors.member_data_hash(names=data["names"], date_of_birth=data["date_of_birth"], sex=data["sex"])
    decided = matching_selectors.decisions_recorded(
        data_hash=data_hash, candidate_ids=[c.person_id for c in candidates]
    )
    rows = [{"c": c, "decision": decided.get(c.person_id, "")} for c in candidates]
    return render(request, "registry/_duplicates.html", {"rows": rows, "prefix": prefix, "data_hash": data_hash})


@login_required
@require_POST
def register_decide(request: HttpRequest) -> HttpResponse:
    """Record the officer's decision about one candidate (audited by the matching app).

    "Same person" opens the existing record instead of registering again
    (HX-Redirect); "a different person" is recorded with its reason and, once
    the household is registered, the pair goes to the review queue.
    """
    if not access.may(request.user, roles.PERSON_REGISTER):
        raise PermissionDenied
    prefix = request.POST.get("prefix", "")
    decision = request.POST.get("decision", "")
    if not _valid_prefix(prefix) or decision not in ("link", "new"):
        return HttpResponse(status=400)
    candidate = access.get_for_user(
        request.user,
        Person.objects.select_related("site"),
        request.POST.get("candidate", ""),
        capability=roles.PERSON_REGISTER,
        purpose="duplicate check",
        audit_read=False,
    )
    data = _member_check_input(request, prefix)
    data_hash = selectors.member_data_hash(names=data["names"], date_of_birth=data["date_of_birth"], sex=data["sex"])
    reason = request.POST.get(f"{prefix}-dup-{candidate.pk}-reason", "")
    try:
        score = float(request.POST.get("score") or 0)
    except ValueError:
        score = 0.0
    context: dict[str, Any] = {"prefix": prefix, "data_hash": data_hash, "candidate_id": candidate.pk, "score": score}
    try:
        matching_services.duplicate_decision_record(
            actor=request.user,
            new_person_data_hash=data_hash,
            candidate=candidate,
            decision=decision,
            reason=reason,
            score=score,
        )
    except ValidationError as exc:
        context["error"] = " ".join(exc.messages)
        # 200 so that htmx swaps the message in; nothing was recorded.
        return render(request, "registry/_duplicate_decision.html", context)
    if decision == "link":
        # The browser opens the existing record; it says why, and that nothing was registered.
        messages.info(
            request,
            _("%(number)s is already registered: this is their record. Nothing new was registered for them.")
            % {"number": candidate.registration_number},
        )
        response = HttpResponse(status=200)
        response["HX-Redirect"] = reverse("registry:person", args=[candidate.pk])
        return response
    context["decision"] = decision
    return render(request, "registry/_duplicate_decision.html", context)
