from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.i18n import set_language

from haven import views
from haven.api.api import api
from haven.registry import views_card

# The admin signs in through Haven's own login page (lockout, two-factor).
admin.site.login = login_required(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Haven"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("haven.accounts.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    # The registration card's QR code points here: staff confirm a card is current.
    path("verify/<str:token>/", views_card.card_verify, name="verify"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("registry/", include("haven.registry.urls")),
    path("matching/", include("haven.matching.urls")),
    path("shelter/", include("haven.shelter.urls")),
    path("pathways/", include("haven.pathways.urls")),
    path("support/", include("haven.support.urls")),
    path("credentials/", include("haven.credentials.urls")),
    path("oversight/", include("haven.oversight.urls")),
    path("audit/", include("haven.audit.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
