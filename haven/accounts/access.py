"""The one place that answers "may this user do this to this object?".

Every view, API endpoint and command asks here. A user holds capabilities
through roles at sites; an object belongs to a site (``access_site_id``,
``site_id``, or the site itself). Superuser status grants nothing here: the
Django admin flag must never open confidential compartments.

Denials are written to the audit log; reads of sensitive records are logged
by :func:`get_for_user` when asked to.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404

from haven.audit.models import AuditAction
from haven.audit.services import audit_record

M = TypeVar("M", bound=models.Model)

_CACHE_ATTR = "_haven_capability_sites"


def capability_sites(user: Any) -> dict[str, set[uuid.UUID]]:
    """Map each capability the user holds to the ids of the sites where."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from haven.accounts.models import Membership

    result: dict[str, set[uuid.UUID]] = defaultdict(set)
    for site_id, capabilities in (
        Membership.objects.current()
        .filter(user=user, site__is_active=True)
        .values_list("site_id", "role__capabilities")
    ):
        for capability in capabilities or ():
            result[capability].add(site_id)
    frozen = dict(result)
    setattr(user, _CACHE_ATTR, frozen)
    return frozen


def forget_capabilities(user: Any) -> None:
    """Drop the per-request cache (after memberships change)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def site_of(obj: Any) -> uuid.UUID | None:
    """The site an object belongs to, or None for objects outside any site."""
    from haven.accounts.models import Site

    if isinstance(obj, Site):
        return obj.pk
    for attr in ("access_site_id", "site_id"):
        value = getattr(obj, attr, None)
        if value is not None:
            return value
    return None


def sites_with(user: Any, capability: str) -> set[uuid.UUID]:
    return set(capability_sites(user).get(capability, ()))


def may(user: Any, capability: str, obj: Any = None, *, site: Any = None) -> bool:
    """True when ``user`` holds ``capability`` for ``obj`` (or at ``site``).

    With neither, the question is whether the user holds it anywhere.
    """
    sites = capability_sites(user).get(capability)
    if not sites:
        return False
    if obj is None and site is None:
        return True
    site_id = site.pk if hasattr(site, "pk") else site
    if obj is not None:
        site_id = site_of(obj)
    return site_id in sites


def require(user: Any, capability: str, obj: Any = None, *, site: Any = None, purpose: str = "") -> None:
    """Raise PermissionDenied (and audit the denial) unless :func:`may`."""
    if may(user, capability, obj, site=site):
        return
    audit_record(
        actor=user,
        action=AuditAction.PERMISSION_DENIED,
        obj=obj if isinstance(obj, models.Model) else None,
        fields=[capability],
        purpose=purpose,
    )
    raise PermissionDenied(capability)


def scope(user: Any, queryset: models.QuerySet[M], capability: str, *, site_field: str = "site") -> models.QuerySet[M]:
    """Only the rows at sites where the user holds ``capability``."""
    sites = sites_with(user, capability)
    if not sites:
        return queryset.none()
    return queryset.filter(**{f"{site_field}__in": sites})


def get_for_user(
    user: Any,
    queryset: models.QuerySet[M],
    pk: Any,
    *,
    capability: str,
    purpose: str = "",
    site_field: str = "site",
    audit_read: bool = True,
) -> M:
    """Fetch one object the user may see, or raise 404.

    Objects outside the user's sites are reported as missing, not
    forbidden, so that ids cannot be probed. The read is written to the
    audit log with its purpose unless ``audit_read=False`` (for records
    that hold nothing sensitive).
    """
    try:
        obj = scope(user, queryset, capability, site_field=site_field).get(pk=pk)
    except (models.ObjectDoesNotExist, ValidationError, ValueError, TypeError) as exc:
        # Invalid UUID text raises ValidationError; a wrong type, TypeError.
        raise Http404 from exc
    if audit_read:
        audit_record(actor=user, action=AuditAction.VIEW, obj=obj, purpose=purpose)
    return obj
