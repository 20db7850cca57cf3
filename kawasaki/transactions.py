"""Work that a write asks for once per transaction, however many rows the transaction writes.

Signals fire per row: a bulk delete of a company's 100,000 seeds sends 100,000 post_delete signals.
`on_write` runs its `now` part for a write (for the transaction's own reads) and registers its
`after_commit` part once per transaction and key; the rows of one bulk delete (one `origin`) run
`now` once. Callbacks of a rolled-back transaction leave Django's list, so a rollback never
suppresses the next write's work.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from django.db import connection, transaction


def bulk_origin(instance, origin):
    """post_delete's `origin` when a cascade or a bulk delete removes `instance` (another object or
    a queryset); None for a save or a single delete."""
    return origin if origin is not instance else None


def _registered(key: tuple) -> Callable | None:
    if not connection.in_atomic_block:
        return None
    for _sids, callback, _robust in connection.run_on_commit:
        if getattr(callback, "write_key", None) == key:
            return callback
    return None


def on_write(
    key: Hashable, *, now: Callable[[], object], after_commit: Callable[[], object], origin=None
) -> None:
    """Run `now()`, and `after_commit()` once after this transaction commits (at once outside one).

    `key` names the work (e.g. ("index-build", municipality id, kind)); `origin` the bulk delete this
    row is part of (`bulk_origin`), whose other rows then skip `now` as well."""
    full_key = (connection.alias, key)
    registered = _registered(full_key)
    if registered is not None and origin is not None and registered.origin is origin:
        return
    now()
    if registered is not None:
        registered.origin = origin  # type: ignore[attr-defined]
        return

    def callback() -> None:
        after_commit()

    callback.write_key = full_key  # type: ignore[attr-defined]
    callback.origin = origin  # type: ignore[attr-defined]
    transaction.on_commit(callback)
