"""Reads about users, sites and roles."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from haven.accounts.access import capability_sites
from haven.accounts.models import Membership, Role, Site, User


def user_roles(*, user: Any) -> list[Role]:
    if not getattr(user, "is_authenticated", False):
        return []
    ids = Membership.objects.current().filter(user=user).values_list("role_id", flat=True)
    return list(Role.objects.filter(pk__in=ids))


def user_requires_two_factor(*, user: Any) -> bool:
    """Roles that say so, and whoever may open the Django admin (it can grant any role)."""
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.current().filter(user=user, role__requires_two_factor=True).exists()


def user_sites(*, user: Any) -> QuerySet[Site]:
    site_ids: set[Any] = set()
    for sites in capability_sites(user).values():
        site_ids |= sites
    return Site.objects.filter(pk__in=site_ids).select_related("region")


def user_memberships(*, user: Any) -> QuerySet[Membership]:
    return Membership.objects.current().filter(user=user).select_related("site", "role").order_by("site__name")


def staff_counts() -> dict[str, int]:
    return {
        "users": User.objects.filter(is_active=True).count(),
        "sites": Site.objects.filter(is_active=True).count(),
    }
