"""Reference data: statuses, flags, session types and the needs questionnaire.

Seeded by migration 0002; ``seed_missing`` re-creates missing rows after every
``migrate`` and every test flush (``post_migrate``), never changing existing ones.

Kept here, not in the migration, so that tests and documentation can read
the same list. Change it only together with a new data migration.
"""

from __future__ import annotations

from typing import Any

CASE_STATUSES = [
    # code, en, ru, ar, is_open, requires_reason
    ("open", "Open", "Открыт", "مفتوح", True, False),
    ("on_hold", "On hold", "Приостановлен", "معلّق", True, False),
    ("closed", "Closed", "Закрыт", "مغلق", False, True),
]

FLAG_TYPES = [
    # code, en, ru, ar, notice en, notice ru, notice ar
    (
        "interpreter",
        "Needs an interpreter",
        "Нужен переводчик",
        "يحتاج إلى مترجم",
        "Needs an interpreter: arrange one before any conversation about the case.",
        "Нужен переводчик: найдите его до любого разговора по делу.",
        "يحتاج إلى مترجم: أمّن مترجماً قبل أي حديث عن الملف.",
    ),
    (
        "no_location",
        "Do not share location",
        "Не сообщать местонахождение",
        "عدم الإفصاح عن مكان الإقامة",
        "Do not tell anyone whether this person lives here.",
        "Никому не сообщайте, живёт ли здесь этот человек.",
        "لا تخبر أحداً ما إذا كان هذا الشخص يقيم هنا.",
    ),
    (
        "medical_follow_up",
        "Medical follow-up",
        "Медицинское наблюдение",
        "متابعة طبية",
        "Ask the person to see the medical staff today.",
        "Попросите человека сегодня зайти к медицинскому персоналу.",
        "اطلب من الشخص مراجعة الطاقم الطبي اليوم.",
    ),
    (
        "reduced_mobility",
        "Reduced mobility",
        "Ограниченная подвижность",
        "صعوبة في الحركة",
        "Needs a ground-floor bed or help with stairs.",
        "Нужна кровать на первом этаже или помощь на лестнице.",
        "يحتاج إلى سرير في الطابق الأرضي أو مساعدة على الدرج.",
    ),
    (
        "child_alone",
        "Child without a caregiver",
        "Ребёнок без сопровождения",
        "طفل بلا مرافق",
        "Child without a caregiver: call the caseworker before the child leaves.",
        "Ребёнок без сопровождения: позвоните социальному работнику, прежде чем ребёнок уйдёт.",
        "طفل بلا مرافق: اتصل بمسؤول الحالة قبل خروج الطفل.",
    ),
    (
        "psychosocial",
        "Psychosocial support",
        "Психосоциальная поддержка",
        "دعم نفسي واجتماعي",
        "",
        "",
        "",
    ),
]

SESSION_TYPES = [
    # code, compartment, en, ru, ar
    ("social", "social", "Social counselling", "Социальная консультация", "استشارة اجتماعية"),
    ("legal", "legal", "Legal counselling", "Юридическая консультация", "استشارة قانونية"),
    ("psychological", "psychological", "Psychological session", "Психологическая сессия", "جلسة نفسية"),
    ("medical", "medical", "Medical consultation", "Медицинская консультация", "استشارة طبية"),
]

QUESTIONNAIRE = (
    "arrival-needs",
    "Needs assessment",
    "Оценка потребностей",
    "تقييم الاحتياجات",
)

