"""Receivers for Django's authentication events, which write audit rows.

Authentication happens inside Django and django-axes, so its events are
the one place where every login path (pages, admin, API) passes.
"""

from __future__ import annotations

from typing import Any

from haven.audit.models import AuditAction
from haven.audit.services import audit_record


def sync_roles(**kwargs: Any) -> None:
    from haven.accounts.services import roles_sync_defaults

    roles_sync_defaults()


def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action=AuditAction.LOGIN, obj=user)


def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action=AuditAction.LOGOUT, obj=user)


def audit_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit_record(actor=username or None, action=AuditAction.LOGIN_FAILED, object_type="accounts.user", object_id="")
