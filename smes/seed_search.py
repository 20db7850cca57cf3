"""The seam through which the SMEs' seed catalogue is searched.

``smes`` sits below ``matching`` in the dependency order, so it cannot call the screening engine
itself: ``matching`` registers a searcher here from its ``AppConfig.ready()``
(:mod:`matching.sme_catalogue`). Without one (an installation without matching) the catalogue
falls back to a plain text filter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from patents.models import FitAnswer, Patent

BAND_WORDS = {
    "strong": _("Close match"),
    "possible": _("Possible match"),
    "weak": _("Distant match"),
}


@dataclass
class SeedHit:
    """One seed found for an SME's words, with the band in words and the words that matched."""

    patent: Patent
    band: str
    matched: list[str] = field(default_factory=list)

    @property
    def band_label(self) -> str:
        return str(BAND_WORDS.get(self.band, ""))


@dataclass
class SeedSearchResult:
    """Seeds found for a need, best first; ``suggestions``: other words to try when none were found;
    ``added_words``: technical words the plain-language need was read as."""

    hits: list[SeedHit]
    suggestions: list[str] = field(default_factory=list)
    added_words: list[str] = field(default_factory=list)


Searcher = Callable[..., SeedSearchResult]
_searcher: Searcher | None = None


def register_searcher(searcher: Searcher) -> None:
    """Called once by the matching app: ``searcher(municipality=, text=, allowed_ids=)``."""
    global _searcher
    _searcher = searcher


def searcher() -> Searcher | None:
    return _searcher


def seed_needs(patent: Patent) -> list[str]:
    """What the seed asks of an SME, in words (shown instead of a score): from its fit profile."""
    needs: list[str] = []
    if patent.fit_low_effort == FitAnswer.YES:
        needs.append(str(_("no large development budget or special facility")))
    elif patent.fit_low_effort in (FitAnswer.NO, FitAnswer.PARTLY):
        needs.append(str(_("some development effort or equipment")))
    if patent.fit_low_effort_note:
        needs.append(patent.fit_low_effort_note)
    if patent.fit_adds_value == FitAnswer.YES:
        needs.append(str(_("a product of your own it can be added to")))
    return needs


def seed_advantages(patent: Patent) -> list[str]:
    """What makes the seed easy to take up (not asked of the SME, so not among its needs)."""
    advantages: list[str] = []
    if patent.fit_prototype == FitAnswer.YES:
        advantages.append(str(_("a prototype or test data exists to start from")))
    if patent.fit_not_large_business == FitAnswer.YES:
        advantages.append(str(_("suits a small business")))
    return advantages
