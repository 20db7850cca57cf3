"""Forms of the subsidies app: they parse input; the services check the rules and write."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kawasaki.lookups import SearchSelect
from smes.models import Industry

from .models import PROGRAMME_FIELDS, ApplicationStatus, Programme, ProgrammeTemplate

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgrammeForm(forms.ModelForm):
    industries = forms.MultipleChoiceField(
        label=_("Industries (JSIC divisions)"),
        choices=Industry.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for every industry."),
    )
    official_url = forms.URLField(label=_("Official URL"), required=False, assume_scheme="https")
    prefectures = forms.CharField(
        label=_("Prefectures"),
        required=False,
        help_text=_("Separate with commas, e.g. 神奈川県, 東京都. Leave empty for every prefecture."),
    )

    field_order = [*PROGRAMME_FIELDS, "is_active"]

    class Meta:
        model = Programme
        # official_url is declared above (https by default), so the model's own form field is not built.
        fields = [f for f in (*PROGRAMME_FIELDS, "is_active") if f != "official_url"]
        help_texts = {
            "size_rule": _(
                "SME: capital or employees within the SME Basic Act limits of the company's industry. "
                "Small-scale business: at most 20 regular employees in manufacturing and others, 5 in "
                "commerce and services."
            ),
        }
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "eligible_costs": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["prefectures"] = ", ".join(self.instance.prefectures)

    def clean_prefectures(self) -> list[str]:
        parts = re.split(r"[,、，\s]+", self.cleaned_data["prefectures"])
        return [p for p in parts if p]


class WindowForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=100, help_text=_("For example: 第1次締切"))
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE)
    closes_on = forms.DateField(label=_("Closes on"), widget=DATE)


class AdoptForm(forms.Form):
    template = forms.ModelChoiceField(queryset=ProgrammeTemplate.objects.all(), label=_("Template"))


class ApplicationForm(forms.Form):
    """Create or edit a draft. `smes`, `programmes`, `windows`, `plans`, `negotiations`, `coordinators` are querysets
    from the selectors; the SME and programme are chosen only when creating."""

    sme = forms.ModelChoiceField(queryset=None, label=_("SME"))
    programme = forms.ModelChoiceField(queryset=None, label=_("Programme"))
    title = forms.CharField(label=_("Project title"), max_length=200)
    window = forms.ModelChoiceField(queryset=None, label=_("Window"))
    amount_requested_jpy = forms.IntegerField(label=_("Amount requested (yen)"))
    business_plan = forms.ModelChoiceField(queryset=None, label=_("Business plan"), required=False)
    negotiation = forms.ModelChoiceField(queryset=None, label=_("Negotiation"), required=False)
    coordinator = forms.ModelChoiceField(queryset=None, label=_("Coordinator in charge"), required=False)
    # Shown after the warning that the SME already applied to the window (the service's duplicate check).
    allow_duplicate = forms.BooleanField(
        label=_("Create anyway"),
        required=False,
        help_text=_("Only when a second application of this SME to this window is legitimate."),
    )

    def __init__(
        self,
        *args,
        smes,
        programmes,
        windows,
        plans,
        negotiations,
        coordinators=None,
        creating=True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if creating:
            # Long lists: searched as you type among the chosen SME's own plans and deals (the widget
            # first, so that setting the queryset gives it its choices).
            self.fields["sme"].widget = SearchSelect(lookup="sme")
            self.fields["business_plan"].widget = SearchSelect(lookup="plan", depends_on="sme")
            self.fields["negotiation"].widget = SearchSelect(lookup="deal", depends_on="sme")
            self.fields["sme"].queryset = smes
            self.fields["programme"].queryset = programmes
        else:
            del self.fields["sme"]
            del self.fields["programme"]
            del self.fields["allow_duplicate"]
        self.fields["window"].queryset = windows
        self.fields["window"].label_from_instance = lambda w: (
            f"{w.programme.name} {w.label} ({w.opens_on:%Y-%m-%d} – {w.closes_on:%Y-%m-%d})"
        )
        self.fields["business_plan"].queryset = plans
        self.fields["business_plan"].label_from_instance = lambda p: f"{p.sme.name_ja}: {p.title}"
        self.fields["negotiation"].queryset = negotiations
        if coordinators is None:
            del self.fields["coordinator"]
        else:
            self.fields["coordinator"].queryset = coordinators
            if creating:
                self.fields["coordinator"].help_text = _("Left empty, you are in charge.")


class StatusForm(forms.Form):
    new_status = forms.ChoiceField(label=_("New status"), choices=ApplicationStatus.choices)
    on = forms.DateField(label=_("Date"), required=False, widget=DATE, help_text=_("Today when left empty."))
    amount_granted_jpy = forms.IntegerField(label=_("Amount granted (yen)"), required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the withdrawal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: the company chose another programme; the project was postponed."),
    )
    on = forms.DateField(label=_("Date"), required=False, widget=DATE, help_text=_("Today when left empty."))


class NoteForm(forms.Form):
    # A context of its own: the bare word is translated as "caution" in another catalogue.
    body = forms.CharField(
        label=pgettext_lazy("coordinator note", "Note"), widget=forms.Textarea(attrs={"rows": 3})
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"))
