from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from haven.registry import views, views_card, views_io, views_register

app_name = "registry"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.person_list, name="list"),
    path("register/", views_register.register, name="register"),
    path("register/suggest/", views_register.register_suggest, name="suggest"),
    path("register/duplicates/", views_register.register_duplicates, name="duplicates"),
    path("register/duplicates/decide/", views_register.register_decide, name="duplicate_decide"),
    path("persons/<uuid:person_id>/", views.person_detail, name="person"),
    path("persons/<uuid:person_id>/edit/", views.person_edit, name="person_edit"),
    path("persons/<uuid:person_id>/documents/", views.document_add, name="document_add"),
    path("documents/<uuid:document_id>/scan/", views.document_scan, name="document_scan"),
    path("persons/<uuid:person_id>/needs/", views.need_add, name="need_add"),
    path("needs/<uuid:need_id>/resolve/", views.need_resolve, name="need_resolve"),
    path("persons/<uuid:person_id>/consent/", views.consent_add, name="consent_add"),
    path("consent/<uuid:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("persons/<uuid:person_id>/card/", views_card.card_issue, name="card_issue"),
    path("persons/<uuid:person_id>/card.pdf", views_card.card_pdf, name="card_pdf"),
    path("households/<uuid:household_id>/", views.household_detail, name="household"),
    path("verify/", views_card.card_verify, name="verify_form"),
    path("verify/<str:token>/", views_card.card_verify, name="verify"),
    path("import/", views_io.import_upload, name="import"),
    path("import/template.<str:fmt>", views_io.import_template, name="import_template"),
    path("import/<uuid:job_id>/", views_io.import_status, name="import_status"),
    path("export/", views_io.export, name="export"),
]
