from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from haven.matching import views

app_name = "matching"
urlpatterns: list[URLPattern | URLResolver] = [
    path("search/", views.search, name="search"),
    path("duplicates/check/", views.duplicate_check, name="duplicate_check"),
    path("duplicates/decide/", views.duplicate_decide, name="duplicate_decide"),
    path("duplicates/", views.queue, name="queue"),
    path("duplicates/<uuid:pair_id>/", views.pair_detail, name="pair_detail"),
    path("duplicates/<uuid:pair_id>/dismiss/", views.pair_dismiss, name="pair_dismiss"),
    path("merges/<uuid:merge_id>/", views.merge_detail, name="merge_detail"),
    path("batch/", views.batch, name="batch"),
    path("batch/<uuid:run_id>/", views.batch_detail, name="batch_detail"),
]
