"""Signals of the matching app, and the receivers that keep its indexes fresh.

`meeting_held` lets a higher app react to a meeting that took place (negotiations opens the deals)
without matching importing it.

Indexes: a write to a seed or an SME profile bumps the version of that municipality's index
(`matching.indexing.index_version_bump`, in the writer's transaction) and queues a build once per
version. Bulk writes (portfolio imports, demo data) send no model signals; patents sends
`portfolio_committed` or `seeds_changed` instead, which are heard here. Web requests answer from the
registered index while the build runs (`matching.indexing.index_for_request`).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

from kawasaki.transactions import bulk_origin, on_write
from patents.signals import portfolio_committed, seeds_changed, seeds_published

from .models import IndexKind

# Sent by services.meetings.meeting_hold inside its transaction (a receiver's error undoes the record),
# with `meeting`, `actor` and `attended` (the participants that came, each with its `sme` loaded).
meeting_held = Signal()


def schedule_index_rebuild(*, municipality_id: int, kind: str, origin=None) -> None:
    """Bump the index's version and ask for a build once the transaction commits: one request per
    transaction however many rows it wrote (a bulk publish of 500 seeds asks once), through the
    build's job row (``indexing.index_build_request``), so a broker outage does not fail the write:
    the row is the record and the jobs sweep queues it. A rolled-back write asks for nothing.
    `origin`: the queryset or object whose delete removes many rows (a cascade): the version is
    bumped once for the whole delete, not once per row (100,000 UPDATEs for a company's seeds)."""
    from .indexing import index_build_request, index_version_bump

    on_write(
        ("index-build", municipality_id, kind),
        now=lambda: index_version_bump(municipality_id=municipality_id, kind=kind, queued=True),
        after_commit=lambda: index_build_request(municipality_id=municipality_id, kind=kind),
        origin=origin,
    )


def _patent_changed(sender, instance, origin=None, **kwargs):
    schedule_index_rebuild(
        municipality_id=instance.municipality_id, kind=IndexKind.SEEDS, origin=bulk_origin(instance, origin)
    )


def _sme_changed(sender, instance, origin=None, **kwargs):
    schedule_index_rebuild(
        municipality_id=instance.municipality_id, kind=IndexKind.SMES, origin=bulk_origin(instance, origin)
    )


def _seeds_written(sender, municipality_id, **kwargs):
    schedule_index_rebuild(municipality_id=municipality_id, kind=IndexKind.SEEDS)


def _candidates_changed(sender, instance, **kwargs):
    from .models import RunStatus, ScreeningRun
    from .selectors import candidates_changed

    # A run's saves before it finishes (queued, progress, heartbeats) change no candidate: starting a
    # run must not wait on the cache (a frozen Redis costs a timeout per call).
    if sender is ScreeningRun and kwargs.get("signal") is post_save and instance.status != RunStatus.DONE:
        return
    candidates_changed(municipality_id=instance.municipality_id)


def connect() -> None:
    from patents.models import Patent
    from smes.models import SME

    from .services.company import on_portfolio_committed, on_seeds_published

    portfolio_committed.connect(_seeds_written, dispatch_uid="matching-portfolio-committed")
    seeds_changed.connect(_seeds_written, dispatch_uid="matching-seeds-changed")
    # The company's own screening of its new or newly published seeds, in the background.
    portfolio_committed.connect(on_portfolio_committed, dispatch_uid="matching-company-screen-import")
    seeds_published.connect(on_seeds_published, dispatch_uid="matching-company-screen-publish")

    # The KPIs' cached screening counts: a run saved (finished, with its bulk-written candidates) or
    # removed with its candidates, a decision saved. No post_delete on candidates: it would turn the
    # cascade of a run's 10,000 candidates into 10,000 signals.
    from .models import ScreeningCandidate, ScreeningRun

    for signal in (post_save, post_delete):
        signal.connect(_candidates_changed, sender=ScreeningRun, dispatch_uid=f"matching-run-{signal}")
    post_save.connect(_candidates_changed, sender=ScreeningCandidate, dispatch_uid="matching-candidate-saved")

    for signal in (post_save, post_delete):
        signal.connect(_patent_changed, sender=Patent, dispatch_uid=f"matching-patent-{signal}")
        signal.connect(_sme_changed, sender=SME, dispatch_uid=f"matching-sme-{signal}")
