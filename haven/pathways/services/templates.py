"""Loading, versioning and assigning pathway templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from haven.accounts.models import Role, Site
from haven.accounts.roles import DEFAULT_ROLES, TEMPLATE_MANAGE
from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.pathways.loader import TemplateFileError, TemplateSpec, parse_template
from haven.pathways.models import PathwayTemplate, SiteTemplate, StepTemplate
from haven.pathways.services.common import check_capability

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "templates_data"
DEFAULT_TEMPLATE_CODE = "ru-perm"


def _check_roles(spec: TemplateSpec, source: str) -> None:
    known = {r.code for r in DEFAULT_ROLES} | set(Role.objects.values_list("code", flat=True))
    errors = [
        f"{source}: step “{step.code}”: "
        + _("unknown responsible role “%(role)s” (known: %(known)s).")
        % {"role": step.responsible_role, "known": ", ".join(sorted(known))}
        for step in spec.steps
        if step.responsible_role not in known
    ]
    if errors:
        raise TemplateFileError(errors)


def _check_needs(spec: TemplateSpec, source: str) -> None:
    """A step may not apply only to a restricted specific need (LP-RP and the like).

    Such a step on a person's timeline, in progress counts or in an export
    would tell every role that sees pathways what only the protection roles
    may know.
    """
    from haven.registry.selectors import restricted_need_codes

    restricted = restricted_need_codes()
    errors = [
        f"{source}: step “{step.code}”: "
        + _("applies_to.needs may not name the restricted need “%(code)s”: the step would reveal it.") % {"code": code}
        for step in spec.steps
        for code in step.applies_needs
        if code in restricted
    ]
    if errors:
        raise TemplateFileError(errors)


def _build_steps(template: PathwayTemplate, spec: TemplateSpec) -> None:
    by_code: dict[str, StepTemplate] = {}
    for s in spec.steps:
        step = StepTemplate(
            template=template,
            code=s.code,
            order=s.order,
            title_en=s.title.get("en", ""),
            title_ru=s.title.get("ru", ""),
            title_ar=s.title.get("ar", ""),
            help_en=s.help.get("en", ""),
            help_ru=s.help.get("ru", ""),
            help_ar=s.help.get("ar", ""),
            category=s.category,
            responsible_role=s.responsible_role,
            authority=s.authority,
            deadline_days=s.deadline_days,
            deadline_unit=s.deadline_unit,
            output_document=s.output_document,
            validity_days=s.validity_days,
            results=s.results,
            evidence_fields=s.evidence,
            applies_age=s.applies_age,
            applies_sex=s.applies_sex,
            applies_needs=s.applies_needs,
            applies_professions=s.applies_professions,
        )
        step.full_clean(exclude=["template", "deadline_after"])
        step.save()
        by_code[s.code] = step
    for s in spec.steps:
        step = by_code[s.code]
        if s.prerequisites:
            step.prerequisites.set([by_code[c] for c in s.prerequisites])
        if s.deadline_after:
            step.deadline_after = by_code[s.deadline_after]
            step.save(update_fields=["deadline_after"])


def template_load(*, actor: Any, text: str, source: str) -> tuple[PathwayTemplate, str]:
    """Load a template file; return it and what happened: created, new_version, updated or unchanged.

    A template nobody is enrolled in is rebuilt in place; one in use gets
    a new version, and the people enrolled keep theirs until migrated.
    Any error (raised as TemplateFileError) leaves everything as it was.
    """
    check_capability(actor, TEMPLATE_MANAGE)
    spec = parse_template(text, source=source)
    _check_roles(spec, source)
    _check_needs(spec, source)
    digest = spec.content_hash()
    with transaction.atomic():
        current = PathwayTemplate.objects.select_for_update().filter(code=spec.code, active=True).first()
        if current is not None and current.content_hash == digest:
            return current, "unchanged"
        fields = {
            "jurisdiction": spec.jurisdiction,
            "country": spec.country,
            "subdivision": spec.subdivision,
            "name_en": spec.name.get("en", ""),
            "name_ru": spec.name.get("ru", ""),
            "name_ar": spec.name.get("ar", ""),
            "source": text,
            "source_file": source[:300],
            "content_hash": digest,
        }
        if current is not None and not current.enrolments.exists():
            outcome = "updated"
            template = current
            for name, value in fields.items():
                setattr(template, name, value)
            template.full_clean()
            template.save()
            template.steps.all().delete()
        else:
            outcome = "created" if current is None else "new_version"
            if current is not None:
                current.active = False
                current.save(update_fields=["active"])
            latest = PathwayTemplate.objects.filter(code=spec.code).aggregate(v=Max("version"))["v"] or 0
            template = PathwayTemplate(code=spec.code, version=latest + 1, active=True, **fields)
            template.full_clean()
            template.save()
        _build_steps(template, spec)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if outcome != "updated" else AuditAction.UPDATE,
            obj=template,
            fields=["steps", *fields],
            values={"code": template.code, "version": template.version, "steps": len(spec.steps), "source": source},
            purpose="pathway template loaded",
        )
    return template, outcome


def template_load_file(*, actor: Any, path: Path | str) -> tuple[PathwayTemplate, str]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TemplateFileError([f"{path.name}: " + _("cannot read the file (%(error)s).") % {"error": exc}]) from exc
    return template_load(actor=actor, text=text, source=path.name)


def templates_load_shipped(*, actor: Any = "system") -> list[PathwayTemplate]:
    """Load each shipped YAML file whose template does not exist yet (never overwrites edits)."""
    loaded = []
    for path in sorted(SHIPPED_DIR.glob("*.yaml")):
        code = path.stem
        if PathwayTemplate.objects.filter(code=code).exists():
            continue
        template, _outcome = template_load_file(actor=actor, path=path)
        loaded.append(template)
    return loaded


def template_set_active(*, actor: Any, template: PathwayTemplate, active: bool) -> PathwayTemplate:
    """Make this version the one new enrolments use (or withdraw it)."""
    check_capability(actor, TEMPLATE_MANAGE)
    with transaction.atomic():
        if active:
            PathwayTemplate.objects.filter(code=template.code, active=True).exclude(pk=template.pk).update(active=False)
        template.active = active
        template.save(update_fields=["active"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=template,
            fields=["active"],
            values={"active": active, "version": template.version},
        )
    return template


def site_template_assign(*, actor: Any, site: Site, template_code: str) -> SiteTemplate:
    """Choose the template family a site enrols new people in."""
    check_capability(actor, TEMPLATE_MANAGE)
    if not PathwayTemplate.objects.filter(code=template_code, active=True).exists():
        raise ValidationError({"template_code": _("There is no active template with this code.")})
    with transaction.atomic():
        assignment, _created = SiteTemplate.objects.update_or_create(
            site=site, defaults={"template_code": template_code}
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=assignment,
            fields=["template_code"],
            values={"template_code": template_code, "site": str(site.pk)},
        )
    return assignment


def active_template_for_site(site: Site) -> PathwayTemplate | None:
    code = (
        SiteTemplate.objects.filter(site=site).values_list("template_code", flat=True).first() or DEFAULT_TEMPLATE_CODE
    )
    return PathwayTemplate.objects.filter(code=code, active=True).first()
