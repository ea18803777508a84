from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "shelter"
urlpatterns: list[URLPattern | URLResolver] = []
