from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from haven.accounts.models import Region, Site
from haven.shelter.models import ConsentGivenBy, RoomDesignation, RoomStatus, StayEndReason

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


class _Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault("class", "form-select" if is_select else "form-control")


class BedChoiceForm(forms.Form):
    """The bed chosen on the check-in and move pages (checked by the service)."""

    bed = forms.UUIDField(label=_("Bed"))


class BuildingForm(_Styled):
    name = forms.CharField(label=pgettext_lazy("of a thing", "Name"), max_length=100)
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, initial=0, required=False)


class RoomEditForm(_Styled):
    # No minimum here: the service refuses 0 or less with the model's message.
    floor_area_m2 = forms.DecimalField(label=_("Floor area (m²)"), max_digits=7, decimal_places=2)
    designation = forms.ChoiceField(label=_("Designation"), choices=RoomDesignation.choices)
    status = forms.ChoiceField(label=_("Status"), choices=RoomStatus.choices)


class RoomForm(RoomEditForm):
    name = forms.CharField(label=pgettext_lazy("of a thing", "Name"), max_length=50)
    floor = forms.IntegerField(label=_("Floor"), initial=1)
    beds = forms.IntegerField(label=_("Beds"), initial=0)
    field_order = ["name", "floor", "floor_area_m2", "designation", "status", "beds"]


class BedForm(_Styled):
    label = forms.CharField(label=_("Label"), max_length=20)
