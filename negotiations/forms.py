"""Forms of the deal pipeline: they parse input; the services validate the business rules."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kawasaki.lookups import SearchSelect, SearchSelectMultiple

from .models import (
    DocumentKind,
    DropReason,
    EntryKind,
    Improvements,
    LicenceType,
    Side,
    State,
)


class DateInput(forms.DateInput):
    input_type = "date"


class MoveForm(forms.Form):
    to_state = forms.ChoiceField(label=_("Move to"), choices=State.choices)
    reason = forms.ChoiceField(
        label=_("Reason for dropping"), choices=[("", "—"), *DropReason.choices], required=False
    )
    note = forms.CharField(
        label=pgettext_lazy("deal", "Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The service refuses a move into CONFIRM_STATES without it (licence signed, launched, dropped).
    confirm = forms.BooleanField(label=_("I confirm this move"), required=False)


class ReopenForm(forms.Form):
    to_state = forms.ChoiceField(label=_("Reopen at"), choices=State.choices)
    reason = forms.CharField(
        label=_("Reason for reopening"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NegotiationForm(forms.Form):
    sme = forms.ModelChoiceField(label=_("SME"), queryset=None, widget=SearchSelect(lookup="sme"))
    company = forms.ModelChoiceField(label=_("Company"), queryset=None)
    # Hundreds of seeds: searched as you type among the chosen company's published seeds.
    seeds = forms.ModelMultipleChoiceField(
        label=_("Seeds"),
        queryset=None,
        required=False,
        widget=SearchSelectMultiple(lookup="seed", depends_on="company"),
    )
    note = forms.CharField(
        label=pgettext_lazy("deal", "Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # Ticked after the warning that the SME already has an open deal with the company on these seeds.
    allow_duplicate = forms.BooleanField(label=_("Add to that deal anyway"), required=False)

    def __init__(self, *args, smes, companies, seeds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sme"].queryset = smes
        self.fields["company"].queryset = companies
        self.fields["seeds"].queryset = seeds


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(EntryKind.NOTE, EntryKind.NOTE.label), (EntryKind.CALL, EntryKind.CALL.label)],
    )
    text = forms.CharField(label=_("Text"), max_length=8000, widget=forms.Textarea(attrs={"rows": 3}))
    internal = forms.BooleanField(label=_("Internal: coordinators only"), required=False, initial=True)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"), help_text=_("PDF, Word, ODT or text."))


class CoordinatorDocumentForm(DocumentForm):
    side = forms.ChoiceField(label=_("Supplied by"), choices=Side.choices)


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Coordinator's comment"), max_length=8000, widget=forms.Textarea(attrs={"rows": 3})
    )


class NdaForm(forms.Form):
    signed_on = forms.DateField(label=_("NDA signed on"), widget=DateInput)
    expires_on = forms.DateField(label=_("NDA expires on"), widget=DateInput, required=False)


class TermsForm(forms.Form):
    licence_type = forms.ChoiceField(label=_("Type"), choices=LicenceType.choices)
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput)
    field_of_use = forms.CharField(label=_("Field of use"), max_length=300)
    territory = forms.CharField(label=_("Territory"), max_length=200, initial=_("Japan"))
    term_months = forms.IntegerField(
        label=_("Term (months)"),
        min_value=1,
        max_value=600,
        required=False,
        help_text=_("Empty: until the patents expire."),
    )
    upfront_fee_yen = forms.IntegerField(label=_("Upfront fee (yen)"), min_value=0, initial=0)
    royalty_percent = forms.DecimalField(
        label=_("Running royalty (%)"), min_value=0, max_value=50, decimal_places=2, initial=0
    )
    minimum_royalty_yen = forms.IntegerField(
        label=_("Minimum royalty per year (yen)"), min_value=0, initial=0
    )
    sublicensing = forms.BooleanField(label=_("Sublicensing allowed"), required=False)
    improvements = forms.ChoiceField(label=_("Improvements"), choices=Improvements.choices)


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Product name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    launch_date = forms.DateField(label=_("Launch date"), widget=DateInput)
    price_yen = forms.IntegerField(label=_("Price (yen)"), min_value=0, required=False)
    photo = forms.ImageField(label=_("Photo"), required=False)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput)
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=None, required=False)

    def __init__(self, *args, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees
