from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from .models import Role


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    # No preselected role: an administrator's role must never be given by not looking.
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("Choose a role")), *Role.choices])


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class AcceptInvitationForm(forms.Form):
    """Sets the password of the account created from an invitation."""

    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password (again)"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        if p1:
            from .models import User

            try:
                password_validation.validate_password(p1, User(email=self.email))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the key is for, e.g. the dashboard script.")
    )
    read_only = forms.BooleanField(label=_("Read only"), required=False, initial=True)


def add_service_errors(form: forms.Form, error: forms.ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors on their fields (or the form when the
    field is not on it), a plain message as a form error."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
