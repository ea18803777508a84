from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import Region, Site
from haven.shelter.models import ConsentGivenBy, StayEndReason

END_REASONS = [(v, label) for v, label in StayEndReason.choices if v != StayEndReason.MOVED]


class CheckOutForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=END_REASONS, initial=StayEndReason.DEPARTURE)


class PlaceForm(forms.Form):
    room = forms.UUIDField(widget=forms.HiddenInput)


class TransferForm(forms.Form):
    person = forms.ChoiceField(label=_("Resident"))
    to_site = forms.ModelChoiceField(label=_("Destination site"), queryset=Site.objects.none(), required=False)
    to_region = forms.ModelChoiceField(label=_("Destination region"), queryset=Region.objects.all(), required=False)
    planned_date = forms.DateField(label=_("Planned date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, residents: list[tuple[str, str]], site: Site, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person_field = self.fields["person"]
        site_field = self.fields["to_site"]
        assert isinstance(person_field, forms.ChoiceField) and isinstance(site_field, forms.ModelChoiceField)
        person_field.choices = residents
        site_field.queryset = Site.objects.filter(is_active=True).exclude(pk=site.pk)
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault("class", "form-select" if is_select else "form-control")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("to_site") and not data.get("to_region"):
            raise forms.ValidationError(_("Choose the destination site or region."))
        return data


class ConsentForm(forms.Form):
    given_by = forms.ChoiceField(label=_("Consent given by"), choices=ConsentGivenBy.choices)
    given_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
