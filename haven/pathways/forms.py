"""Forms of the pathways pages. They collect input; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from haven.pathways.models import Category, StepStatus, StepTemplate
from haven.pathways.services.steps import SETTABLE_STATUSES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
SCAN_LABEL = _("Scan of the evidence (PDF, JPEG or PNG, up to 5 MB)")


def scan_input() -> forms.FileInput:
    return forms.FileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"})


class BootstrapMixin:
    """Give each widget Bootstrap's class (forms render their own fields)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.style()

    def style(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            classes = widget.attrs.get("class", "")
            if css not in classes.split():
                widget.attrs["class"] = (classes + " " + css).strip()


DUE_CHOICES = [
    ("due", _("Overdue and due within 30 days")),
    ("overdue", _("Overdue")),
    ("week", _("Due within 7 days")),
    ("all", _("All open steps")),
]


class WorklistFilterForm(BootstrapMixin, forms.Form):
    due = forms.ChoiceField(label=_("Due"), choices=DUE_CHOICES, required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    step = forms.ChoiceField(label=_("Step"), required=False)
    site = forms.ChoiceField(label=_("Site"), required=False)
    everyone = forms.BooleanField(label=_("Steps of every role"), required=False)

    def __init__(self, *args: Any, steps: list[tuple[str, str]], sites: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories")), *Category.choices]  # type: ignore[attr-defined]
        self.fields["step"].choices = [("", _("All steps")), *steps]  # type: ignore[attr-defined]
        self.fields["site"].choices = [("", _("All my sites")), *[(str(s.pk), s.name) for s in sites]]  # type: ignore[attr-defined]


class BulkCompleteForm(BootstrapMixin, forms.Form):
    completed_on = forms.DateField(label=_("Done on"), widget=DATE, initial=timezone.localdate)
    result = forms.CharField(label=_("Result (if the step records one)"), required=False, max_length=40)


class StepCompleteForm(BootstrapMixin, forms.Form):
    completed_on = forms.DateField(label=_("Done on"), widget=DATE, initial=timezone.localdate)
    result = forms.ChoiceField(label=_("Result"), required=False)
    document_number = forms.CharField(label=_("Document number"), required=False, max_length=60)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DATE)
    expires_on = forms.DateField(
        label=_("Expires on"), required=False, widget=DATE, help_text=_("Empty: worked out from the validity.")
    )
    scan = forms.FileField(label=SCAN_LABEL, required=False, widget=scan_input())

    def __init__(self, *args: Any, step_template: StepTemplate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.step_template = step_template
        if step_template.results:
            self.fields["result"].choices = [("", "—"), *[(r, r) for r in step_template.results]]  # type: ignore[attr-defined]
            self.fields["result"].required = True
        else:
            del self.fields["result"]
        for name in step_template.evidence_fields:
            self.fields[f"evidence_{name}"] = forms.CharField(
                label=name.replace("_", " ").capitalize(), required=False, max_length=100
            )
        self.style()

    def evidence(self) -> dict[str, Any]:
        data = self.cleaned_data
        evidence: dict[str, Any] = {k: data.get(k) for k in ("document_number", "issued_on", "expires_on")}
        for name in self.step_template.evidence_fields:
            evidence[name] = data.get(f"evidence_{name}", "")
        return {k: v for k, v in evidence.items() if v not in (None, "")}


class ScanForm(BootstrapMixin, forms.Form):
    scan = forms.FileField(label=SCAN_LABEL, widget=scan_input())


class StepStatusForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s.value, s.label) for s in StepStatus if s in SETTABLE_STATUSES]  # type: ignore[attr-defined]


class AppointmentForm(BootstrapMixin, forms.Form):
    step_code = forms.ChoiceField(label=_("Step"))
    on_date = forms.DateField(label=_("Date"), widget=DATE)
    at_time = forms.TimeField(label=_("Time"), widget=TIME)
    place = forms.CharField(label=pgettext_lazy("appointment location", "Place"), max_length=200)
    interpreter_needed = forms.BooleanField(label=_("Interpreter needed"), required=False)

    def __init__(self, *args: Any, step_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step_code"].choices = step_choices  # type: ignore[attr-defined]


class RebookForm(BootstrapMixin, forms.Form):
    on_date = forms.DateField(label=_("New date"), widget=DATE)
    at_time = forms.TimeField(label=_("New time"), widget=TIME)
    place = forms.CharField(label=_("Place (empty: the same)"), max_length=200, required=False)


class TemplateSourceForm(BootstrapMixin, forms.Form):
    source = forms.CharField(
        label=_("Template (YAML)"),
        widget=forms.Textarea(attrs={"rows": 30, "class": "font-monospace", "dir": "ltr", "spellcheck": "false"}),
    )


class SiteTemplateForm(BootstrapMixin, forms.Form):
    site = forms.ChoiceField(label=_("Site"))
    template_code = forms.ChoiceField(label=_("Template"))

    def __init__(self, *args: Any, sites: list[Any], codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [(str(s.pk), s.name) for s in sites]  # type: ignore[attr-defined]
        self.fields["template_code"].choices = [(c, c) for c in codes]  # type: ignore[attr-defined]
