"""Login, logout and two-factor authentication pages."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device

from haven.accounts import two_factor
from haven.accounts.forms import EnrolmentCodeForm, LoginForm, TotpConfirmForm
from haven.accounts.services import login_otp_failed

# The session's user gave a valid enrolment code and may set up an authenticator.
ENROL_SESSION_KEY = "haven_2fa_enrol"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if user is None:
            if getattr(request, "axes_locked_out", False):
                return locked_out(request, None, {})
            form.add_error(None, _("The username or password is not right. Check them and try again."))
        elif user_has_device(user):
            device = match_token(user, form.cleaned_data["otp"]) if form.cleaned_data["otp"] else None
            if device is None:
                if form.cleaned_data["otp"]:
                    # A wrong code counts as a failed login (audit row, lockout),
                    # or the code could be guessed once the password is known.
                    login_otp_failed(request=request, user=user)
                    if getattr(request, "axes_locked_out", False):
                        return locked_out(request, None, {})
                form.add_error("otp", _("Enter the current six-digit code from your authenticator app."))
            else:
                login(request, user)
                otp_login(request, device)
                return redirect(_next_url(request))
        else:
            login(request, user)
            return redirect(_next_url(request))
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


def locked_out(request: HttpRequest, response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes calls this for a locked account: a page, or JSON for the API."""
    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    if request.path.startswith("/api/"):
        from haven.api.errors import error_body

        return JsonResponse(error_body("locked_out", _("Too many failed logins. Try again later.")), status=429)
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": minutes, "limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


def _needs_enrolment_code(request: HttpRequest, user: Any) -> bool:
    """Where two-factor is enforced, a first enrolment takes a code from an administrator.

    Otherwise whoever knows the password could enrol their own
    authenticator and keep the account: at once for an account that must
    use two-factor, and later for one that enrols voluntarily and is then
    given a role that needs it. Without enforcement (demo, development)
    enrolment takes none.
    """
    return bool(settings.HAVEN_REQUIRE_2FA) and request.session.get(ENROL_SESSION_KEY) != str(user.pk)


def _enrolment_code_step(request: HttpRequest, user: Any) -> HttpResponse:
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # A session opened before the account was locked redeems nothing: the
        # lockout is checked here, not only when the password is given.
        if AxesProxyHandler.is_locked(request, credentials={"username": user.get_username()}):
            logout(request)
            return locked_out(request, None, {})
        if two_factor.enrolment_code_redeem(user=user, code=form.cleaned_data["code"]):
            request.session[ENROL_SESSION_KEY] = str(user.pk)
            return redirect("accounts:two_factor")
        # A guessed enrolment code is a failed login, like a guessed TOTP code.
        login_otp_failed(request=request, user=user)
        if getattr(request, "axes_locked_out", False):
            logout(request)
            return locked_out(request, None, {})
        form.add_error("code", _("That enrolment code is not right, has expired or has been used already."))
    return render(request, "accounts/two_factor.html", {"code_form": form, "needs_code": True})


@login_required
def two_factor_view(request: HttpRequest) -> HttpResponse:
    """Set up TOTP (first time, after an enrolment code if required) or confirm a code (later sessions)."""
    user = request.user
    if user.is_verified():  # type: ignore[union-attr]
        return redirect("home")
    confirmed = user_has_device(user)
    if not confirmed and _needs_enrolment_code(request, user):
        return _enrolment_code_step(request, user)
    form = TotpConfirmForm(request.POST or None)
    device = None if confirmed else two_factor.pending_device(user=user)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["otp"]
        if confirmed:
            matched = match_token(user, token)
        else:
            matched = two_factor.device_confirm(actor=user, device=device, token=token)  # type: ignore[arg-type]
        if matched is not None:
            request.session.pop(ENROL_SESSION_KEY, None)
            otp_login(request, matched)
            return redirect("home")
        if confirmed:
            # As at the login page: a wrong code is a failed login (audit row, lockout).
            login_otp_failed(request=request, user=user)  # type: ignore[arg-type]
            if getattr(request, "axes_locked_out", False):
                logout(request)
                return locked_out(request, None, {})
        form.add_error("otp", _("That code is not right or has expired. Enter the code shown now."))
    context: dict[str, Any] = {"form": form, "confirmed": confirmed}
    if device is not None:
        context["secret"] = two_factor.device_secret(device=device)
        context["qr_svg"] = two_factor.device_qr_svg(device=device)
    return render(request, "accounts/two_factor.html", context)
