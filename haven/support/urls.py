from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from haven.support import views, views_providers, views_referrals, views_sessions

app_name = "support"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.caseload, name="caseload"),
    path("cases/<uuid:case_id>/", views.case_detail, name="case"),
    path("cases/<uuid:case_id>/status/", views.case_status, name="case_status"),
    path("cases/<uuid:case_id>/flags/", views.case_flag_add, name="case_flag_add"),
    path("cases/<uuid:case_id>/flags/<int:flag_id>/remove/", views.case_flag_remove, name="case_flag_remove"),
    path("cases/<uuid:case_id>/goals/", views.goal_add, name="goal_add"),
    path("cases/<uuid:case_id>/goals/<uuid:goal_id>/actions/", views.action_add, name="action_add"),
    path("cases/<uuid:case_id>/actions/<uuid:action_id>/done/", views.action_done, name="action_done"),
    path("cases/<uuid:case_id>/assessment/", views_referrals.assessment_new, name="assessment_new"),
    path("proposals/<uuid:proposal_id>/", views_referrals.proposal_decide, name="proposal_decide"),
    path("persons/<uuid:person_id>/", views_sessions.person_support, name="person"),
    path("persons/<uuid:person_id>/case/", views.case_open, name="case_open"),
    path("persons/<uuid:person_id>/sessions/new/", views_sessions.session_new, name="session_new"),
    path("persons/<uuid:person_id>/examinations/new/", views_sessions.exam_new, name="exam_new"),
    path("persons/<uuid:person_id>/referrals/new/", views_referrals.referral_new, name="referral_new"),
    path("sessions/week/", views_sessions.sessions_week, name="sessions_week"),
    path("sessions/<uuid:session_id>/", views_sessions.session_detail, name="session"),
    path("sessions/<uuid:session_id>/note/", views_sessions.session_note_edit, name="session_note"),
    path("examinations/<uuid:exam_id>/", views_sessions.exam_detail, name="exam"),
    path("referrals/", views_referrals.referral_list, name="referrals"),
    path("referrals/<uuid:referral_id>/status/", views_referrals.referral_status, name="referral_status"),
    path("disclosures/", views_referrals.disclosure_list, name="disclosures"),
    path("providers/", views_providers.provider_list, name="providers"),
    path("providers/new/", views_providers.provider_edit, name="provider_new"),
    path("providers/<uuid:provider_id>/", views_providers.provider_edit, name="provider"),
]
