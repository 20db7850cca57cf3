"""The filters of a list, declared once for its page and its API endpoint (django-filter).

A list page and its API endpoint read the same query parameters through the same `FilterSet`, so they
cannot disagree on what a filter means, and the API's OpenAPI schema documents exactly the filters the
page offers (drf-spectacular reads the FilterSet of a `DjangoFilterBackend` view).

How to write one (`<app>/filters.py`, named `<Model>FilterSet`):

    class SMEFilterSet(TenantFilterSet):
        q = django_filters.CharFilter(label=_("Search"), method="filter_text")
        sme = django_filters.ModelChoiceFilter(queryset=SME.objects.none())  # set in limit_choices()

        class Meta:
            model = SME
            fields = ["industry"]

        def limit_choices(self):
            self.filters["sme"].queryset = selectors.smes_visible_to(user=self.user, municipality=self.municipality)

- The queryset it filters is always the selector's (the rows this user may see in this municipality),
  never `Model.objects`: the FilterSet narrows what the selector allows, it does not widen it.
- A choice filter that lists tenant rows (a company, an SME, a programme) declares an empty queryset
  and gets the tenant's rows in `limit_choices()`, so a select never lists another municipality's rows
  and another tenant's id is an invalid choice.

How to use one:

- Page: mix `kawasaki.views.FilterSetMixin` into a `ListView`, set `filterset_class`, and return the
  selector's queryset from `get_base_queryset()`. The page lists `filterset.qs`; a value that does not
  validate is ignored (the other filters still apply) and shown as a form error (`filter_form` in the
  context; `templates/includes/filter_errors.html` renders its errors for a hand-written filter form).
- API: set `filterset_class` on a `TenantAPIMixin` view whose `get_queryset()` returns the selector's
  queryset. `DjangoFilterBackend` (the default filter backend) answers a value that does not validate
  with a 400 in the API's error format (`{"error": {"code": "invalid", "fields": {...}}}`); an unknown
  parameter is ignored, as on the page.
"""

from __future__ import annotations

import django_filters
from django import forms

from .models import Municipality, User


class TenantFilterSet(django_filters.FilterSet):
    """A FilterSet that knows the request's user and municipality (pages: set by the tenant middleware;
    API: set by `TenantAPIMixin` from the token)."""

    user: User
    municipality: Municipality

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None or request is None:
            # Never fall back to the model's manager: the selector decides what the user may see.
            raise TypeError(f"{type(self).__name__} needs the selector's queryset and the request.")
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.user = request.user
        self.municipality = request.municipality
        self.limit_choices()

    def limit_choices(self) -> None:
        """Give choice filters that list tenant rows the rows of this user's municipality."""


class CheckboxFilter(django_filters.BooleanFilter):
    """A yes-only filter for a page's checkbox: "on", "true" and "1" mean yes, anything else (or nothing)
    means no filter. The API documents it as a boolean."""

    field_class = forms.BooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxInput)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return super().filter(qs, True) if value else qs
