"""Pages: the services people are referred to (not personal data)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from haven.accounts import roles
from haven.accounts.access import require, sites_with
from haven.accounts.models import Site
from haven.api.errors import ServiceError
from haven.support import selectors, services_referrals
from haven.support.forms import ProviderForm
from haven.support.models import ServiceProvider
from haven.support.views import form_error


def _sites(user: Any) -> Any:
    return Site.objects.filter(pk__in=sites_with(user, roles.REFERRAL_MANAGE)).order_by("name")


@login_required
def provider_list(request: HttpRequest) -> HttpResponse:
    require(request.user, roles.REFERRAL_MANAGE, purpose="manage services")
    providers = selectors.providers_for_user(user=request.user).order_by("-is_active", "name")
    return render(request, "support/providers.html", {"providers": providers})


@login_required
def provider_edit(request: HttpRequest, provider_id: Any = None) -> HttpResponse:
    require(request.user, roles.REFERRAL_MANAGE, purpose="manage services")
    provider: ServiceProvider | None = None
    if provider_id is not None:
        provider = selectors.provider_get_for_user(request.user, provider_id)
    form = ProviderForm(request.POST or None, sites=_sites(request.user), provider=provider)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if provider is None:
                services_referrals.provider_create(actor=request.user, **data)
            else:
                if provider.is_origin_authority:
                    data.pop("is_origin_authority")
                services_referrals.provider_update(actor=request.user, provider=provider, **data)
        except (ValidationError, ServiceError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Service saved."))
            return redirect("support:providers")
    return render(request, "support/provider_form.html", {"form": form, "provider": provider})
