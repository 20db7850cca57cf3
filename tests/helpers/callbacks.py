"""Reading the after-commit callbacks that kawasaki.transactions.on_write registers."""


def is_index_build(callback) -> bool:
    """The callback that queues an index build (matching.signals.schedule_index_rebuild)."""
    key = getattr(callback, "write_key", None)
    return key is not None and key[1][0] == "index-build"
