"""Seed case statuses, case flag types, session types and the needs questionnaire."""

from django.db import migrations

from haven.support.seed import reference


def seed(apps, schema_editor):
    CaseStatus = apps.get_model("support", "CaseStatus")
    CaseFlagType = apps.get_model("support", "CaseFlagType")
    SessionType = apps.get_model("support", "SessionType")
    Questionnaire = apps.get_model("support", "Questionnaire")
    Question = apps.get_model("support", "Question")
    for order, (code, en, ru, ar, is_open, requires_reason) in enumerate(reference.CASE_STATUSES):
        CaseStatus.objects.update_or_create(
            code=code,
            defaults={"name_en": en, "name_ru": ru, "name_ar": ar, "is_open": is_open,
                      "requires_reason": requires_reason, "sort_order": order},
        )
    flags = {}
    for order, (code, en, ru, ar, n_en, n_ru, n_ar) in enumerate(reference.FLAG_TYPES):
        flags[code], _ = CaseFlagType.objects.update_or_create(
            code=code,
            defaults={"name_en": en, "name_ru": ru, "name_ar": ar, "notice_en": n_en, "notice_ru": n_ru,
                      "notice_ar": n_ar, "shows_at_checkin": bool(n_en), "sort_order": order},
        )
    for order, (code, compartment, en, ru, ar) in enumerate(reference.SESSION_TYPES):
        SessionType.objects.update_or_create(
            code=code,
            defaults={"compartment": compartment, "name_en": en, "name_ru": ru, "name_ar": ar, "sort_order": order},
        )
    q_code, t_en, t_ru, t_ar = reference.QUESTIONNAIRE
    questionnaire, _ = Questionnaire.objects.update_or_create(
        code=q_code, version=1, defaults={"title_en": t_en, "title_ru": t_ru, "title_ar": t_ar}
    )
    for order, (code, en, ru, ar, need, flag) in enumerate(reference.QUESTIONS):
        Question.objects.update_or_create(
            questionnaire=questionnaire,
            code=code,
            defaults={"text_en": en, "text_ru": ru, "text_ar": ar, "proposes_need_code": need,
                      "proposes_flag": flags.get(flag), "sort_order": order},
        )


def unseed(apps, schema_editor):
    Questionnaire = apps.get_model("support", "Questionnaire")
    Questionnaire.objects.filter(code=reference.QUESTIONNAIRE[0], version=1).delete()
    for model in ("SessionType", "CaseFlagType", "CaseStatus"):
        apps.get_model("support", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("support", "0001_cases_sessions_referrals")]

    operations = [migrations.RunPython(seed, unseed)]
