"""Sends users whose role requires two-factor authentication to set it up."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

# Not "/verify/": the card verification page shows a person's name.
EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/")


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.HAVEN_REQUIRE_2FA
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not user.is_verified()  # type: ignore[union-attr,attr-defined]
        ):
            from haven.accounts.selectors import user_requires_two_factor

            if user_requires_two_factor(user=user):
                return redirect("accounts:two_factor")
        return self.get_response(request)
