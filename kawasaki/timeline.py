"""One timeline for an SME, a seed or a company, filled by every app: the core imports no domain app.

An app registers a source per subject it knows about, in its `AppConfig.ready()` (through the module it
imports there):

    @kawasaki.timeline.register_source("sme", kind="deals", label=_("Deals"), order=60)
    def sme_deals(*, user, municipality, obj) -> list[TimelineItem]: ...

A source answers only what the user may see (it starts from its app's selectors), in at most a fixed
number of queries, and at most `SOURCE_LIMIT` items; it returns None for a kind the user may never see
(a coordinators' record), so the page offers no filter that would always count nothing; `entries_of(queryset, kind=, when=, title=, url=,
note=)` turns such a queryset into items. `timeline_for()` merges the sources, newest first,
keeping the kinds asked for; the page renders `templates/kawasaki/_timeline.html` with the filters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise

SUBJECTS = ("sme", "seed", "company")
SOURCE_LIMIT = 50  # items per source: the newest; a long history is read on its own list page


@dataclass(frozen=True)
class TimelineItem:
    """One dated event: what it is (its kind), a title, the page where it is handled and a short note."""

    when: dt.date | dt.datetime
    kind: str
    title: str
    url: str | None = None
    note: str = ""

    @property
    def sort_key(self) -> dt.datetime:
        if isinstance(self.when, dt.datetime):
            return self.when if timezone.is_aware(self.when) else timezone.make_aware(self.when)
        return timezone.make_aware(dt.datetime.combine(self.when, dt.time.min))


Source = Callable[..., Iterable[TimelineItem] | None]


@dataclass(frozen=True)
class SourceEntry:
    kind: str
    label: str | Promise
    order: int
    func: Source = field(compare=False)


SOURCES: dict[str, list[SourceEntry]] = {subject: [] for subject in SUBJECTS}


def register_source(subject: str, *, kind: str, label: str | Promise, order: int = 100):
    """Register `func(*, user, municipality, obj)` as the source of one kind of event for a subject."""
    if subject not in SOURCES:
        raise ValueError(f"unknown timeline subject {subject!r}")

    def decorator(func: Source) -> Source:
        SOURCES[subject] = [s for s in SOURCES[subject] if s.kind != kind]  # a re-import replaces
        SOURCES[subject].append(SourceEntry(kind=kind, label=label, order=order, func=func))
        SOURCES[subject].sort(key=lambda s: (s.order, s.kind))
        return func

    return decorator


@dataclass
class Timeline:
    """What the template shows: the items, the kinds to filter by (with counts) and the kinds chosen."""

    items: list[TimelineItem]
    kinds: list[tuple[str, str | Promise, int]]
    selected: set[str]


def timeline_for(*, subject: str, user, municipality, obj, kinds: Iterable[str] = ()) -> Timeline:
    """The merged timeline of `obj`, newest first; `kinds` (empty: all) keeps only those kinds. Each
    kind is counted before filtering, so the filter links say how many each would show; a kind the
    user may not see (its source answered None) is left out of the filters."""
    wanted = {k for k in kinds if k}
    items: list[TimelineItem] = []
    available = []
    for source in SOURCES[subject]:
        answer = source.func(user=user, municipality=municipality, obj=obj)
        if answer is None:
            continue
        found = list(answer)[:SOURCE_LIMIT]
        available.append((source.kind, source.label, len(found)))
        if not wanted or source.kind in wanted:
            items.extend(found)
    items.sort(key=lambda item: item.sort_key, reverse=True)
    known = {kind for kind, _label, _n in available}
    return Timeline(items=items, kinds=available, selected=wanted & known)


def entries_of(
    rows: Iterable,
    *,
    kind: str,
    when: Callable[[Any], dt.date | dt.datetime],
    title: Callable[[Any], object],
    url: Callable[[Any], str | None] | None = None,
    note: Callable[[Any], object] | None = None,
) -> list[TimelineItem]:
    """The items of one kind from rows (a queryset already filtered to what the user may see and
    ordered newest first): at most `SOURCE_LIMIT`, each built from the row by the given functions."""
    if hasattr(rows, "query"):  # a queryset: fetch only what can be shown
        rows = rows[:SOURCE_LIMIT]
    return [
        TimelineItem(
            when=when(row),
            kind=kind,
            title=str(title(row)),
            url=url(row) if url else None,
            note=str(note(row) or "") if note else "",
        )
        for row in list(rows)[:SOURCE_LIMIT]
    ]


def kinds_from(request) -> list[str]:
    """The kinds a request asks for: `?kind=visits&kind=deals`."""
    return request.GET.getlist("kind")
