"""A large company's own screening: its portfolio against the municipality's SMEs that agreed to share
their profile with large companies.

Started by the company's IP staff, and in the background after a portfolio import is committed
(`patents.signals.portfolio_committed`) or seeds are published (`patents.signals.seeds_published`).
It is an ordinary portfolio run of the existing screening service (same engine, same candidates),
marked so that only consenting SMEs are screened, and shared with the company from the start.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kawasaki.models import Municipality, User
from patents.models import LargeCompany

from ..models import Direction, RunStatus, ScreeningRun
from .screening import SeedFilters, screening_run_start

# Stored in the run's parameters: `_screen_portfolio` then screens only SMEs with consent_to_share.
CONSENTING_ONLY = "consenting_smes_only"
COMPANY_TOP_K = 10


def company_screening_start(
    *, municipality: Municipality, company: LargeCompany, actor: User | None, reason: str = "manual"
) -> ScreeningRun:
    """Queue a screening of the company's seeds (drafts included: they are its own) against the
    consenting SMEs, shared with the company. Side effects: audit entry, Celery task after commit."""
    if company.municipality_id != municipality.pk:
        raise ValidationError(_("The company must belong to this municipality."))
    with transaction.atomic():
        run = screening_run_start(
            municipality=municipality,
            actor=actor,  # type: ignore[arg-type]  # None for the automatic runs (audit says "system")
            direction=Direction.PORTFOLIO,
            company=company,
            top_k=COMPANY_TOP_K,
            filters=SeedFilters(include_unpublished=True),
        )
        # Still inside the transaction: the task, queued on commit, reads these.
        run.parameters = {**run.parameters, CONSENTING_ONLY: True, "started_for": reason}
        run.shared_with_company = True
        run.save(update_fields=["parameters", "shared_with_company"])
    return run


def company_screening_pending(*, company: LargeCompany) -> ScreeningRun | None:
    """A company run still waiting or running (an automatic start then adds nothing)."""
    return (
        ScreeningRun.objects.filter(
            municipality_id=company.municipality_id,
            company=company,
            direction=Direction.PORTFOLIO,
            status__in=[RunStatus.QUEUED],
            parameters__has_key=CONSENTING_ONLY,
        )
        .order_by("-pk")
        .first()
    )


def _start_automatic(*, company: LargeCompany, actor: User | None, reason: str) -> None:
    if company_screening_pending(company=company) is not None:
        return  # a queued run will read the new seeds anyway
    company_screening_start(municipality=company.municipality, company=company, actor=actor, reason=reason)


def on_portfolio_committed(sender, portfolio_import, municipality_id, **kwargs) -> None:
    """After an import: screen the company's portfolio (queued on commit of the import)."""
    if portfolio_import is None:
        return
    _start_automatic(company=portfolio_import.company, actor=portfolio_import.committed_by, reason="import")


def on_seeds_published(sender, patents, actor=None, **kwargs) -> None:
    """After seeds are published: one run per company whose seeds were published."""
    company_ids = sorted({p.company_id for p in patents})
    for company in LargeCompany.objects.filter(pk__in=company_ids).select_related("municipality"):
        _start_automatic(company=company, actor=actor, reason="publish")


__all__ = [
    "CONSENTING_ONLY",
    "company_screening_pending",
    "company_screening_start",
    "on_portfolio_committed",
    "on_seeds_published",
]
