"""Template administration: list, edit (a new version when in use), activate, migrate, assign to sites."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts import access
from haven.accounts.models import Site
from haven.accounts.roles import TEMPLATE_MANAGE
from haven.pathways import selectors, services
from haven.pathways.forms import SiteTemplateForm, TemplateSourceForm
from haven.pathways.models import Enrolment, EnrolmentStatus, PathwayTemplate, SiteTemplate


def _require_manage(user: Any) -> None:
    if not access.may(user, TEMPLATE_MANAGE):
        access.require(user, TEMPLATE_MANAGE, purpose="pathway templates")


def _template(pk: Any) -> PathwayTemplate:
    try:
        return PathwayTemplate.objects.get(pk=pk)
    except (PathwayTemplate.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404 from exc


def _managed_sites(user: Any) -> list[Site]:
    return list(Site.objects.filter(pk__in=access.sites_with(user, TEMPLATE_MANAGE), is_active=True))


def _site_form(user: Any, data: Any = None) -> SiteTemplateForm:
    codes = sorted(set(PathwayTemplate.objects.filter(active=True).values_list("code", flat=True)))
    return SiteTemplateForm(data, sites=_managed_sites(user), codes=codes)


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    _require_manage(request.user)
    assignments = {a.site_id: a.template_code for a in SiteTemplate.objects.all()}
    sites = [(s, assignments.get(s.pk, "")) for s in _managed_sites(request.user)]
    return render(
        request,
        "pathways/templates.html",
        {"templates": selectors.templates_list(), "sites": sites, "site_form": _site_form(request.user)},
    )


@login_required
def template_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    """The steps of one version, and its YAML to edit: saving loads it like ``load_pathway``."""
    _require_manage(request.user)
    template = _template(pk)
    form = TemplateSourceForm(request.POST or None, initial={"source": template.source})
    if request.method == "POST" and form.is_valid():
        try:
            new, outcome = services.template_load(
                actor=request.user, text=form.cleaned_data["source"], source=f"web:{request.user.get_username()}"
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("source", message)
        else:
            text = {
                "new_version": _("Saved as a new version: people enrolled keep theirs until you migrate them."),
                "updated": _("Saved. Nobody was enrolled, so this version was changed in place."),
                "created": _("Saved as a new template."),
                "unchanged": _("Nothing changed."),
            }[outcome]
            messages.success(request, text)
            return redirect("pathways:template", new.pk)
    steps = template.steps.select_related("deadline_after").prefetch_related("prerequisites")
    enrolled = Enrolment.objects.filter(template=template, status=EnrolmentStatus.ACTIVE).count()
    active = PathwayTemplate.objects.filter(code=template.code, active=True).exclude(pk=template.pk).first()
    return render(
        request,
        "pathways/template.html",
        {"template": template, "steps": steps, "form": form, "enrolled": enrolled, "active_version": active},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def template_activate(request: HttpRequest, pk: Any) -> HttpResponse:
    _require_manage(request.user)
    template = _template(pk)
    services.template_set_active(actor=request.user, template=template, active=request.POST.get("active") == "1")
    messages.success(request, _("Saved."))
    return redirect("pathways:template", template.pk)


@login_required
@require_POST
def template_migrate(request: HttpRequest, pk: Any) -> HttpResponse:
    """Move everyone enrolled in this version to the active version of the same template."""
    _require_manage(request.user)
    template = _template(pk)
    target = PathwayTemplate.objects.filter(code=template.code, active=True).first()
    if target is None or target.pk == template.pk:
        messages.error(request, _("There is no other active version to migrate to."))
        return redirect("pathways:template", template.pk)
    enrolments = Enrolment.objects.filter(template=template, status=EnrolmentStatus.ACTIVE).select_related(
        "person", "template"
    )
    try:
        with transaction.atomic():
            count = 0
            for enrolment in enrolments:
                services.enrolment_migrate(actor=request.user, enrolment=enrolment, template=target)
                count += 1
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("pathways:template", template.pk)
    messages.success(
        request,
        _("Moved to version %(version)d. People moved: %(count)d.") % {"count": count, "version": target.version},
    )
    return redirect("pathways:template", target.pk)


@login_required
@require_POST
def site_assign(request: HttpRequest) -> HttpResponse:
    _require_manage(request.user)
    form = _site_form(request.user, request.POST)
    if form.is_valid():
        site = access.get_for_user(
            request.user, Site.objects.all(), form.cleaned_data["site"], capability=TEMPLATE_MANAGE, site_field="pk"
        )
        try:
            services.site_template_assign(
                actor=request.user, site=site, template_code=form.cleaned_data["template_code"]
            )
            messages.success(request, _("Saved."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Choose a site and a template."))
    return redirect("pathways:templates")
