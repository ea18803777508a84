"""Registry pages: list and search, person and household pages, records.

Every view is thin: it checks access (through selectors and services),
calls one service or selector and renders.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from haven.accounts import access, roles
from haven.registry import selectors, services
from haven.registry.forms import ConsentForm, DocumentForm, NeedForm, PersonEditForm, SearchForm
from haven.registry.models import Consent, DocumentType, IdentityDocument, PersonNeed, PersonStatus

SEARCH_LIMIT = 50


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    """The persons at the user's sites; search terms go by POST, never in the URL."""
    if not access.may(request.user, roles.PERSON_VIEW):
        raise PermissionDenied
    form = SearchForm(request.POST or None)
    query = ""
    if request.method == "POST" and form.is_valid():
        query = form.cleaned_data["query"]
    persons = selectors.person_search(user=request.user, query=query, limit=SEARCH_LIMIT)
    rows = [
        {
            "person": p,
            "name_la": selectors.display_name(p, "la"),
            "name_ar": selectors.display_name(p, "ar"),
            "name_cy": selectors.display_name(p, "cy"),
        }
        for p in persons
    ]
    context = {
        "form": form,
        "rows": rows,
        "query": query,
        "limit": SEARCH_LIMIT,
        "may_register": access.may(request.user, roles.PERSON_REGISTER),
        "may_export": access.may(request.user, roles.PERSON_EXPORT),
        "may_import": access.may(request.user, roles.PERSON_IMPORT),
    }
    template = "registry/_results.html" if request.htmx else "registry/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _merged_into(user: Any, person: Any) -> Any:
    """The record a merged-away person now lives on, when the user may see it (else None)."""
    if person.status_id != selectors.MERGED_STATUS:
        return None
    from haven.matching.models import PersonMerge  # lazily: the registry does not import matching's models eagerly

    merge = PersonMerge.objects.filter(merged=person, undone_at__isnull=True).select_related("survivor").first()
    if merge is None or not access.may(user, roles.PERSON_VIEW, merge.survivor):
        return None
    return merge.survivor


def _person_context(request: HttpRequest, person: Any) -> dict[str, Any]:
    user = request.user
    may_edit_docs = access.may(user, roles.DOCUMENT_EDIT, person)
    may_edit_needs = access.may(user, roles.NEEDS_EDIT, person)
    doc_types = [(d.code, d.label) for d in DocumentType.objects.filter(is_active=True)]
    need_codes = [(c.code, f"{c.code} · {c.label}") for c in selectors.visible_need_codes(user, person)]
    return {
        "person": person,
        "is_merged": person.status_id == selectors.MERGED_STATUS,
        "merged_into": _merged_into(user, person),
        "names": selectors.names_table(person),
        "display_name": selectors.best_name(person),
        "household": person.household,
        "household_members": (
            [
                m
                # Only members at the reader's sites (a member may have been transferred alone).
                for m in selectors.household_members_visible(user, person.household).prefetch_related("names")
                if m.pk != person.pk
            ]
            if person.household_id
            else []
        ),
        "languages": list(person.languages.all()),
        "may_view_documents": access.may(user, roles.DOCUMENT_VIEW, person),
        "documents": selectors.documents_for_person(user=user, person=person),
        "may_view_needs": access.may(user, roles.NEEDS_VIEW, person),
        "needs": selectors.needs_for_person(user=user, person=person),
        "consents": selectors.consents_for_person(user=user, person=person),
        "may_edit": access.may(user, roles.PERSON_EDIT, person),
        "may_edit_documents": may_edit_docs,
        "may_edit_needs": may_edit_needs,
        "may_edit_consent": access.may(user, roles.CONSENT_EDIT, person),
        "may_issue_card": access.may(user, roles.CARD_ISSUE, person),
        "card": selectors.current_card(person=person),
        "document_form": DocumentForm(document_types=doc_types, prefix="doc") if may_edit_docs else None,
        "need_form": NeedForm(codes=need_codes, prefix="need") if may_edit_needs else None,
        "consent_form": ConsentForm(prefix="consent"),
        "history": selectors.history_for_person(user=user, person=person),
        "sections": selectors.person_sections(user=user, person=person),
    }


