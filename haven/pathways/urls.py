from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from haven.pathways import views, views_admin, views_appointments

app_name = "pathways"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.worklist, name="worklist"),
    path("bulk/", views.worklist_bulk, name="worklist_bulk"),
    path("expiring/", views.expiring, name="expiring"),
    path("steps/<uuid:pk>/", views.step_detail, name="step"),
    path("steps/<uuid:pk>/scan/", views.step_scan, name="step_scan"),
    path("people/<uuid:pk>/", views.person_timeline, name="person"),
    path("people/<uuid:pk>/enrol/", views.person_enrol, name="person_enrol"),
    path("households/<uuid:pk>/", views.household_timeline, name="household"),
    path("households/<uuid:pk>/enrol/", views.household_enrol, name="household_enrol"),
    path("progress/", views.progress, name="progress"),
    path("progress/export.csv", views.progress_export, name="progress_export"),
    path("notifications/", views.notifications, name="notifications"),
    path("calendar/", views_appointments.calendar, name="calendar"),
    path("appointments/new/", views_appointments.appointment_new, name="appointment_new"),
    path("appointments/<uuid:pk>/", views_appointments.appointment_detail, name="appointment"),
    path("appointments/<uuid:pk>/missed/", views_appointments.appointment_missed, name="appointment_missed"),
    path("appointments/<uuid:pk>/rebook/", views_appointments.appointment_rebook, name="appointment_rebook"),
    path("appointments/<uuid:pk>/slip/", views_appointments.appointment_slip, name="appointment_slip"),
    path("templates/", views_admin.template_list, name="templates"),
    path("templates/sites/", views_admin.site_assign, name="site_assign"),
    path("templates/<uuid:pk>/", views_admin.template_detail, name="template"),
    path("templates/<uuid:pk>/active/", views_admin.template_activate, name="template_activate"),
    path("templates/<uuid:pk>/migrate/", views_admin.template_migrate, name="template_migrate"),
]
