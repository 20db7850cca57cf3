"""Filters of the patents app's lists, shared by the pages and the API (see kawasaki/filters.py)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from kawasaki.filters import CheckboxFilter, TenantFilterSet

from . import selectors
from .models import FIT_CRITERIA, LargeCompany, LegalStatus, Patent, PublicationState

EXPIRY_CHOICES = [
    ("expiring", _("Expiring soon")),
    ("expired", _("Term expired")),
    ("valid", _("Not expiring soon")),
]


class CompanyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name  # in the reader's language


class CompanyFilter(django_filters.ModelChoiceFilter):
    field_class = CompanyChoiceField


class PatentFilterSet(TenantFilterSet):
    """The portfolio list (curators) and the seed list (SMEs): the page `patent_list`, its CSV export and
    `GET /api/v1/patents/`. SMEs see published seeds only, so they get no curation filters."""

    q = django_filters.CharFilter(label=_("Search"), max_length=200)
    company = CompanyFilter(label=_("Company"), queryset=LargeCompany.objects.none(), empty_label=_("All"))
    ipc = django_filters.CharFilter(label=_("IPC class"), max_length=20, help_text=_("e.g. G01N"))
    legal_status = django_filters.ChoiceFilter(
        label=_("Legal status"), choices=LegalStatus.choices, empty_label=_("All")
    )
    publication_state = django_filters.ChoiceFilter(
        label=_("Publication state"), choices=PublicationState.choices, empty_label=_("All")
    )
    fit_yes = django_filters.MultipleChoiceFilter(
        label=_("Fit criteria met"), choices=FIT_CRITERIA, widget=forms.CheckboxSelectMultiple
    )
    expiry = django_filters.ChoiceFilter(label=_("Expiry"), choices=EXPIRY_CHOICES, empty_label=_("All"))
    needs_completion = CheckboxFilter(label=_("Without abstract only"))

    CURATION_FILTERS = ("publication_state", "needs_completion")

    class Meta:
        model = Patent
        fields: list[str] = []

    @property
    def can_curate(self) -> bool:
        return self.user.has_perm("patents.curate_patents", self.municipality)

    def limit_choices(self) -> None:
        if self.can_curate:
            companies = selectors.companies_visible_to(user=self.user, municipality=self.municipality)
        else:
            companies = selectors.companies_with_published_seeds(municipality=self.municipality)
            # SMEs see published seeds only: state and completion filters would say nothing.
            for name in self.CURATION_FILTERS:
                del self.filters[name]
        self.filters["company"].queryset = companies

    def filter_queryset(self, queryset):
        """The valid filters as `PatentFilters`: `selectors.filter_patents` is the one place that says
        what each filter means (tested in tests/patents/test_selectors.py)."""
        data = self.form.cleaned_data
        company = data.get("company")
        filters = selectors.PatentFilters(
            q=data.get("q") or "",
            company=company.pk if company is not None else None,
            ipc=data.get("ipc") or "",
            legal_status=data.get("legal_status") or "",
            publication_state=data.get("publication_state") or "",
            fit_yes=tuple(data.get("fit_yes") or ()),
            expiry=data.get("expiry") or "",
            needs_completion=bool(data.get("needs_completion")),
        )
        return selectors.filter_patents(queryset, filters)
