"""Helpers shared by the pathways services."""

from __future__ import annotations

from typing import Any

from haven.accounts import access


def is_user(actor: Any) -> bool:
    return getattr(actor, "is_authenticated", False) is True


def check_capability(actor: Any, capability: str, obj: Any = None, *, site: Any = None) -> None:
    """Refuse a signed-in user who lacks the capability; system actors (text) pass.

    Views and the API check first; this is the second lock for callers in
    other apps and commands.
    """
    if not is_user(actor):
        return
    if obj is None and site is None:
        if not access.may(actor, capability):
            access.require(actor, capability, purpose="pathways")
        return
    access.require(actor, capability, obj, site=site, purpose="pathways")