@login_required
@require_GET
def person_detail(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = selectors.person_get(user=request.user, person_id=person_id)
    return render(request, "registry/person.html", _person_context(request, person))


@login_required
def person_edit(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = selectors.person_get(user=request.user, person_id=person_id, purpose="correction")
    access.require(request.user, roles.PERSON_EDIT, person, purpose="correction")
    statuses = [(s.code, s.label) for s in PersonStatus.objects.filter(is_active=True)]
    initial = {
        f: getattr(person, f)
        for f in ("sex", "date_of_birth", "dob_precision", "place_of_birth", "phone", "phone_owner", "profession")
    }
    initial["status"] = person.status_id
    form = PersonEditForm(request.POST or None, initial=initial, statuses=statuses)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k in form.changed_data}
        try:
            services.person_update(actor=request.user, person=person, **changes)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("registry:person", person_id=person.pk)
    return render(request, "registry/person_edit.html", {"person": person, "form": form})


@login_required
@require_GET
def household_detail(request: HttpRequest, household_id: Any) -> HttpResponse:
    household = selectors.household_get(user=request.user, household_id=household_id)
    members = [
        {"person": m, "name": selectors.best_name(m), "name_ar": selectors.display_name(m, "ar")}
        for m in household.members.all()
    ]
    return render(request, "registry/household.html", {"household": household, "members": members})


def _person_for_write(request: HttpRequest, person_id: Any) -> Any:
    return selectors.person_get(user=request.user, person_id=person_id, audit_read=False)


@login_required
@require_POST
def document_add(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = _person_for_write(request, person_id)
    access.require(request.user, roles.DOCUMENT_EDIT, person, purpose="documents")
    doc_types = [(d.code, d.label) for d in DocumentType.objects.filter(is_active=True)]
    form = DocumentForm(request.POST, request.FILES, document_types=doc_types, prefix="doc")
    if form.is_valid():
        d = form.cleaned_data
        upload = d.get("scan")
        try:
            services.document_add(
                actor=request.user,
                person=person,
                document_type=d["document_type"],
                number=d["number"],
                issuing_country=d["issuing_country"],
                issue_date=d["issue_date"],
                expiry_date=d["expiry_date"],
                custody=d["custody"],
                scan=upload.read() if upload else None,
                scan_content_type=upload.content_type if upload else "",
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("The document was added."))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("registry:person", person_id=person.pk)


@login_required
@require_GET
def document_scan(request: HttpRequest, document_id: Any) -> HttpResponse:
    document = access.get_for_user(
        request.user,
        IdentityDocument.objects.select_related("person"),
        document_id,
        capability=roles.DOCUMENT_VIEW,
        site_field="person__site",
    )
    try:
        data, content_type = services.document_scan_read(actor=request.user, document=document)
    except ValidationError as exc:
        raise Http404 from exc
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def need_add(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = _person_for_write(request, person_id)
    access.require(request.user, roles.NEEDS_EDIT, person, purpose="specific needs")
    codes = [(c.code, c.code) for c in selectors.visible_need_codes(request.user, person)]
    form = NeedForm(request.POST, codes=codes, prefix="need")
    if form.is_valid():
        try:
            services.need_add(
                actor=request.user,
                person=person,
                code=form.cleaned_data["code"],
                identified_on=form.cleaned_data["identified_on"],
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("The specific need was recorded."))
    else:
        messages.error(request, _("Choose a specific-need code from the list."))
    return redirect("registry:person", person_id=person.pk)


@login_required
@require_POST
def need_resolve(request: HttpRequest, need_id: Any) -> HttpResponse:
    need = access.get_for_user(
        request.user,
        PersonNeed.objects.select_related("person", "code"),
        need_id,
        capability=roles.NEEDS_EDIT,
        site_field="person__site",
    )
    if need.code.restricted and not access.may(request.user, roles.NEEDS_PROTECTION_VIEW, need):
        raise Http404
    try:
        services.need_resolve(actor=request.user, need=need)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("registry:person", person_id=need.person_id)


@login_required
@require_POST
def consent_add(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = _person_for_write(request, person_id)
    access.require(request.user, roles.CONSENT_EDIT, person, purpose="consent")
    form = ConsentForm(request.POST, prefix="consent")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.consent_record(
                actor=request.user,
                person=person,
                purpose=d["purpose"],
                notice_language=d["notice_language"],
                given_on=d["given_on"],
                given_by=d["given_by"],
                guardian_name=d["guardian_name"],
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("The consent was recorded."))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("registry:person", person_id=person.pk)


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, consent_id: Any) -> HttpResponse:
    consent = access.get_for_user(
        request.user,
        Consent.objects.select_related("person"),
        consent_id,
        capability=roles.CONSENT_EDIT,
        site_field="person__site",
    )
    try:
        services.consent_withdraw(actor=request.user, consent=consent)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The consent was withdrawn."))
    return redirect("registry:person", person_id=consent.person_id)
