from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Decision, ProposalKind, RejectReason
from .services import MAX_TOP_K, SeedFilters

LICENCE_CHOICES = [
    ("non_exclusive", _("Non-exclusive licence")),
    ("exclusive", _("Exclusive licence")),
    ("assignment", _("Assignment")),
]


class SeedFilterForm(forms.Form):
    """The seed filters shared by the quick search and the run form."""

    licence_types = forms.MultipleChoiceField(
        label=_("Offered as"), choices=LICENCE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    company = forms.ModelChoiceField(
        label=_("Company"), queryset=None, required=False, empty_label=_("All companies")
    )
    ipc = forms.CharField(
        label=_("IPC classes"),
        required=False,
        max_length=200,
        help_text=_("Prefixes separated by spaces or commas, e.g. G01N H02K."),
    )
    include_unpublished = forms.BooleanField(label=_("Include unpublished seeds"), required=False)
    include_expired = forms.BooleanField(label=_("Include expired rights"), required=False)

    def __init__(self, *args, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies

    FILTER_FIELDS = ("licence_types", "company", "ipc", "include_unpublished", "include_expired")

    @property
    def main_fields(self) -> list:
        """What the user types; the filters follow, folded away unless one is in use."""
        return [f for f in self.visible_fields() if f.name not in self.FILTER_FIELDS]

    @property
    def filter_fields(self) -> list:
        return [f for f in self.visible_fields() if f.name in self.FILTER_FIELDS]

    @property
    def filters_in_use(self) -> bool:
        return self.is_bound and (
            any(self.data.get(name) for name in self.FILTER_FIELDS)
            or any(f.errors for f in self.filter_fields)
        )

    def seed_filters(self) -> SeedFilters:
        data = self.cleaned_data
        prefixes = [p for p in data.get("ipc", "").replace(",", " ").split() if p]
        return SeedFilters(
            include_unpublished=data.get("include_unpublished", False),
            include_expired=data.get("include_expired", False),
            licence_types=tuple(data.get("licence_types") or ()),
            company_ids=(data["company"].pk,) if data.get("company") else (),
            ipc_prefixes=tuple(prefixes),
        )


class QuickSearchForm(SeedFilterForm):
    q = forms.CharField(
        label=_("Needs, products or capabilities"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Japanese or English, as the SME said it."),
    )

    field_order = ["q"]


class RunForm(SeedFilterForm):
    query_text = forms.CharField(
        label=_("Needs, products or capabilities"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    top_k = forms.IntegerField(label=_("Candidates per query"), min_value=1, max_value=MAX_TOP_K, initial=20)

    field_order = ["query_text", "top_k"]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    reject_reason = forms.ChoiceField(
        label=_("Reason"), choices=[("", "—"), *RejectReason.choices], required=False
    )
    note = forms.CharField(
        label=pgettext_lazy("screening review", "Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ShortlistedChoiceField(forms.ModelMultipleChoiceField):
    """Shortlisted candidates named as a coordinator knows them: rank, seed and SME."""

    def label_from_instance(self, obj) -> str:
        label = f"{obj.rank}. {obj.patent.number} {obj.patent.title}"
        return f"{label} — {obj.sme}" if obj.sme_id else label


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(label=_("Meeting"), choices=ProposalKind.choices)
    candidates = ShortlistedChoiceField(
        label=_("Shortlisted candidates"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick candidates of one company: the meeting brings it together with their SMEs."),
    )
    note = forms.CharField(
        label=pgettext_lazy("screening review", "Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, shortlisted, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = shortlisted
