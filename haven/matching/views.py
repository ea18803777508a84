"""Pages of the matching app. Search text and names travel by POST only."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from haven.accounts import roles
from haven.accounts.access import get_for_user, may, require, sites_with
from haven.audit.models import AuditAction
from haven.audit.services import audit_persons_shown, audit_record
from haven.lib.dates import age_on
from haven.matching import selectors, services
from haven.matching.core.score import band
from haven.matching.forms import (
    DecisionForm,
    DismissForm,
    DuplicateCheckForm,
    MergeForm,
    ReasonForm,
    SearchForm,
    merge_key_label,
    name_label,
)
from haven.matching.merging import check_may_merge, ensure_may_review, may_merge
from haven.matching.models import BatchRun, DuplicatePair, PairStatus, PersonMerge
from haven.matching.search import parse_query
from haven.registry import selectors as registry_selectors
from haven.registry.models import Person


def person_url(person_id: UUID) -> str:
    """The registry's page of a person (the registry names it; '' until it exists)."""
    for name in ("registry:person_detail", "registry:person"):
        try:
            return reverse(name, args=[person_id])
        except NoReverseMatch:
            continue
    return ""


def _require_anywhere(user: Any, capability: str) -> None:
    if not may(user, capability):
        require(user, capability, purpose="matching page")


@login_required
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """Search-as-you-type: the full page on GET, the results partial on (hx-)POST."""
    _require_anywhere(request.user, roles.PERSON_VIEW)
    form = SearchForm(request.POST or None)
    hits: list[dict[str, Any]] = []
    query = ""
    crowded = False
    if request.method == "POST" and form.is_valid():
        query = form.cleaned_data["q"]
        found = selectors.person_search(user=request.user, query=query, limit=10)
        crowded = selectors.search_is_crowded(found, query, limit=10)
        hits = [{"hit": h, "url": person_url(h.person_id)} for h in found]
    context = {
        "form": form,
        "hits": hits,
        "searched": bool(query.strip()),
        # Nothing to look up yet (one letter, or an article waiting for its name): say what to type.
        "waiting": bool(query.strip()) and not parse_query(query).groups,
        "crowded": crowded,
        # A full page that is not full of close matches: more people may match than are shown.
        "more": len(hits) >= 10 and not crowded,
        "target": request.POST.get("target", ""),
    }
    if request.htmx and request.method == "POST":  # type: ignore[attr-defined]
        return render(request, "matching/_search_results.html", context)
    return render(request, "matching/search.html", context)


