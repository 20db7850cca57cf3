"""Forms of the patents app: they parse input; services do the work."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import FIT_EDIT_FIELDS, FIT_FIELDS, FitAnswer, OtherApplicants, Patent, PublicationState


class PatentEditForm(forms.ModelForm):
    """The fit profile and the plain-language fields of a seed."""

    class Meta:
        model = Patent
        fields = [
            "title",
            "abstract",
            "plain_summary",
            "application_examples",
            "prototype_info",
            "offer_non_exclusive",
            "offer_exclusive",
            "offer_assignment",
            "legal_status",
            "expiry_date",
            *FIT_EDIT_FIELDS,
            "internal_note",
        ]
        widgets = {
            "abstract": forms.Textarea(attrs={"rows": 5}),
            "plain_summary": forms.Textarea(attrs={"rows": 4}),
            "application_examples": forms.Textarea(attrs={"rows": 4}),
            "prototype_info": forms.Textarea(attrs={"rows": 3}),
            "internal_note": forms.Textarea(attrs={"rows": 3}),
            "expiry_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{name: forms.RadioSelect(choices=FitAnswer.choices) for name in FIT_FIELDS},
        }


class AttachmentForm(forms.Form):
    """Upload of one drawing, prototype photo or experiment data file; the service judges the file."""

    kind = forms.ChoiceField(label=pgettext_lazy("attachment", "What it shows"))
    file = forms.FileField(label=_("File"))
    caption = forms.CharField(
        label=_("Caption"),
        max_length=200,
        required=False,
        help_text=_("One line for the page and the introduction sheet, e.g. “Prototype, 2025”."),
    )

    def __init__(self, *args, **kwargs):
        from .attachments import UPLOAD_KINDS, accept_attribute, accepted_labels, max_file_mb

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.value, kind.label) for kind in UPLOAD_KINDS]
        self.fields["file"].widget.attrs["accept"] = accept_attribute()
        self.fields["file"].help_text = _(
            "At most %(mb)s MB. Drawings: %(drawing)s. Photos: %(photo)s. Experiment data: %(data)s."
        ) % {
            "mb": max_file_mb(),
            "drawing": accepted_labels(UPLOAD_KINDS[0]),
            "photo": accepted_labels(UPLOAD_KINDS[1]),
            "data": accepted_labels(UPLOAD_KINDS[2]),
        }


class StateForm(forms.Form):
    state = forms.ChoiceField(choices=PublicationState.choices)


class CompanyForm(forms.Form):
    name_ja = forms.CharField(label=_("Name (Japanese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    aliases = forms.CharField(
        label=_("Other spellings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, as they appear in patent data (e.g. GOOGLE INC.)."),
    )
    contact_name = forms.CharField(label=_("Licensing contact"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Licensing contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Licensing contact telephone"), max_length=40, required=False)


class AliasForm(forms.Form):
    name = forms.CharField(label=_("Other spelling"), max_length=200)


class ImportUploadForm(forms.Form):
    company = forms.TypedChoiceField(label=_("Company"), coerce=int)
    file = forms.FileField(
        label=_("Portfolio file"),
        help_text=_(
            "CSV (UTF-8 or Shift_JIS), XLSX or JSON Lines; the project template, a Google Patents or a "
            "J-PlatPat export. At most %(mb)s MB."
        ),
    )
    other_applicants = forms.ChoiceField(
        label=_("Rows naming another applicant"),
        choices=OtherApplicants.choices,
        initial=OtherApplicants.CONFIRM,
        required=False,  # absent (an older form, a script): show them and ask
        widget=forms.RadioSelect,
        help_text=_(
            "Each row's applicant is compared with the company's name and its other spellings. "
            "Rows of another applicant are listed in the report."
        ),
    )

    def __init__(self, *args, companies=(), max_mb=200, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].choices = [(c.pk, c.name) for c in companies]
        self.fields["file"].help_text = self.fields["file"].help_text % {"mb": max_mb}
        self.fields["file"].widget.attrs["accept"] = ".csv,.txt,.tsv,.xlsx,.jsonl,.ndjson"


def selected_ids(data, key: str = "ids", limit: int = 500) -> list[int]:
    """Checked patent ids from a form post or query string; whatever is not a number is ignored."""
    ids = []
    for value in data.getlist(key)[:limit]:
        if str(value).isdigit():
            ids.append(int(value))
    return ids
