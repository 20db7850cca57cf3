"""Reads for a large company's own screening results: per seed, the SMEs that fit, in bands."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from kawasaki.models import Municipality
from patents.models import LargeCompany, Patent

from .models import Direction, ScreeningCandidate, ScreeningRun
from .selectors import candidates_shared_with
from .services.company import CONSENTING_ONLY

BAND_ORDER = {"strong": 0, "possible": 1, "weak": 2, "unknown": 3}
# "At least" filters: possible shows strong and possible.
BAND_FILTERS = ("strong", "possible", "weak")


@dataclass
class SeedFits:
    """One seed of the company and the SMEs that fit it, best band first."""

    patent: Patent
    fits: list[ScreeningCandidate] = field(default_factory=list)

    @property
    def best_band(self) -> str:
        return self.fits[0].band if self.fits else "unknown"


def company_fits(
    *, municipality: Municipality, company: LargeCompany, q: str = "", band: str = ""
) -> list[SeedFits]:
    """Every seed of the company with fitting SMEs from runs shared with it (the coordinators' and its
    own). A pair found by several runs counts once, as the latest run found it; "below" is left out, and
    so is an SME that has not agreed to share its profile with large companies (a coordinator's run
    shared with the company may include it; the coordinator introduces such SMEs instead)."""
    qs = candidates_shared_with(municipality=municipality, company=company).filter(sme__consent_to_share=True)
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(patent__title__icontains=q)
            | Q(patent__number__icontains=q)
            | Q(sme__name_ja__icontains=q)
            | Q(sme__name_en__icontains=q)
        )
    limit = BAND_ORDER.get(band, BAND_ORDER["unknown"]) if band in BAND_FILTERS else BAND_ORDER["unknown"]
    seen: set[tuple[int, int]] = set()
    by_seed: dict[int, SeedFits] = {}
    for c in qs.order_by("-run_id", "rank"):
        key = (c.patent_id, c.sme_id or 0)
        if key in seen:
            continue
        seen.add(key)
        rank = BAND_ORDER.get(c.band)
        if rank is None or rank > limit:  # "below" (rank None) is never a fit
            continue
        by_seed.setdefault(c.patent_id, SeedFits(patent=c.patent)).fits.append(c)
    result = list(by_seed.values())
    for seed in result:
        seed.fits.sort(key=lambda c: (BAND_ORDER.get(c.band, 9), c.rank))
    result.sort(key=lambda s: (BAND_ORDER.get(s.best_band, 9), -len(s.fits), s.patent.number))
    return result


def company_latest_run(*, municipality: Municipality, company: LargeCompany) -> ScreeningRun | None:
    """The company's most recent own screening (to show whether one is waiting or running)."""
    return (
        ScreeningRun.objects.filter(
            municipality=municipality,
            company=company,
            direction=Direction.PORTFOLIO,
            parameters__has_key=CONSENTING_ONLY,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def seed_fits(
    *, municipality: Municipality, patent: Patent, company: LargeCompany | None = None
) -> list[ScreeningCandidate]:
    """The SMEs that fit one seed, best band first, each SME once (as its latest run found it).

    With `company`: what that company's staff may see, from runs shared with it (the coordinators'
    and its own); without: every run of the municipality (coordinators). One query."""
    if company is not None:
        qs = candidates_shared_with(municipality=municipality, company=company)
    else:
        qs = ScreeningCandidate.objects.filter(municipality=municipality).select_related("sme", "run")
    seen: set[int] = set()
    fits = []
    for c in qs.filter(patent=patent).exclude(sme=None).order_by("-run_id", "rank"):
        if c.sme_id in seen:
            continue
        seen.add(c.sme_id)
        if c.band in BAND_ORDER:  # "below" is never a fit
            fits.append(c)
    fits.sort(key=lambda c: (BAND_ORDER[c.band], c.rank))
    return fits
