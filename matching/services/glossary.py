"""Writes of a municipality's screening glossary: add and remove entries, each audited.

An entry is refused with a reason when it names itself (弁 -> 弁) or would close a loop with the
entries already there (弁 -> valve, then valve -> 弁): a loop says nothing new and makes the bridge
shown in explanations ambiguous."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kawasaki.models import Municipality, User
from kawasaki.services import audit_log

from ..models import GlossaryEntry, split_equivalents


def _key(word: str) -> str:
    return word.strip().casefold()


def _path_back(graph: dict[str, list[str]], start: str, goal: str) -> list[str] | None:
    """A path start -> ... -> goal through the existing entries (depth-first), or None."""
    stack = [(start, [start])]
    seen = {start}
    while stack:
        node, path = stack.pop()
        for nxt in graph.get(node, ()):
            if nxt == goal:
                return [*path, nxt]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


def glossary_entry_add(
    *, municipality: Municipality, actor: User, term: str, equivalents: str
) -> GlossaryEntry:
    """Add a term and its equivalents. Side effect: audit entry."""
    term = term.strip()
    words = split_equivalents(equivalents)
    if not term:
        raise ValidationError({"term": _("Enter the term.")})
    if not words:
        raise ValidationError({"equivalents": _("Enter at least one equivalent.")})
    if any(_key(w) == _key(term) for w in words):
        raise ValidationError({"equivalents": _("An entry cannot name itself as its own equivalent.")})
    existing = list(GlossaryEntry.objects.filter(municipality=municipality))
    if any(_key(e.term) == _key(term) for e in existing):
        raise ValidationError(
            {"term": _("%(term)s is already in the glossary; remove that entry first.") % {"term": term}}
        )
    graph: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for entry in existing:
        graph.setdefault(_key(entry.term), []).extend(_key(w) for w in entry.equivalent_list)
        labels[_key(entry.term)] = entry.term
        labels.update({_key(w): w for w in entry.equivalent_list})
    for word in words:
        path = _path_back(graph, _key(word), _key(term))
        if path is not None:
            chain = " → ".join([term, *(labels.get(p, p) for p in path)])
            raise ValidationError(
                {
                    "equivalents": _("This entry would make a loop with the glossary: %(chain)s.")
                    % {"chain": chain}
                }
            )
    with transaction.atomic():
        entry = GlossaryEntry.objects.create(
            municipality=municipality, term=term, equivalents=", ".join(words), created_by=actor
        )
        audit_log(
            municipality=municipality,
            actor=actor,
            action="glossary_entry.added",
            obj=entry,
            changes={"term": {"new": term}, "equivalents": {"new": entry.equivalents}},
        )
    return entry


def glossary_entry_remove(*, entry: GlossaryEntry, actor: User) -> None:
    """Remove an entry. Side effect: audit entry (with what was removed)."""
    with transaction.atomic():
        audit_log(
            municipality=entry.municipality,
            actor=actor,
            action="glossary_entry.removed",
            obj=entry,
            changes={"term": {"old": entry.term}, "equivalents": {"old": entry.equivalents}},
        )
        entry.delete()
