from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from haven.matching.merging import MERGED, SURVIVOR, merge_fields
from haven.matching.models import Decision
from haven.registry.models import NamePart, Person, Script

LTR_FIELDS = frozenset({"date_of_birth", "household", "nationalities", "phone"})
"""Merge fields whose values are numbers, dates or codes: shown left to right on an Arabic page."""


def name_label(part: str, script: str) -> Any:
    """A name part in a script as people say it: "Given name · Arabic" (translated)."""
    try:
        return format_lazy("{} · {}", NamePart(part).label, Script(script).label)
    except ValueError:  # a part or script this registry version does not know
        return f"{part} · {script}"


def merge_key_label(key: str) -> Any:
    """The label of a field a merge chose (``date_of_birth``, ``name:given:la``), for people."""
    if key.startswith("name:"):
        _prefix, part, script = (key.split(":") + ["", ""])[:3]
        return name_label(part, script)
    try:
        field = Person._meta.get_field(key)
    except FieldDoesNotExist:  # a field this registry version no longer has
        return key
    return capfirst(getattr(field, "verbose_name", key))


def registered_first(a: Person, b: Person) -> str:
    """``"a"`` or ``"b"``: the record registered first, whose number the family's card already carries."""
    return "a" if (a.created_at, a.registration_number) <= (b.created_at, b.registration_number) else "b"


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


class DismissForm(forms.Form):
    """ "Not the same person": the reason is required, and the page says so before the browser does."""

    reason = forms.CharField(
        label=_("Why are these different persons?"),
        help_text=_("Required. For example: different fathers' names in their documents, or parent and child."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class MergeForm(forms.Form):
    """One radio per field where the two records differ: keep the survivor's value or take the other's."""

    survivor = forms.ChoiceField(
        label=_("Record that remains"), widget=forms.RadioSelect(attrs={"class": "form-check-input"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    merge_households = forms.BooleanField(label=_("Also merge their households"), required=False)

    def __init__(
        self, *args: Any, a: Person, b: Person, names_a: dict[Any, str], names_b: dict[Any, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.a, self.b = a, b
        self.fields["survivor"].choices = [("a", a.registration_number), ("b", b.registration_number)]  # type: ignore[attr-defined]
        # The earlier registration stays by default: its number is the one on the family's card.
        self.first = registered_first(a, b)
        self.fields["survivor"].initial = self.first
        self.rows: list[dict[str, Any]] = []
        for f in merge_fields():
            va, vb = getattr(a, f.attname), getattr(b, f.attname)
            if va != vb:
                label = capfirst(f.verbose_name)
                self._add(f.name, label, self._display(a, f), self._display(b, f), ltr=f.name in LTR_FIELDS)
        for key in sorted(set(names_a) & set(names_b)):
            if names_a[key] != names_b[key]:
                part, script = key
                label = name_label(part, script)
                self._add(f"name:{part}:{script}", label, names_a[key], names_b[key], ltr=script != "ar")

    @staticmethod
    def _display(obj: Person, f: Any) -> str:
        display = getattr(obj, f"get_{f.name}_display", None)
        value = display() if display else getattr(obj, f.name)
        if isinstance(value, list | tuple):  # nationalities: ["SY", "IQ"]
            value = ", ".join(str(v) for v in value)
        return "" if value in (None, "") else str(value)

    def _add(self, name: str, label: Any, va: str, vb: str, *, ltr: bool) -> None:
        self.fields[name] = forms.ChoiceField(
            label=label,
            choices=[("a", va or "—"), ("b", vb or "—")],
            initial=self.first,
            required=False,
            widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        )
        self.rows.append({"name": name, "label": label, "a": va, "b": vb, "ltr": ltr})

    def survivor_rows(self) -> list[dict[str, Any]]:
        """The two survivor radios with their records, the one registered first marked."""
        persons = {"a": self.a, "b": self.b}
        return [
            {"radio": radio, "person": persons[radio.data["value"]], "first": radio.data["value"] == self.first}
            for radio in self["survivor"]
        ]

    def choice_rows(self) -> list[dict[str, Any]]:
        """The fields that differ, each with its bound radios, for the template."""
        return [row | {"field": self[row["name"]]} for row in self.rows]

    def merge_choices(self) -> dict[str, str]:
        """Field choices relative to the survivor (``survivor`` / ``merged``)."""
        keep = self.cleaned_data["survivor"]
        out = {}
        for row in self.rows:
            picked = self.cleaned_data.get(row["name"]) or keep
            out[row["name"]] = SURVIVOR if picked == keep else MERGED
        return out