QUESTIONS = [
    # code, en, ru, ar, need code, flag code
    (
        "interpreter",
        "Does the person need an interpreter to talk with staff?",
        "Нужен ли человеку переводчик для разговора с сотрудниками?",
        "هل يحتاج الشخص إلى مترجم للتحدث مع الموظفين؟",
        "",
        "interpreter",
    ),
    (
        "chronic_illness",
        "Does the person have a chronic illness that needs regular treatment?",
        "Есть ли у человека хроническое заболевание, требующее постоянного лечения?",
        "هل يعاني الشخص من مرض مزمن يحتاج إلى علاج منتظم؟",
        "SM-CI",
        "medical_follow_up",
    ),
    (
        "pregnancy",
        "Is the person pregnant with complications?",
        "Есть ли у человека осложнённая беременность?",
        "هل الشخص حامل مع مضاعفات؟",
        "SM-DP",
        "medical_follow_up",
    ),
    (
        "disability",
        "Does the person have a disability that affects daily life?",
        "Есть ли у человека инвалидность, влияющая на повседневную жизнь?",
        "هل لدى الشخص إعاقة تؤثر على حياته اليومية؟",
        "DS",
        "reduced_mobility",
    ),
    (
        "child_alone",
        "Is the person a child without a parent or usual caregiver?",
        "Является ли человек ребёнком без родителей или постоянного опекуна?",
        "هل الشخص طفل بلا والدين أو مقدّم رعاية معتاد؟",
        "SC-UC",
        "child_alone",
    ),
    (
        "single_parent",
        "Is the person caring for children alone?",
        "Один ли человек воспитывает детей?",
        "هل يعتني الشخص بالأطفال وحده؟",
        "SP",
        "",
    ),
    (
        "older_alone",
        "Is the person an older person without support?",
        "Является ли человек пожилым и без поддержки?",
        "هل الشخص مسنّ بلا سند؟",
        "ER",
        "",
    ),
    (
        "witnessed_violence",
        "Has the person witnessed violence against others?",
        "Был ли человек свидетелем насилия над другими?",
        "هل شهد الشخص عنفاً ضد آخرين؟",
        "TR-WV",
        "psychosocial",
    ),
    (
        "distress",
        "Does the person show signs of severe distress or cannot sleep?",
        "Есть ли у человека признаки сильного стресса или бессонница?",
        "هل تظهر على الشخص علامات ضيق شديد أو أرق؟",
        "SM-MI",
        "psychosocial",
    ),
    (
        "no_documents",
        "Does the person have no identity documents?",
        "Нет ли у человека документов, удостоверяющих личность?",
        "هل الشخص بلا وثائق هوية؟",
        "LP-ND",
        "",
    ),
    (
        "risk_profile",
        "Is the person at risk because of who they are?",
        "Угрожает ли человеку опасность из-за того, кто он?",
        "هل الشخص معرّض للخطر بسبب هويته؟",
        "LP-RP",
        "no_location",
    ),
    (
        "family_separated",
        "Are members of the family missing or separated?",
        "Есть ли пропавшие или разлучённые члены семьи?",
        "هل هناك أفراد من العائلة مفقودون أو منفصلون؟",
        "FU-TR",
        "",
    ),
]


def seed_missing(*, apps: Any, using: str = "default") -> int:
    """Create the reference rows that are missing (after ``migrate`` or a test's ``flush``).

    Never changes a row that exists, so an administrator's edits stay.
    Returns the number of rows created.
    """
    from django.db import connections

    models = {name: apps.get_model("support", name) for name in ("CaseStatus", "CaseFlagType", "SessionType")}
    models["Questionnaire"] = apps.get_model("support", "Questionnaire")
    models["Question"] = apps.get_model("support", "Question")
    tables = set(connections[using].introspection.table_names())
    if any(m._meta.db_table not in tables for m in models.values()):
        return 0
    created = 0
    for order, (code, en, ru, ar, is_open, requires_reason) in enumerate(CASE_STATUSES):
        _, new = (
            models["CaseStatus"]
            .objects.using(using)
            .get_or_create(
                code=code,
                defaults={
                    "name_en": en,
                    "name_ru": ru,
                    "name_ar": ar,
                    "is_open": is_open,
                    "requires_reason": requires_reason,
                    "sort_order": order,
                },
            )
        )
        created += new
    flags = {}
    for order, (code, en, ru, ar, n_en, n_ru, n_ar) in enumerate(FLAG_TYPES):
        flags[code], new = (
            models["CaseFlagType"]
            .objects.using(using)
            .get_or_create(
                code=code,
                defaults={
                    "name_en": en,
                    "name_ru": ru,
                    "name_ar": ar,
                    "notice_en": n_en,
                    "notice_ru": n_ru,
                    "notice_ar": n_ar,
                    "shows_at_checkin": bool(n_en),
                    "sort_order": order,
                },
            )
        )
        created += new
    for order, (code, compartment, en, ru, ar) in enumerate(SESSION_TYPES):
        _, new = (
            models["SessionType"]
            .objects.using(using)
            .get_or_create(
                code=code,
                defaults={"compartment": compartment, "name_en": en, "name_ru": ru, "name_ar": ar, "sort_order": order},
            )
        )
        created += new
    q_code, t_en, t_ru, t_ar = QUESTIONNAIRE
    questionnaire, new = (
        models["Questionnaire"]
        .objects.using(using)
        .get_or_create(code=q_code, version=1, defaults={"title_en": t_en, "title_ru": t_ru, "title_ar": t_ar})
    )
    created += new
    if new:
        for order, (code, en, ru, ar, need, flag) in enumerate(QUESTIONS):
            models["Question"].objects.using(using).create(
                questionnaire=questionnaire,
                code=code,
                text_en=en,
                text_ru=ru,
                text_ar=ar,
                proposes_need_code=need,
                proposes_flag=flags.get(flag),
                sort_order=order,
            )
            created += 1
    return created
