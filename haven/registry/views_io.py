"""Import (upload, progress, template) and export pages."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_GET

from haven.accounts import access, roles
from haven.accounts.models import Site
from haven.registry import importer, services_io
from haven.registry.forms import ImportForm
from haven.registry.models import ImportJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _import_sites(user: Any) -> list[Site]:
    ids = access.sites_with(user, roles.PERSON_IMPORT)
    return list(Site.objects.filter(pk__in=ids, is_active=True).order_by("name"))


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    sites = _import_sites(request.user)
    if not sites:
        access.require(request.user, roles.PERSON_IMPORT, purpose="import")
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        site = next((s for s in sites if str(s.pk) == request.POST.get("site")), sites[0])
        if upload.size > importer.MAX_IMPORT_BYTES:
            form.add_error("file", importer.ImportFileError.__doc__ or "")
        else:
            try:
                job = services_io.import_job_create(
                    actor=request.user, site=site, data=upload.read(), filename=upload.name or ""
                )
            except ValidationError as exc:
                form.add_error("file", " ".join(exc.messages))
            else:
                return redirect("registry:import_status", job_id=job.pk)
    columns = [
        {"key": k, "label": importer.column_label(k), "required": k in importer.REQUIRED}
        for k in importer.all_columns()
    ]
    return render(request, "registry/import.html", {"form": form, "sites": sites, "columns": columns})


@login_required
@require_GET
def import_status(request: HttpRequest, job_id: Any) -> HttpResponse:
    job = access.get_for_user(request.user, ImportJob.objects.all(), job_id, capability=roles.PERSON_IMPORT)
    if job.created_by_id != request.user.pk:
        raise Http404
    template = "registry/_import_progress.html" if request.htmx else "registry/import_status.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": job, "report": job.report[:500]})


@login_required
@require_GET
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    if not access.may(request.user, roles.PERSON_IMPORT):
        raise PermissionDenied
    lang = request.GET.get("lang") or translation.get_language() or "en"
    if lang not in ("en", "ru", "ar"):
        lang = "en"
    rows = importer.template_rows(lang)
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        for row in rows:
            ws.append(row)
        buffer = io.BytesIO()
        wb.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    elif fmt == "csv":
        text = io.StringIO()
        csv.writer(text).writerows(rows)
        response = HttpResponse(text.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="haven-registry-template-{lang}.{fmt}"'
    return response


@login_required
def export(request: HttpRequest) -> HttpResponse:
    if not access.may(request.user, roles.PERSON_EXPORT):
        access.require(request.user, roles.PERSON_EXPORT, purpose="export")
    if request.method != "POST":
        return render(request, "registry/export.html", {"columns": services_io.export_columns(user=request.user)})
    fmt = "xlsx" if request.POST.get("format") == "xlsx" else "csv"
    body, content_type = services_io.registry_export(actor=request.user, file_format=fmt)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="haven-registry.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
