from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    otp = forms.CharField(
        label=_("Code from your authenticator app"),
        required=False,
        max_length=8,
        help_text=_("Only if you have set up two-factor authentication."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class TotpConfirmForm(forms.Form):
    otp = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Enrolment code"),
        max_length=32,
        help_text=_("Ten letters and digits, for example ABCDE-23456. Upper or lower case, with or without the dash."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "autofocus": True}),
    )
