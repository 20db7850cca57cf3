"""Forms of the smes app: parse and validate input; the services write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patents.models import Patent

from .models import SME, BusinessPlan, ContactPerson, Partner, PlanSection, Referral, ReferralOutcome
from .services import SME_FIELDS, normalise_tags


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TagsField(forms.CharField):
    """Tags typed as one line, separated by commas (、 and ， count too)."""

    def to_python(self, value):
        text = super().to_python(value) or ""
        for sep in ("、", "，"):
            text = text.replace(sep, ",")
        return normalise_tags(text.split(","))

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value


class SMEForm(forms.ModelForm):
    """The SME profile. SME members do not see who referred their company (coordinators' record)."""

    # Wider than the 13 digits stored: people paste numbers with hyphens and spaces (cleaned below).
    corporate_number = forms.CharField(
        label=_("corporate number"),
        max_length=30,
        required=False,
        help_text=_("The 13-digit number assigned by the National Tax Agency (法人番号)."),
    )
    # Shown on registration after the warning that an SME of the same name exists (services.sme_create).
    allow_duplicate = forms.BooleanField(label=_("Register anyway"), required=False)
    needs_tags = TagsField(
        label=_("needs tags"),
        required=False,
        help_text=_("Separate tags with commas, e.g. IoT, sensors, export."),
    )

    class Meta:
        model = SME
        fields = list(SME_FIELDS)
        widgets = {
            "capabilities": forms.Textarea(attrs={"rows": 3}),
            "equipment": forms.Textarea(attrs={"rows": 3}),
            "products": forms.Textarea(attrs={"rows": 3}),
            "certifications": forms.Textarea(attrs={"rows": 2}),
            "needs": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, coordinator: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["allow_duplicate"]
        if not coordinator:
            del self.fields["referred_by"]
        self.fields["corporate_number"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean_corporate_number(self):
        # People copy numbers with hyphens or spaces (and full-width digits) from registry printouts.
        value = self.cleaned_data["corporate_number"] or ""
        value = value.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        return "".join(ch for ch in value if ch not in " -‐－　")


class VisitForm(forms.Form):
    """A visit and up to three next actions, each with its due date."""

    ACTION_SLOTS = 3

    visited_on = forms.DateField(label=_("date of visit"), widget=DateInput)
    people_met = forms.CharField(label=_("people met"), max_length=300)
    notes = forms.CharField(label=_("notes"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    needs_learnt = forms.CharField(
        label=_("needs learnt"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, self.ACTION_SLOTS + 1):
            self.fields[f"action_{n}"] = forms.CharField(
                label=_("Next action %(n)s") % {"n": n}, max_length=300, required=False
            )
            self.fields[f"due_{n}"] = forms.DateField(
                label=_("Due date %(n)s") % {"n": n}, required=False, widget=DateInput
            )

    def clean_visited_on(self):
        value = self.cleaned_data["visited_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("A visit cannot be recorded before it happens."))
        return value

    def clean(self):
        cleaned = super().clean()
        for n in range(1, self.ACTION_SLOTS + 1):
            action, due = cleaned.get(f"action_{n}"), cleaned.get(f"due_{n}")
            if action and not due and f"due_{n}" not in self.errors:
                self.add_error(f"due_{n}", _("Give a due date for this next action."))
            if due and not action:
                self.add_error(f"action_{n}", _("Describe the next action for this due date."))
        return cleaned

    def next_actions(self) -> list[tuple]:
        return [
            (self.cleaned_data[f"action_{n}"], self.cleaned_data[f"due_{n}"])
            for n in range(1, self.ACTION_SLOTS + 1)
            if self.cleaned_data.get(f"action_{n}")
        ]


class BusinessPlanForm(forms.ModelForm):
    seed = forms.ModelChoiceField(
        label=_("seed the plan is about"), queryset=Patent.objects.none(), required=False
    )

    class Meta:
        model = BusinessPlan
        fields = ["title", "seed", *PlanSection.values]
        widgets = {key: forms.Textarea(attrs={"rows": 5}) for key in PlanSection.values}

    def __init__(self, *args, seeds=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the published seeds the user may browse (and the plan's own, even if since taken down).
        field = self.fields["seed"]
        field.help_text = _("The seed (patent) this plan would license, if you have chosen one.")
        field.empty_label = _("Not chosen yet")
        if seeds is not None:
            field.queryset = seeds

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the plan a title."))
        return title

    def sections(self) -> dict[str, str]:
        return {key: self.cleaned_data[key] for key in PlanSection.values}


class PlanCommentForm(forms.Form):
    section = forms.ChoiceField(label=_("section"), choices=PlanSection.choices)
    body = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 3}))
    internal = forms.BooleanField(
        label=_("internal (coordinators only)"),
        required=False,
        help_text=_("Internal comments are never shown to the SME."),
    )


class PlanStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=[])

    def __init__(self, *args, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        from .models import PlanStatus

        self.fields["status"].choices = [(s, PlanStatus(s).label) for s in allowed]


class PartnerForm(forms.ModelForm):
    # "example.jp" means https://example.jp (Django 6's default; said here so 5.2 agrees).
    url = forms.URLField(
        label=Partner._meta.get_field("url").verbose_name, required=False, assume_scheme="https"
    )

    class Meta:
        model = Partner
        fields = [
            "name_ja",
            "name_en",
            "kind",
            "fields",
            "equipment",
            "contact_name",
            "contact_email",
            "contact_phone",
            "url",
        ]
        widgets = {
            "fields": forms.Textarea(attrs={"rows": 3}),
            "equipment": forms.Textarea(attrs={"rows": 3}),
        }


class ReferralForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("partner"), queryset=Partner.objects.none())
    referred_on = forms.DateField(label=_("date of referral"), widget=DateInput)
    purpose = forms.CharField(label=_("purpose"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        self.fields["partner"].label_from_instance = lambda p: f"{p} ({p.get_kind_display()})"


class ReferralOutcomeForm(forms.ModelForm):
    outcome = forms.ChoiceField(label=_("outcome"), choices=ReferralOutcome.choices)

    class Meta:
        model = Referral
        fields = ["outcome", "outcome_note"]
        widgets = {"outcome_note": forms.Textarea(attrs={"rows": 3})}


class SeedInterestForm(forms.Form):
    message = forms.CharField(
        label=_("message to the coordinators"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_(
            "What would you make with this seed? The coordinators arrange a meeting with the company."
        ),
        error_messages={
            "required": _(
                "Write a line about what you would make with this seed: the coordinators pass it on to the "
                "company when they arrange the meeting."
            )
        },
    )


class InterestAnswerForm(forms.Form):
    reply = forms.CharField(
        label=_("answer to the SME"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("Optional: sent by e-mail to the SME's members with the news that you took it in hand."),
    )


class ContactPersonForm(forms.ModelForm):
    class Meta:
        model = ContactPerson
        fields = ["name", "role", "phone", "email", "preferred_contact", "consent_to_share"]
