"""The home page: what each app has to show the signed-in user."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from haven.accounts.selectors import user_memberships


@login_required
def home(request: HttpRequest) -> HttpResponse:
    panels: list[dict[str, Any]] = []
    for config in apps.get_app_configs():
        provider = getattr(config, "home_panels", None)
        if provider is not None:
            panels.extend(provider(request.user))
    memberships = list(user_memberships(user=request.user))
    return render(request, "home.html", {"panels": panels, "memberships": memberships})
