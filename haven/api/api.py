"""The REST API, mounted at /api/v1/. Each app contributes a router."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import connection
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import match_token, user_has_device
from ninja import NinjaAPI, Schema
from ninja.responses import Status

from haven.accounts.selectors import user_requires_two_factor
from haven.accounts.services import login_otp_failed
from haven.api import errors
from haven.api.auth import TokenAuth
from haven.api.services import token_issue, token_revoke_raw

api = NinjaAPI(
    title="Haven API",
    version="1",
    description="Reception and integration case management. Authenticate with `POST /api/v1/auth/token`, "
    "then send `Authorization: Bearer <token>`.",
    auth=TokenAuth(),
    urls_namespace="api",
)
errors.install(api)


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = None


class TokenOut(Schema):
    token: str
    expires_at: str


class ErrorDetail(Schema):
    code: str
    message: str


class ErrorOut(Schema):
    error: ErrorDetail


class HealthOut(Schema):
    status: str
    database: str


@api.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, 429: ErrorOut}, tags=["auth"])
def auth_token(request: HttpRequest, payload: TokenIn) -> Any:
    """Exchange a username and password (and a two-factor code) for a token.

    Failed attempts count towards the same lockout as the login page.
    """
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            return Status(429, errors.error_body("locked_out", _("Too many failed logins. Try again later.")))
        return Status(401, errors.error_body("bad_credentials", _("The username or password is not right.")))
    password_only = True
    if user_has_device(user):
        if not payload.otp:
            return Status(401, errors.error_body("otp_required", _('Send the current six-digit code as "otp".')))
        if match_token(user, payload.otp) is None:
            login_otp_failed(request=request, user=user)
            if getattr(request, "axes_locked_out", False):
                return Status(429, errors.error_body("locked_out", _("Too many failed logins. Try again later.")))
            return Status(401, errors.error_body("otp_required", _('Send the current six-digit code as "otp".')))
        password_only = False
    elif settings.HAVEN_REQUIRE_2FA and user_requires_two_factor(user=user):
        return Status(
            401,
            errors.error_body(
                "two_factor_setup_required",
                _("Your role requires two-factor authentication: set it up on the web page first."),
            ),
        )
    token, raw = token_issue(user=user, password_only=password_only)
    return Status(200, {"token": raw, "expires_at": token.expires_at.isoformat()})


@api.post("/auth/revoke", response={204: None}, tags=["auth"])
def auth_revoke(request: HttpRequest) -> Any:
    """Revoke the token this request was made with."""
    raw = getattr(request, "api_token_raw", "")
    token_revoke_raw(actor=request.user, raw=raw)
    return Status(204, None)


@api.get("/health", auth=None, response={200: HealthOut, 503: HealthOut}, tags=["health"])
def health(request: HttpRequest) -> Any:
    """Liveness and database check; no authentication."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return Status(503, {"status": "unavailable", "database": "error"})
    return Status(200, {"status": "ok", "database": connection.vendor})


def _mount() -> None:
    from haven.credentials.api import router as credentials
    from haven.matching.api import router as matching
    from haven.oversight.api import router as oversight
    from haven.pathways.api import router as pathways
    from haven.registry.api import router as registry
    from haven.shelter.api import router as shelter
    from haven.support.api import router as support

    api.add_router("/", registry)
    api.add_router("/", matching)
    api.add_router("/shelter", shelter)
    api.add_router("/pathways", pathways)
    api.add_router("/support", support)
    api.add_router("/credentials", credentials)
    api.add_router("/oversight", oversight)


_mount()
