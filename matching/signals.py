"""Signals of the matching app, and the receivers that keep its indexes fresh.

`meeting_held` lets a higher app react to a meeting that took place (negotiations opens the deals)
without matching importing it.

Indexes: after a seed or SME profile changes, rebuild that municipality's index in Celery. Bulk
writes (portfolio imports) send no model signals; patents sends `portfolio_committed` instead,
which is heard here. A query never depends on this: `matching.indexing.current_index` builds in process
when the stored index is stale.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

from patents.signals import portfolio_committed, seeds_published

from .models import IndexKind

# Sent by services.meetings.meeting_hold inside its transaction (a receiver's error undoes the record),
# with `meeting`, `actor` and `attended` (the participants that came, each with its `sme` loaded).
meeting_held = Signal()


def schedule_index_rebuild(*, municipality_id: int, kind: str) -> None:
    """Ask for a rebuild once the current transaction commits (its job row, then its task).

    After commit, so that a rolled-back write asks for nothing and a write's transaction is not made
    longer; a broker outage does not fail the write: the row is the record and the jobs sweep queues it.
    """
    from django.db import transaction

    from .indexing import index_build_request

    transaction.on_commit(lambda: index_build_request(municipality_id=municipality_id, kind=kind))


def _patent_changed(sender, instance, **kwargs):
    schedule_index_rebuild(municipality_id=instance.municipality_id, kind=IndexKind.SEEDS)


def _sme_changed(sender, instance, **kwargs):
    schedule_index_rebuild(municipality_id=instance.municipality_id, kind=IndexKind.SMES)


def _portfolio_committed(sender, municipality_id, **kwargs):
    schedule_index_rebuild(municipality_id=municipality_id, kind=IndexKind.SEEDS)


def connect() -> None:
    from patents.models import Patent
    from smes.models import SME

    from .services.company import on_portfolio_committed, on_seeds_published

    portfolio_committed.connect(_portfolio_committed, dispatch_uid="matching-portfolio-committed")
    # The company's own screening of its new or newly published seeds, in the background.
    portfolio_committed.connect(on_portfolio_committed, dispatch_uid="matching-company-screen-import")
    seeds_published.connect(on_seeds_published, dispatch_uid="matching-company-screen-publish")

    for signal in (post_save, post_delete):
        signal.connect(_patent_changed, sender=Patent, dispatch_uid=f"matching-patent-{signal}")
        signal.connect(_sme_changed, sender=SME, dispatch_uid=f"matching-sme-{signal}")
