"""Forms of the support pages. Services do the checking that matters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from haven.accounts.models import Site
from haven.support.models import (
    CaseFlagType,
    CaseStatus,
    DataCategory,
    ExamComponent,
    ExamResult,
    Priority,
    ProviderKind,
    Question,
    ReferralStatus,
    ServiceProvider,
    SessionType,
)


class DateInput(forms.DateInput):
    input_type = "date"


class Bootstrap:
    """Give every widget Bootstrap 5's class."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def style(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


class SessionForm(Bootstrap, forms.Form):
    session_type = forms.ModelChoiceField(queryset=SessionType.objects.none(), label=_("Type"))
    held_on = forms.DateField(label=_("Date"), widget=DateInput)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=5, max_value=600, initial=60)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    interpreter = forms.CharField(
        label=_("Interpreter"),
        max_length=200,
        required=False,
        help_text=_("Who interpreted, and between which languages."),
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("Stored encrypted; only your compartment can read it."),
    )

    def __init__(self, *args: Any, session_types: list[SessionType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["session_type"]
        field.queryset = SessionType.objects.filter(pk__in=[t.pk for t in session_types])  # type: ignore[attr-defined]
        field.label_from_instance = lambda obj: obj.label  # type: ignore[attr-defined]
        if len(session_types) == 1:
            self.initial.setdefault("session_type", session_types[0].pk)
        self.initial.setdefault("held_on", timezone.localdate())


class NoteForm(Bootstrap, forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 6}), required=False)


class ExamForm(Bootstrap, forms.Form):
    examined_on = forms.DateField(label=_("Examined on"), widget=DateInput)
    facility = forms.CharField(label=_("Facility"), max_length=200)
    components = forms.MultipleChoiceField(
        label=_("Components done"), choices=ExamComponent.choices, widget=forms.CheckboxSelectMultiple
    )
    result = forms.ChoiceField(label=_("Result"), choices=ExamResult.choices, widget=forms.RadioSelect)
    certificate_expires_on = forms.DateField(
        label=_("Certificate valid until"), widget=DateInput, required=False, help_text=_("Empty: one year.")
    )
    details = forms.CharField(
        label=_("Details (medical compartment)"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class ReferralForm(Bootstrap, forms.Form):
    provider = forms.ModelChoiceField(queryset=ServiceProvider.objects.none(), label=_("Refer to"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    data_shared = forms.MultipleChoiceField(
        label=_("Data sent"), choices=DataCategory.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    purpose = forms.CharField(label=_("Purpose of the disclosure"), max_length=300, required=False)
    consent_given = forms.BooleanField(
        label=_("The person agrees that this data is sent to this service for this purpose"), required=False
    )
    consent_given_by = forms.CharField(
        label=_("Consent given by"), max_length=200, required=False, help_text=_("The person, or the guardian's name.")
    )

    def __init__(self, *args: Any, site: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        self.fields["provider"].queryset = ServiceProvider.objects.filter(  # type: ignore[attr-defined]
            Q(site__isnull=True) | Q(site=site), is_active=True, is_origin_authority=False
        )


class ProviderForm(Bootstrap, forms.Form):
    name = forms.CharField(label=pgettext_lazy("of a thing", "Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProviderKind.choices)
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(),
        label=_("Site"),
        required=False,
        empty_label=_("Every site"),
        help_text=_("Where the service is offered for referrals."),
    )
    is_internal = forms.BooleanField(
        label=_("Inside the centre"),
        required=False,
        help_text=_("A referral inside the centre sends no data to a third party and is not a disclosure."),
    )
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        required=False,
        validators=[RegexValidator(r"^[A-Za-z]{2}$", _("Enter a two-letter country code, such as RU."))],
    )
    contact = forms.CharField(label=_("Contact"), max_length=300, required=False)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
    is_origin_authority = forms.BooleanField(
        label=_("Authority of a country of origin"),
        required=False,
        help_text=_(
            "Such a service never receives personal data, whatever the consent, and is never offered for "
            "referrals. Once set, this mark cannot be removed."
        ),
    )

    def __init__(self, *args: Any, sites: Any, provider: ServiceProvider | None = None, **kwargs: Any) -> None:
        if provider is not None:
            kwargs.setdefault("initial", {f: getattr(provider, f) for f in self.base_fields})
        super().__init__(*args, **kwargs)
        site_field = self.fields["site"]
        site_field.queryset = sites  # type: ignore[attr-defined]
        if provider is not None and provider.is_origin_authority:
            field = self.fields["is_origin_authority"]
            field.disabled = True
            field.help_text = _("This service is an authority of a country of origin: it never receives personal data.")


class ReferralStatusForm(Bootstrap, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ReferralStatus.choices)
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CaseStatusForm(Bootstrap, forms.Form):
    status = forms.ModelChoiceField(queryset=CaseStatus.objects.all(), label=_("Status"), to_field_name="code")
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].label_from_instance = lambda obj: obj.label  # type: ignore[attr-defined]


class FlagForm(Bootstrap, forms.Form):
    flag = forms.ModelChoiceField(
        queryset=CaseFlagType.objects.filter(is_active=True), label=_("Flag"), to_field_name="code"
    )
    comment = forms.CharField(label=_("Comment"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["flag"].label_from_instance = lambda obj: obj.label  # type: ignore[attr-defined]


class GoalForm(Bootstrap, forms.Form):
    title = forms.CharField(label=_("Goal"), max_length=300)
    due_on = forms.DateField(label=_("Target date"), widget=DateInput, required=False)


class ActionForm(Bootstrap, forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, label=_("Owner"), required=False)  # type: ignore[arg-type]
    due_on = forms.DateField(label=_("Due date"), widget=DateInput, required=False)

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class AssessmentForm(Bootstrap, forms.Form):
    kind = forms.ChoiceField(
        label=_("When"), choices=[("arrival", _("At arrival")), ("review", _("Review"))], initial="arrival"
    )

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[f"q_{question.code}"] = forms.BooleanField(label=question.text, required=False)
        self.style()

    def answers(self) -> dict[str, bool]:
        return {name[2:]: bool(value) for name, value in self.cleaned_data.items() if name.startswith("q_")}
