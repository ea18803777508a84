"""Reference data seeded by migration 0002 (statuses, flags, session types, questionnaire).

Kept here, not in the migration, so that tests and documentation can read
the same list. Change it only together with a new data migration.
"""

from __future__ import annotations

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
        "Ребёнок без сопровождения: позвоните куратору, прежде чем ребёнок уйдёт.",
        "طفل بلا مرافق: اتصل بالمرشد الاجتماعي قبل خروج الطفل.",
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
