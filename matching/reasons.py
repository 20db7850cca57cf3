"""A stored candidate's reasons: the shared and bridged terms, the seed's fit as "n of 6" with the
criteria it misses, and the same in words for the API (the pages render them in ``_why.html``).

Works on what a run stores with each candidate (``ScreeningCandidate.explanation`` and its
``needs_met``), so nothing here runs the engine or queries the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

FIT_TOTAL = 6


def terms_of(explanation: Mapping) -> tuple[list[str], list[dict]]:
    """(shared terms, bridged terms): a shared term is written alike in the query and the document
    (its forms as the document writes them); a bridged one reached the document from another query
    word: ``{"from": query word, "to": [document forms], "via": "dictionary" | "glossary" |
    "synonyms"}`` (JMdict, the glossary, or the synonym dictionary, which also crosses languages:
    振動 -> vibration)."""
    shared: list[str] = []
    bridged: list[dict] = []
    for t in explanation.get("matched_terms") or ():
        forms = [str(s) for s in t.get("surfaces") or ()] or [str(t.get("term") or "")]
        if t.get("synonym_of"):
            bridged.append({"from": str(t["synonym_of"]), "to": forms, "via": t.get("bridge") or "synonyms"})
        else:
            shared.extend(f for f in forms if f and f not in shared)
    return shared, bridged


def fit_of(explanation: Mapping) -> dict:
    """The seed's fit: how many of the six criteria it meets and the criteria in each group, as
    field codes (``fit_clear_use`` ...)."""
    report = explanation.get("fit") or {}
    groups = {key: [str(c) for c in report.get(key) or ()] for key in ("met", "partly", "missed", "unknown")}
    return {"met_count": len(groups["met"]), "of": FIT_TOTAL, **groups}


def _label(code: str) -> str:
    from patents.models import FIT_LABELS

    from .indexing import FIT_FIELD_MAP

    by_profile = {profile: field for field, profile in FIT_FIELD_MAP.items()}
    return str(FIT_LABELS.get(by_profile.get(code, code), code))


def reasons_in_words(explanation: Mapping, needs_met: Sequence[Mapping]) -> list[str]:
    """The reasons as sentences in the active language: the needs met, the shared and bridged
    terms, "fits n of 6 criteria" and the criteria not met, partly met or unknown."""
    lines: list[str] = []
    for need in needs_met:
        lines.append(
            _("Meets the need “%(need)s” (%(words)s)")
            % {"need": need.get("need", ""), "words": "、".join(need.get("words") or ())}
        )
    shared, bridged = terms_of(explanation)
    if shared:
        lines.append(_("Shared terms: %(terms)s") % {"terms": "、".join(shared)})
    for b in bridged:
        via = {"glossary": _("glossary"), "dictionary": _("dictionary")}.get(b["via"], _("synonyms"))
        lines.append(
            _("Bridged: %(source)s → %(target)s (%(via)s)")
            % {"source": b["from"], "target": " / ".join(b["to"]), "via": via}
        )
    fit = fit_of(explanation)
    lines.append(
        ngettext("Fits %(n)d of %(total)d criteria", "Fits %(n)d of %(total)d criteria", fit["met_count"])
        % {"n": fit["met_count"], "total": fit["of"]}
    )
    for key, heading in (("missed", _("Not met")), ("partly", _("Partly met")), ("unknown", _("Unknown"))):
        if fit[key]:
            lines.append(f"{heading}: " + "、".join(_label(c) for c in fit[key]))
    if (explanation.get("fit") or {}).get("large_business_only"):
        lines.append(_("fits only a large business"))
    return lines
