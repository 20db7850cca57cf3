"""Search-as-you-type lookups: server-side, paged JSON answers for selects too long to send whole.

An app registers a lookup in its ``AppConfig.ready()``::

    register_lookup(Lookup("seed", "patents.view_patent", seed_rows, search_fields=("title", "number")))

where ``seed_rows(*, user, municipality, params)`` returns the rows that fit (the tenant's, the user's,
and what the form asks for: ``params`` holds the query string, e.g. ``sme=`` for an SME's own deals).
``/m/<municipality>/lookups/<name>/?q=&page=`` answers ``{"results": [{"id", "text"}], "more": bool}``.
A form field uses ``SearchSelect(lookup="seed")``: it renders a plain select holding only the chosen
options (the form still validates against the whole queryset) and ``static/js/search-select.js``
turns it into a search field; without JavaScript the select still submits what was chosen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.forms.models import ModelChoiceIterator
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.functional import Promise
from django.views import View

from .views import TenantViewMixin

PAGE_SIZE = 20
MAX_QUERY = 100


@dataclass(frozen=True)
class Lookup:
    """One kind of search-as-you-type answer: its permission, its rows and the fields searched."""

    name: str
    permission: str
    rows: Callable[..., QuerySet]
    search_fields: tuple[str, ...]
    label: Callable[[Any], str] = str


LOOKUPS: dict[str, Lookup] = {}


def register_lookup(*lookups: Lookup) -> None:
    """Called from an app's AppConfig.ready()."""
    for lookup in lookups:
        LOOKUPS[lookup.name] = lookup


def lookup_page(
    *, lookup: Lookup, user, municipality, params: dict[str, str], query: str, page: int
) -> dict[str, Any]:
    """One page of a lookup's rows whose search fields contain every word of `query`."""
    rows = lookup.rows(user=user, municipality=municipality, params=params)
    for word in query[:MAX_QUERY].split():
        condition = Q()
        for field in lookup.search_fields:
            condition |= Q(**{f"{field}__icontains": word})
        rows = rows.filter(condition)
    if query and any("__" in field for field in lookup.search_fields):
        rows = rows.distinct()  # a search across a to-many relation repeats rows
    start = (max(page, 1) - 1) * PAGE_SIZE
    chunk = list(rows[start : start + PAGE_SIZE + 1])
    return {
        "results": [{"id": row.pk, "text": lookup.label(row)} for row in chunk[:PAGE_SIZE]],
        "more": len(chunk) > PAGE_SIZE,
    }


class LookupView(TenantViewMixin, View):
    """GET /m/<municipality>/lookups/<name>/?q=&page=: JSON; an unknown lookup is a 404."""

    def get_permission_required(self):
        lookup = LOOKUPS.get(self.kwargs["name"])
        if lookup is None:
            raise Http404
        return (lookup.permission,)

    def get(self, request: HttpRequest, *args, **kwargs) -> JsonResponse:
        lookup = LOOKUPS[self.kwargs["name"]]
        try:
            page = int(request.GET.get("page") or 1)
        except ValueError:
            page = 1
        params = {key: value for key, value in request.GET.items() if key not in ("q", "page")}
        return JsonResponse(
            lookup_page(
                lookup=lookup,
                user=request.user,
                municipality=self.municipality,
                params=params,
                query=request.GET.get("q", ""),
                page=page,
            )
        )


def lookup_url(municipality_slug: str, name: str) -> str:
    return reverse("lookup", kwargs={"municipality": municipality_slug, "name": name})


class SearchSelect(forms.Select):
    """A select that lists only its chosen option; search-select.js searches the lookup `lookup`.
    `depends_on` names another field of the form whose value is sent along (e.g. the SME)."""

    allow_multiple_selected = False

    def __init__(self, *, lookup: str, depends_on: str = "", placeholder: str | Promise = "", attrs=None):
        super().__init__(attrs)
        self.lookup = lookup
        self.depends_on = depends_on
        self.placeholder = placeholder

    def optgroups(self, name, value, attrs=None):
        chosen = {str(v) for v in value if v not in (None, "")}
        if isinstance(self.choices, ModelChoiceIterator):
            # Read only the chosen rows: iterating the field's queryset would build an option for
            # every SME of the city (500 of them: 30 ms a page) only to throw them away.
            saved, self.choices = self.choices, self._chosen_choices(self.choices.field, chosen)
            try:
                groups = super().optgroups(name, value, attrs)
            finally:
                self.choices = saved
        else:
            groups = super().optgroups(name, value, attrs)
        kept = []
        for group_name, options, index in groups:
            options = [o for o in options if str(o["value"]) in chosen or o["value"] in ("", None)]
            if options:
                kept.append((group_name, options, index))
        return kept

    @staticmethod
    def _chosen_choices(field, chosen: set[str]) -> list[tuple]:
        choices: list[tuple] = [("", field.empty_label)] if field.empty_label is not None else []
        if not chosen:
            return choices
        try:
            rows = list(field.queryset.filter(**{f"{field.to_field_name or 'pk'}__in": chosen}))
        except (ValueError, TypeError, ValidationError):  # a value that is no key: nothing to show
            return choices
        return choices + [(field.prepare_value(row), field.label_from_instance(row)) for row in rows]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-search-select"] = self.lookup
        if self.depends_on:
            widget_attrs["data-depends-on"] = self.depends_on
        if self.placeholder:
            widget_attrs["data-placeholder"] = str(self.placeholder)
        return context


class SearchSelectMultiple(SearchSelect):
    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False


def lookup_choices(rows: Iterable) -> list[tuple[int, str]]:
    return [(row.pk, str(row)) for row in rows]
