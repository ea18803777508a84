from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from haven.shelter import views, views_manage

app_name = "shelter"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.choose_site, {"page": "occupancy"}, name="index"),
    path("go/<slug:page>/", views.choose_site, name="choose"),
    path("<uuid:site_id>/", views.occupancy, name="occupancy"),
    path("<uuid:site_id>/closed-stays/", views.closed_stays_end, name="closed_stays_end"),
    path("<uuid:site_id>/roll-call/", views.rollcall, name="rollcall"),
    path("<uuid:site_id>/roll-call/<uuid:person_id>/", views.rollcall_mark, name="rollcall_mark"),
    path("<uuid:site_id>/absent/", views.absent, name="absent"),
    path("<uuid:site_id>/households/", views_manage.households, name="households"),
    path("<uuid:site_id>/households/<uuid:household_id>/", views_manage.household, name="household"),
    path("<uuid:site_id>/transfers/", views_manage.transfers, name="transfers"),
    path(
        "<uuid:site_id>/transfers/<uuid:transfer_id>/<slug:action>/",
        views_manage.transfer_action,
        name="transfer_action",
    ),
]
