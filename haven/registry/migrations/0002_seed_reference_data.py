"""Seed the reference data: person statuses, document types and the UNHCR
standardised specific-needs codes (version ``unhcr-2009``).

Administrators may add rows later; this migration only creates missing ones.
"""

from django.db import migrations

STATUSES = [
    # code, en, ru, ar, is_present
    ("active", "Active", "Активный", "نشط", True),
    ("transferred", "Transferred", "Переведён", "منقول", False),
    ("departed", "Departed", "Выбыл", "غادر", False),
    ("deceased", "Deceased", "Умер", "متوفى", False),
]

DOCUMENT_TYPES = [
    ("passport", "Passport", "Паспорт", "جواز سفر"),
    ("national-id", "National identity card", "Национальное удостоверение личности", "بطاقة هوية وطنية"),
    ("family-booklet", "Family booklet", "Семейная книжка", "دفتر العائلة"),
    ("birth-certificate", "Birth certificate", "Свидетельство о рождении", "شهادة ميلاد"),
    ("asylum-application-certificate", "Certificate of a pending asylum application", "Справка о рассмотрении заявления", "إفادة بالنظر في طلب اللجوء"),
    ("temporary-asylum-certificate", "Temporary asylum certificate", "Свидетельство о предоставлении временного убежища", "شهادة اللجوء المؤقت"),
    ("refugee-certificate", "Refugee certificate", "Удостоверение беженца", "وثيقة لاجئ"),
    ("driving-licence", "Driving licence", "Водительское удостоверение", "رخصة قيادة"),
    ("military-booklet", "Military service booklet", "Военный билет", "دفتر خدمة العلم"),
    ("other", "Other document", "Другой документ", "وثيقة أخرى"),
]

# code, parent, restricted, en, ru, ar
NEED_CODES = [
    ("CR", None, False, "Child at risk", "Ребёнок в группе риска", "طفل معرض للخطر"),
    ("SC", None, False, "Unaccompanied or separated child", "Несопровождаемый или разлучённый ребёнок", "طفل غير مصحوب أو منفصل"),
    ("SC-UC", "SC", False, "Unaccompanied child", "Несопровождаемый ребёнок", "طفل غير مصحوب"),
    ("SC-SC", "SC", False, "Separated child", "Разлучённый ребёнок", "طفل منفصل عن ذويه"),
    ("WR", None, False, "Woman at risk", "Женщина в группе риска", "امرأة معرضة للخطر"),
    ("WR-LC", "WR", False, "Lactation", "Кормящая мать", "مرضع"),
    ("ER", None, False, "Older person at risk", "Пожилой человек в группе риска", "مسن معرض للخطر"),
    ("SP", None, False, "Single parent or caregiver", "Одинокий родитель или опекун", "معيل وحيد"),
    ("DS", None, False, "Disability", "Инвалидность", "إعاقة"),
    ("SM", None, False, "Serious medical condition", "Серьёзное заболевание", "حالة طبية خطيرة"),
    ("SM-MI", "SM", True, "Mental illness", "Психическое заболевание", "مرض نفسي"),
    ("SM-CI", "SM", False, "Chronic illness", "Хроническое заболевание", "مرض مزمن"),
    ("SM-DP", "SM", False, "Difficult pregnancy", "Осложнённая беременность", "حمل صعب"),
    ("FU", None, False, "Family unity", "Единство семьи", "وحدة الأسرة"),
    ("FU-TR", "FU", False, "Tracing required", "Требуется розыск", "يلزم البحث عن ذوي"),
    ("FU-FR", "FU", False, "Family reunification required", "Требуется воссоединение семьи", "يلزم لم شمل الأسرة"),
    ("LP", None, False, "Specific legal and physical protection needs", "Особые потребности в правовой и физической защите", "احتياجات خاصة للحماية القانونية والجسدية"),
    ("LP-ND", "LP", False, "No legal documentation", "Нет документов", "لا وثائق قانونية"),
    ("LP-RR", "LP", False, "At risk of refoulement", "Риск принудительного возвращения", "معرض لخطر الإعادة القسرية"),
    ("LP-RP", "LP", True, "At risk due to profile", "Риск из-за личных обстоятельств", "معرض للخطر بسبب وضعه الشخصي"),
    ("LP-AN", "LP", True, "Violence, abuse or neglect", "Насилие, жестокое обращение или пренебрежение", "عنف أو إساءة أو إهمال"),
    ("TR", None, True, "Torture", "Пытки", "تعذيب"),
    ("TR-WV", "TR", True, "Witness of violence to others", "Свидетель насилия над другими", "شاهد على عنف ضد الآخرين"),
    ("SV", None, True, "Sexual and gender-based violence", "Сексуальное и гендерное насилие", "عنف جنسي وقائم على النوع الاجتماعي"),
    ("SV-FM", "SV", True, "Forced or early marriage", "Принудительный или ранний брак", "زواج قسري أو مبكر"),
]

VERSION = "unhcr-2009"


def seed(apps, schema_editor):
    PersonStatus = apps.get_model("registry", "PersonStatus")
    DocumentType = apps.get_model("registry", "DocumentType")
    NeedCode = apps.get_model("registry", "NeedCode")
    for order, (code, en, ru, ar, present) in enumerate(STATUSES):
        PersonStatus.objects.get_or_create(
            code=code, defaults={"label_en": en, "label_ru": ru, "label_ar": ar, "sort_order": order, "is_present": present}
        )
    for order, (code, en, ru, ar) in enumerate(DOCUMENT_TYPES):
        DocumentType.objects.get_or_create(
            code=code, defaults={"label_en": en, "label_ru": ru, "label_ar": ar, "sort_order": order}
        )
    by_code = {}
    for order, (code, parent, restricted, en, ru, ar) in enumerate(NEED_CODES):
        row, _ = NeedCode.objects.get_or_create(
            code=code,
            version=VERSION,
            defaults={
                "parent": by_code.get(parent),
                "restricted": restricted,
                "label_en": en,
                "label_ru": ru,
                "label_ar": ar,
                "sort_order": order,
            },
        )
        by_code[code] = row


def unseed(apps, schema_editor):
    apps.get_model("registry", "NeedCode").objects.filter(version=VERSION, parent__isnull=False).delete()
    apps.get_model("registry", "NeedCode").objects.filter(version=VERSION).delete()
    apps.get_model("registry", "DocumentType").objects.filter(code__in=[d[0] for d in DOCUMENT_TYPES]).delete()
    apps.get_model("registry", "PersonStatus").objects.filter(code__in=[s[0] for s in STATUSES]).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
