"""Forms of the registration pages. They only parse input; services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.registry import names as name_utils
from haven.registry.models import (
    ConsentGiver,
    ConsentPurpose,
    DatePrecision,
    DocumentCustody,
    NamePart,
    PhoneOwner,
    Relationship,
    Script,
    Sex,
)
from haven.registry.services import LanguageInput, MemberInput, NameInput

DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
SCRIPT_DIR = {"ar": "rtl", "la": "ltr", "cy": "ltr"}
NAME_PARTS = [p.value for p in NamePart]
SCRIPTS = [s.value for s in Script]
NOTICE_LANGUAGES = [("ar", _("Arabic")), ("ru", _("Russian")), ("en", _("English"))]


def _control(widget: forms.Widget) -> forms.Widget:
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    widget.attrs.setdefault("class", css)
    return widget


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _control(field.widget)


def any_script_input() -> forms.TextInput:
    """Free text typed in any script (a place in Arabic, Latin or Cyrillic): the browser takes the
    direction from the first letter, so "Al-Bab" stays "Al-Bab" on an Arabic page."""
    return forms.TextInput(attrs={"dir": "auto"})


class HouseholdForm(StyledForm):
    arrival_date = forms.DateField(label=_("Arrival date"), widget=DATE_INPUT)
    origin_country = forms.CharField(label=_("Country of origin (ISO code)"), max_length=2, initial="SY")
    origin_governorate = forms.CharField(
        label=_("Governorate"), max_length=100, required=False, widget=any_script_input()
    )
    origin_district = forms.CharField(label=_("District"), max_length=100, required=False, widget=any_script_input())

    def clean_arrival_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["arrival_date"]
        if value > timezone.localdate():
            raise ValidationError(_("The arrival date is in the future; check it."))
        return value


class MemberForm(StyledForm):
    """One member: name parts in three scripts and the basic details."""

    relationship = forms.ChoiceField(label=_("Relationship to the head"), choices=Relationship.choices)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices])
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DATE_INPUT)
    dob_precision = forms.ChoiceField(label=_("Precision"), choices=DatePrecision.choices)
    place_of_birth = forms.CharField(
        label=_("Place of birth"), max_length=120, required=False, widget=any_script_input()
    )
    nationalities = forms.CharField(label=_("Nationalities (ISO codes)"), max_length=40, initial="SY", required=False)
    languages = forms.CharField(label=_("Languages (ISO codes)"), max_length=60, initial="ar", required=False)
    interpreter_needed = forms.BooleanField(label=_("Needs an interpreter"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    phone_owner = forms.ChoiceField(label=_("Whose phone"), choices=PhoneOwner.choices)
    profession = forms.CharField(label=_("Profession"), max_length=120, required=False, widget=any_script_input())
    document_script = forms.ChoiceField(
        label=_("Spelling as in the identity document"),
        choices=[("", _("No document")), *Script.choices],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for part in NamePart:
            for script in Script:
                field = forms.CharField(label=f"{part.label} ({script.label})", max_length=100, required=False)
                field.widget.attrs.update({"class": "form-control name-input", "dir": SCRIPT_DIR[script.value]})
                field.widget.attrs["lang"] = {"ar": "ar", "la": "en", "cy": "ru"}[script.value]
                self.fields[f"{part.value}_{script.value}"] = field

    def name_rows(self) -> list[dict[str, Any]]:
        return [
            {"part": part.value, "label": part.label, "fields": [self[f"{part.value}_{s.value}"] for s in Script]}
            for part in NamePart
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for part in NamePart:
            for script in Script:
                key = f"{part.value}_{script.value}"
                value = name_utils.clean(data.get(key) or "")
                data[key] = value
                if value and not name_utils.in_script(value, script.value):
                    self.add_error(
                        key,
                        _("This is not written in %(script)s letters; move it to the right column.")
                        % {"script": script.label},
                    )
        if not any(data.get(f"given_{s}") for s in SCRIPTS):
            self.add_error(None, _("Enter the given name in at least one script."))
        if not any(data.get(f"family_{s}") for s in SCRIPTS):
            self.add_error(None, _("Enter the family name in at least one script."))
        dob = data.get("date_of_birth")
        if dob and dob > timezone.localdate():
            self.add_error("date_of_birth", _("The date of birth is in the future; check the year."))
        return data

    def names(self) -> list[NameInput]:
        doc = self.cleaned_data.get("document_script") or ""
        out = []
        for part in NAME_PARTS:
            for script in SCRIPTS:
                value = self.cleaned_data.get(f"{part}_{script}") or ""
                if value:
                    out.append(NameInput(part, script, value, is_document_spelling=(script == doc)))
        return out

    def to_member(self) -> MemberInput:
        d = self.cleaned_data
        codes = [c.strip() for c in (d.get("languages") or "").replace(";", ",").split(",") if c.strip()]
        return MemberInput(
            names=self.names(),
            sex=d["sex"],
            date_of_birth=d.get("date_of_birth"),
            dob_precision=d["dob_precision"],
            relationship=d["relationship"],
            place_of_birth=d.get("place_of_birth") or "",
            nationalities=[c.strip() for c in (d.get("nationalities") or "").split(",") if c.strip()],
            phone=d.get("phone") or "",
            phone_owner=d["phone_owner"],
            profession=d.get("profession") or "",
            languages=[
                LanguageInput(code, "native" if i == 0 else "basic", bool(d.get("interpreter_needed")))
                for i, code in enumerate(codes)
            ],
        )


MemberFormSet = formset_factory(MemberForm, extra=0, min_num=1, validate_min=True, max_num=40, validate_max=True)


class SearchForm(forms.Form):
    query = forms.CharField(label=_("Name or registration number"), max_length=100, required=False)


class DocumentForm(StyledForm):
    document_type = forms.ChoiceField(label=_("Document type"))
    number = forms.CharField(label=_("Number"), max_length=64, required=False)
    issuing_country = forms.CharField(label=_("Issuing country (ISO code)"), max_length=2, required=False)
    issue_date = forms.DateField(label=_("Issue date"), required=False, widget=DATE_INPUT)
    expiry_date = forms.DateField(label=_("Expiry date"), required=False, widget=DATE_INPUT)
    custody = forms.ChoiceField(label=_("Kept by"), choices=DocumentCustody.choices)
    scan = forms.FileField(label=_("Scan (PDF, JPEG or PNG, up to 5 MB)"), required=False)

    def __init__(self, *args: Any, document_types: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document_type"].choices = document_types  # type: ignore[attr-defined]


class NeedForm(StyledForm):
    code = forms.ChoiceField(label=_("Specific need"))
    identified_on = forms.DateField(label=_("Identified on"), required=False, widget=DATE_INPUT)

    def __init__(self, *args: Any, codes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = codes  # type: ignore[attr-defined]


class ConsentForm(StyledForm):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    notice_language = forms.ChoiceField(label=_("Language of the information notice"), choices=NOTICE_LANGUAGES)
    given_on = forms.DateField(label=_("Given on"), required=False, widget=DATE_INPUT)
    given_by = forms.ChoiceField(label=_("Given by"), choices=ConsentGiver.choices)
    guardian_name = forms.CharField(label=_("Guardian's name"), max_length=200, required=False)


class PersonEditForm(StyledForm):
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DATE_INPUT)
    dob_precision = forms.ChoiceField(label=_("Precision"), choices=DatePrecision.choices)
    place_of_birth = forms.CharField(label=_("Place of birth"), max_length=120, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    phone_owner = forms.ChoiceField(label=_("Whose phone"), choices=PhoneOwner.choices)
    profession = forms.CharField(label=_("Profession"), max_length=120, required=False)
    status = forms.ChoiceField(label=_("Status"))

    def __init__(self, *args: Any, statuses: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = statuses  # type: ignore[attr-defined]


class ImportForm(StyledForm):
    file = forms.FileField(label=_("CSV or XLSX file"))
