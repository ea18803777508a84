from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from haven.shelter import views, views_manage, views_rooms, views_stays

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
    path("<uuid:site_id>/check-in/", views_stays.checkin_list, name="checkin"),
    path("<uuid:site_id>/check-in/<uuid:person_id>/", views_stays.person_check_in, name="person_check_in"),
    path("<uuid:site_id>/stays/<uuid:stay_id>/move/", views_stays.stay_move, name="stay_move"),
    path("<uuid:site_id>/rooms/", views_rooms.rooms, name="rooms"),
    path("<uuid:site_id>/buildings/<uuid:building_id>/", views_rooms.building_edit, name="building_edit"),
    path("<uuid:site_id>/rooms/<uuid:room_id>/", views_rooms.room_edit, name="room_edit"),
    path("<uuid:site_id>/transfers/", views_manage.transfers, name="transfers"),
    path(
        "<uuid:site_id>/transfers/<uuid:transfer_id>/<slug:action>/",
        views_manage.transfer_action,
        name="transfer_action",
    ),
]
