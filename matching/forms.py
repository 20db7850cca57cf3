"""Forms of the matching app (screening, proposals, meetings): they parse input; the services validate
the business rules."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kawasaki.lookups import SearchSelect

from .models import Decision, MeetingKind, ProposalKind, RejectReason, Reply
from .services.screening import MAX_TOP_K, SeedFilters

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
        error_messages={
            "required": _(
                "Type what the SME needs, makes or can do (a few words are enough) to search the seeds."
            )
        },
    )

    sme = forms.ModelChoiceField(
        label=_("For SME (to save hits to its shortlist)"),
        queryset=None,
        required=False,
        widget=SearchSelect(lookup="sme"),
    )

    field_order = ["q", "sme"]

    def __init__(self, *args, smes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if smes is None:
            del self.fields["sme"]
        else:
            self.fields["sme"].queryset = smes


class RunForm(SeedFilterForm):
    query_text = forms.CharField(
        label=_("Needs, products or capabilities"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    top_k = forms.IntegerField(label=_("Candidates per query"), min_value=1, max_value=MAX_TOP_K, initial=20)

    field_order = ["query_text", "top_k"]

    def __init__(self, *args, direction: str = "sme_to_seeds", **kwargs):
        super().__init__(*args, **kwargs)
        if direction != "sme_to_seeds":
            # A seed or a portfolio is the query itself: there is no text to type.
            del self.fields["query_text"]


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
        label = f"{obj.rank}. {obj.patent.number} {obj.patent.title} ({obj.patent.company})"
        return f"{label} — {obj.sme}" if obj.sme_id else label


class BulkDecisionForm(forms.Form):
    """Shortlist or reject the ticked candidates of a run with one reason."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(Decision.SHORTLISTED, _("Shortlist")), (Decision.REJECTED, _("Reject"))],
    )
    reject_reason = forms.ChoiceField(
        label=_("Reason if rejected"), choices=[("", "—"), *RejectReason.choices], required=False
    )
    candidates = forms.ModelMultipleChoiceField(
        label=_("Candidates"),
        queryset=None,
        error_messages={"required": _("Tick at least one candidate.")},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = candidates


class ShortlistAddForm(forms.Form):
    """Save one seed to an SME's shortlist (from a quick-search hit)."""

    sme = forms.ModelChoiceField(label=_("SME"), queryset=None)
    patent = forms.ModelChoiceField(label=_("Seed"), queryset=None)
    # The words searched for: the server works out again why the seed fits them (never trusted from the page).
    q = forms.CharField(label=_("Search"), required=False, max_length=4000)

    def __init__(self, *args, smes, patents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sme"].queryset = smes
        self.fields["patent"].queryset = patents


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


# --- meetings ---------------------------------------------------------------------------------


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _capacity_field():
    return forms.IntegerField(
        label=_("Capacity (SMEs)"),
        min_value=1,
        max_value=10000,
        required=False,
        help_text=_("Symposiums: how many SMEs may register. Empty: no limit."),
    )


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput)
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    online_url = forms.URLField(label=_("Online meeting URL"), required=False, assume_scheme="https")
    company = forms.ModelChoiceField(
        label=_("Company"), queryset=None, required=False, help_text=_("Closed and one-on-one meetings.")
    )
    presenting_companies = forms.ModelMultipleChoiceField(
        label=_("Presenting companies"), queryset=None, required=False, help_text=_("Symposiums.")
    )
    seeds = forms.ModelMultipleChoiceField(label=_("Seeds"), queryset=None, required=False)
    smes = forms.ModelMultipleChoiceField(label=_("SMEs invited"), queryset=None, required=False)
    agenda = forms.CharField(
        label=_("Agenda"), required=False, max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )
    capacity = _capacity_field()

    def __init__(self, *args, companies, seeds, smes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies
        self.fields["presenting_companies"].queryset = companies
        self.fields["seeds"].queryset = seeds
        self.fields["smes"].queryset = smes


class MeetingEditForm(forms.Form):
    """What a planned meeting may change; its kind, company and SMEs stay."""

    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput)
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    online_url = forms.URLField(label=_("Online meeting URL"), required=False, assume_scheme="https")
    agenda = forms.CharField(
        label=_("Agenda"), required=False, max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )
    capacity = _capacity_field()
    presenting_companies = forms.ModelMultipleChoiceField(
        label=_("Presenting companies"), queryset=None, required=False
    )
    seeds = forms.ModelMultipleChoiceField(label=_("Seeds"), queryset=None, required=False)

    def __init__(self, *args, kind, companies, seeds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seeds"].queryset = seeds
        if kind == MeetingKind.SYMPOSIUM:
            self.fields["presenting_companies"].queryset = companies
        else:
            del self.fields["presenting_companies"]
            del self.fields["capacity"]

    @classmethod
    def initial_of(cls, meeting) -> dict:
        return {
            "title": meeting.title,
            "starts_at": meeting.starts_at,
            "ends_at": meeting.ends_at,
            "venue": meeting.venue,
            "online_url": meeting.online_url,
            "agenda": meeting.agenda,
            "capacity": meeting.capacity,
            "presenting_companies": list(meeting.presenting_companies.all()),
            "seeds": list(meeting.seeds.all()),
        }


class MeetingCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the SMEs that said they will attend."),
        error_messages={"required": _("Say why the meeting is cancelled.")},
    )


class ScheduleForm(forms.Form):
    """When and where a proposal or a one-on-one request is held (a proposal's title is prefilled)."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False)

    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput)
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    online_url = forms.URLField(label=_("Online meeting URL"), required=False, assume_scheme="https")


class ReplyForm(forms.Form):
    reply = forms.ChoiceField(
        label=_("Reply"),
        choices=[(Reply.ATTENDING, Reply.ATTENDING.label), (Reply.DECLINED, Reply.DECLINED.label)],
    )


class HoldForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 5}))
    attended = forms.ModelMultipleChoiceField(
        label=_("Attended"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, smes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = smes


class RequestForm(forms.Form):
    company = forms.ModelChoiceField(label=_("Company"), queryset=None)
    seeds = forms.ModelMultipleChoiceField(label=_("Seeds"), queryset=None, required=False)
    sme = forms.ModelChoiceField(label=_("SME"), queryset=None)
    note = forms.CharField(
        label=pgettext_lazy("deal", "Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, companies, seeds, smes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies
        self.fields["seeds"].queryset = seeds
        self.fields["sme"].queryset = smes


class GlossaryEntryForm(forms.Form):
    """A term and its equivalents for the municipality's screening glossary."""

    term = forms.CharField(
        label=pgettext_lazy("glossary", "Term"), max_length=100, help_text=_("Japanese or English, e.g. 弁.")
    )
    equivalents = forms.CharField(
        label=_("Equivalents"),
        max_length=500,
        help_text=_("In the other language (or both), separated by commas, e.g. valve, check valve."),
    )
