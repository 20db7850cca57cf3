"""Signals the patents app sends, for apps above it (matching) to listen to without patents knowing them."""

from django.dispatch import Signal

# Sent inside the transaction of a portfolio import that created or updated patents. Bulk writes send
# no post_save, so this is how listeners hear of them. Arguments: portfolio_import, municipality_id.
portfolio_committed = Signal()

# Sent inside the transaction that published seeds (one seed or a bulk publish). Arguments: patents
# (the seeds now published), actor (the user, or None).
seeds_published = Signal()

# Sent inside the transaction of any other bulk write to seeds that bypasses post_save (bulk_create,
# queryset update), so that listeners (matching's index versions) hear of it. Arguments: municipality_id.
seeds_changed = Signal()


def _seeds_changed(*, municipality_id: int, origin=None) -> None:
    """Forget the municipality's cached seed counts now (for this transaction's own reads) and again
    after commit (a reader in between still sees the old rows and may have cached them under the
    version set now). One after-commit callback per transaction. `origin`: the queryset or object
    whose delete removes many seeds (a company's 100,000 cascade): forgotten once for the whole
    delete, where a cache write per row made it take minutes."""
    from kawasaki.transactions import on_write

    from .selectors import patent_counts_invalidate

    def forget() -> None:
        patent_counts_invalidate(municipality_id=municipality_id)

    on_write(("patents-counts", municipality_id), now=forget, after_commit=forget, origin=origin)


def _patent_saved_or_deleted(sender, instance, origin=None, **kwargs) -> None:
    # post_delete names the deletion's origin: another object or a queryset for a cascade or a bulk
    # delete, the row itself for a single delete (None for a save).
    _seeds_changed(
        municipality_id=instance.municipality_id, origin=origin if origin is not instance else None
    )


def _portfolio_committed(sender, municipality_id, **kwargs) -> None:
    _seeds_changed(municipality_id=municipality_id)


def _seeds_published(sender, patents, **kwargs) -> None:
    for municipality_id in {patent.municipality_id for patent in patents}:
        _seeds_changed(municipality_id=municipality_id)


def _seeds_changed_bulk(sender, municipality_id, **kwargs) -> None:
    _seeds_changed(municipality_id=municipality_id)


def connect() -> None:
    """Keep the dashboard's cached seed counts current: single saves and deletes, and the bulk paths
    (imports, bulk publication), which send no model signals."""
    from django.db.models.signals import post_delete, post_save

    from .models import Patent

    for signal in (post_save, post_delete):
        signal.connect(_patent_saved_or_deleted, sender=Patent, dispatch_uid=f"patents-counts-{signal}")
    portfolio_committed.connect(_portfolio_committed, dispatch_uid="patents-counts-import")
    seeds_published.connect(_seeds_published, dispatch_uid="patents-counts-publish")
    seeds_changed.connect(_seeds_changed_bulk, dispatch_uid="patents-counts-bulk")
