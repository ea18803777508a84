from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.matching.merging import MERGED, SURVIVOR, merge_fields
from haven.matching.models import Decision
from haven.registry.models import Person


class SearchForm(forms.Form):
    # Not stripped: a space after the last word says it is complete, as it does through the API.
    q = forms.CharField(label=_("Name"), max_length=200, required=False, strip=False)


class DuplicateCheckForm(forms.Form):
    """The identifying fields of a registration being typed (names of the registry's form accepted too)."""

    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    father_name = forms.CharField(label=_("Father's name"), max_length=100, required=False)
    grandfather_name = forms.CharField(label=_("Grandfather's name"), max_length=100, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False)
    dob_precision = forms.CharField(required=False, max_length=10)
    sex = forms.CharField(label=_("Sex"), required=False, max_length=1)
    place_of_birth = forms.CharField(label=_("Place of birth"), max_length=120, required=False)


class DecisionForm(forms.Form):
    candidate = forms.UUIDField(widget=forms.HiddenInput)
    data_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)
    score = forms.FloatField(widget=forms.HiddenInput, required=False)
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(forms.Form):
    """One radio per field where the two records differ: keep the survivor's value or take the other's."""

    survivor = forms.ChoiceField(label=_("Record that remains"), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    merge_households = forms.BooleanField(label=_("Also merge their households"), required=False)

    def __init__(
        self, *args: Any, a: Person, b: Person, names_a: dict[Any, str], names_b: dict[Any, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.a, self.b = a, b
        self.fields["survivor"].choices = [("a", a.registration_number), ("b", b.registration_number)]  # type: ignore[attr-defined]
        self.fields["survivor"].initial = "a"
        self.rows: list[dict[str, Any]] = []
        for f in merge_fields():
            va, vb = getattr(a, f.attname), getattr(b, f.attname)
            if va != vb:
                self._add(f.name, f.verbose_name, self._display(a, f), self._display(b, f))
        for key in sorted(set(names_a) & set(names_b)):
            if names_a[key] != names_b[key]:
                part, script = key
                self._add(f"name:{part}:{script}", f"{part} ({script})", names_a[key], names_b[key])

    @staticmethod
    def _display(obj: Person, f: Any) -> str:
        display = getattr(obj, f"get_{f.name}_display", None)
        value = display() if display else getattr(obj, f.name)
        return "" if value in (None, "") else str(value)

    def _add(self, name: str, label: Any, va: str, vb: str) -> None:
        self.fields[name] = forms.ChoiceField(
            label=label,
            choices=[("a", va or "—"), ("b", vb or "—")],
            initial="a",
            required=False,
            widget=forms.RadioSelect,
        )
        self.rows.append({"name": name, "label": label, "a": va, "b": vb})

    def merge_choices(self) -> dict[str, str]:
        """Field choices relative to the survivor (``survivor`` / ``merged``)."""
        keep = self.cleaned_data["survivor"]
        out = {}
        for row in self.rows:
            picked = self.cleaned_data.get(row["name"]) or keep
            out[row["name"]] = SURVIVOR if picked == keep else MERGED
        return out