@login_required
@require_POST
def duplicate_check(request: HttpRequest) -> HttpResponse:
    """Candidates for the registration being typed (htmx partial for the registration form)."""
    _require_anywhere(request.user, roles.PERSON_REGISTER)
    form = DuplicateCheckForm(request.POST)
    candidates: list[Any] = []
    data_hash = ""
    if form.is_valid() and form.cleaned_data["given_name"].strip():
        data = form.cleaned_data
        candidates = selectors.duplicate_candidates(user=request.user, **data)
        data_hash = selectors.person_data_hash(
            given_name=data["given_name"],
            father_name=data["father_name"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
            sex=data["sex"],
        )
    rows = [{"c": c, "url": person_url(c.person_id)} for c in candidates]
    return render(request, "matching/_duplicate_candidates.html", {"rows": rows, "data_hash": data_hash})


@login_required
@require_POST
def duplicate_decide(request: HttpRequest) -> HttpResponse:
    """Record "same person" / "new person" for one candidate, with a reason."""
    _require_anywhere(request.user, roles.PERSON_REGISTER)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return render(request, "matching/_decision.html", {"form": form}, status=400)
    candidate = get_for_user(
        request.user,
        Person.objects.all(),
        form.cleaned_data["candidate"],
        capability=roles.PERSON_REGISTER,
        purpose="duplicate check decision",
    )
    decision = services.duplicate_decision_record(
        actor=request.user,
        new_person_data_hash=form.cleaned_data["data_hash"],
        candidate=candidate,
        decision=form.cleaned_data["decision"],
        reason=form.cleaned_data["reason"],
        score=form.cleaned_data.get("score") or 0.0,
    )
    return render(
        request,
        "matching/_decision.html",
        {"decision": decision, "candidate": candidate, "url": person_url(candidate.pk)},
    )


SCRIPT_OF_LANGUAGE = {"ar": "ar", "ru": "cy", "en": "la"}
"""The script a reader of each interface language reads names in first."""


def _name_for_reader(person: Person, language: str) -> str:
    """The person's full name on one line: in the reader's script where the record has it, else another."""
    first = SCRIPT_OF_LANGUAGE.get((language or "en").split("-")[0], "la")
    return registry_selectors.best_name(person, (first, "la", *selectors.SCRIPT_ORDER))


def _queue_row(pair: DuplicatePair, language: str, today: date) -> dict[str, Any]:
    persons = [
        {
            "person": p,
            "name": _name_for_reader(p, language),
            "year": p.date_of_birth.year if p.date_of_birth else None,
            "age": age_on(p.date_of_birth, today),
        }
        for p in (pair.person_a, pair.person_b)
    ]
    sites = list(dict.fromkeys(p.site.name for p in (pair.person_a, pair.person_b)))
    return {"pair": pair, "persons": persons, "sites": sites, "band": band(pair.score)}


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Open pairs with both persons' names, ages and site; the persons shown are audited as a search's are."""
    _require_anywhere(request.user, roles.DUPLICATE_REVIEW)
    pairs = list(
        selectors.duplicate_pairs_open(user=request.user).prefetch_related("person_a__names", "person_b__names")[:200]
    )
    merges = list(selectors.merges_for_user(user=request.user)[:20])
    language, today = get_language(), timezone.localdate()
    rows = [_queue_row(p, language, today) for p in pairs]
    # Names are a read of personal data: one view event naming the persons shown, as a search writes.
    shown = list(dict.fromkeys(pid for p in pairs for pid in (p.person_a_id, p.person_b_id)))
    audit_persons_shown(request.user, "duplicate_queue", shown)
    return render(request, "matching/queue.html", {"rows": rows, "merges": merges})


def _pair_for(request: HttpRequest, pair_id: UUID) -> DuplicatePair:
    """A pair whose two persons are both at sites where the user may review, or 404; the read is audited."""
    pair = get_for_user(
        request.user,
        DuplicatePair.objects.select_related(
            "person_a__site", "person_b__site", "person_a__household", "person_b__household"
        ),
        pair_id,
        capability=roles.DUPLICATE_REVIEW,
        audit_read=False,
    )
    try:
        ensure_may_review(request.user, pair)
    except PermissionDenied as exc:
        raise Http404 from exc
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=pair, purpose="duplicate review")
    return pair


@login_required
@require_http_methods(["GET", "POST"])
def pair_detail(request: HttpRequest, pair_id: UUID) -> HttpResponse:
    """Side-by-side comparison with the merge form (POST merges) and the dismiss form."""
    pair = _pair_for(request, pair_id)
    comparison = selectors.pair_comparison(pair=pair)
    form = MergeForm(
        request.POST or None,
        a=pair.person_a,
        b=pair.person_b,
        names_a=comparison["names_a"],
        names_b=comparison["names_b"],
    )
    can_merge = may_merge(request.user, pair) and pair.status == PairStatus.OPEN
    if request.method == "POST":
        if pair.status != PairStatus.OPEN:
            messages.error(request, _("This pair has already been decided."))
            return redirect("matching:pair_detail", pair_id=pair.pk)
        if not can_merge:
            check_may_merge(request.user, pair.person_a, pair.person_b)  # audits the refusal
            raise PermissionDenied(roles.DUPLICATE_MERGE)
        if form.is_valid():
            keep_a = form.cleaned_data["survivor"] == "a"
            survivor, merged = (pair.person_a, pair.person_b) if keep_a else (pair.person_b, pair.person_a)
            try:
                merge = services.person_merge(
                    actor=request.user,
                    survivor=survivor,
                    merged=merged,
                    choices=form.merge_choices(),
                    reason=form.cleaned_data["reason"],
                    pair=pair,
                    merge_households=form.cleaned_data["merge_households"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The records were merged. You can undo this from the merge page."))
                return redirect("matching:merge_detail", merge_id=merge.pk)
    context = {
        "pair": pair,
        "cmp": comparison,
        "form": form,
        "can_merge": can_merge,
        "dismiss_form": DismissForm(auto_id="dismiss_%s"),  # the merge form has its own reason field
        "url_a": person_url(pair.person_a_id),
        "url_b": person_url(pair.person_b_id),
        "scripts": selectors.SCRIPT_ORDER,
        "name_rows": _name_rows(comparison["names_a"], comparison["names_b"]),
    }
    return render(request, "matching/pair.html", context)


def _name_rows(names_a: dict[Any, str], names_b: dict[Any, str]) -> list[dict[str, Any]]:
    rows = []
    for part in selectors.PART_ORDER:
        for script in selectors.SCRIPT_ORDER:
            a, b = names_a.get((part, script), ""), names_b.get((part, script), "")
            if a or b:
                label = name_label(part, script)
                rows.append({"part": part, "script": script, "label": label, "a": a, "b": b, "same": a == b})
    return rows


@login_required
@require_POST
def pair_dismiss(request: HttpRequest, pair_id: UUID) -> HttpResponse:
    pair = _pair_for(request, pair_id)
    form = DismissForm(request.POST)
    if form.is_valid():
        services.duplicate_pair_dismiss(actor=request.user, pair=pair, reason=form.cleaned_data["reason"])
        messages.success(request, _("Marked as different persons."))
        return redirect("matching:queue")
    messages.error(request, _("Say why these are different persons."))
    return redirect("matching:pair_detail", pair_id=pair.pk)


def _merge_for(request: HttpRequest, merge_id: UUID) -> PersonMerge:
    """A merge whose two persons are both, now, at sites where the user may review, or 404; audited.

    The merge's own site is the survivor's at the time; either person may
    have been transferred since, and an undone merge leaves the merged
    record active again where it is.
    """
    merge = get_for_user(
        request.user,
        PersonMerge.objects.select_related("survivor", "merged", "merged_by", "undone_by"),
        merge_id,
        capability=roles.DUPLICATE_REVIEW,
        audit_read=False,
    )
    if not all(may(request.user, roles.DUPLICATE_REVIEW, p) for p in (merge.survivor, merge.merged)):
        raise Http404
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=merge, purpose="merge provenance")
    return merge


@login_required
@require_http_methods(["GET", "POST"])
def merge_detail(request: HttpRequest, merge_id: UUID) -> HttpResponse:
    """What a merge chose and moved; POST undoes it."""
    merge = _merge_for(request, merge_id)
    form = ReasonForm(request.POST or None)
    can_undo = (
        merge.undone_at is None
        and may(request.user, roles.DUPLICATE_MERGE, merge.survivor)
        and may(request.user, roles.DUPLICATE_MERGE, merge.merged)
    )
    if request.method == "POST":
        if merge.undone_at is not None:
            messages.error(request, _("This merge has already been undone."))
            return redirect("matching:merge_detail", merge_id=merge.pk)
        if not can_undo:
            check_may_merge(request.user, merge.survivor, merge.merged)  # audits the refusal
            raise PermissionDenied(roles.DUPLICATE_MERGE)
        if form.is_valid():
            try:
                services.person_merge_undo(actor=request.user, merge=merge, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The merge was undone; both records are as they were."))
                return redirect("matching:merge_detail", merge_id=merge.pk)
    moved = selectors.merge_rows_shown(user=request.user, merge=merge, entries=merge.moved)
    kept = selectors.merge_rows_shown(user=request.user, merge=merge, entries=merge.kept)
    return render(
        request,
        "matching/merge.html",
        {
            "merge": merge,
            "form": form,
            "can_undo": can_undo,
            "moved": moved,
            "kept": kept,
            "taken": [merge_key_label(key) for key in merge.new_values],
            "url_survivor": person_url(merge.survivor_id),
            "url_merged": person_url(merge.merged_id),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def batch(request: HttpRequest) -> HttpResponse:
    """Start a batch deduplication over the persons at the user's sites; list past runs."""
    _require_anywhere(request.user, roles.BATCH_DEDUPE)
    if request.method == "POST":
        from haven.matching.tasks import batch_run_start

        try:
            run = batch_run_start(
                actor=request.user, site_ids=sorted(sites_with(request.user, roles.BATCH_DEDUPE), key=str)
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("matching:batch")
        return redirect("matching:batch_detail", run_id=run.pk)
    runs = selectors.batch_runs_for_user(user=request.user)
    return render(request, "matching/batch.html", {"runs": runs})


@login_required
def batch_detail(request: HttpRequest, run_id: UUID) -> HttpResponse:
    """Progress of one run; the partial is polled by htmx until the run finishes."""
    run = get_for_user(request.user, BatchRun.objects.all(), run_id, capability=roles.BATCH_DEDUPE, audit_read=False)
    if not selectors.batch_run_visible(request.user, run):
        raise Http404
    template = "matching/_batch_progress.html" if request.htmx else "matching/batch_detail.html"  # type: ignore[attr-defined]
    # Who may run a batch (an administrator) may not review its pairs: the queue would refuse them.
    return render(request, template, {"run": run, "may_review": may(request.user, roles.DUPLICATE_REVIEW)})
