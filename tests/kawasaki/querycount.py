"""Query-count helpers: a page or endpoint must not make more queries when it shows more rows.

`count_queries(client, url)` answers the number of SQL queries of one GET (after a warm-up request, so
caches that fill once per process do not count). `assert_flat(client, url, grow)` measures at N rows,
calls `grow()` to add as many again, measures at 2N and fails with the queries when the count moved.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str, *, status: int = 200) -> tuple[int, list[str]]:
    client.get(url)  # warm-up: content types, sessions and the like are read once
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return len(ctx), [q["sql"] for q in ctx.captured_queries]


def assert_flat(client, url: str, grow: Callable[[], object], *, status: int = 200) -> int:
    """The query count at N rows equals the count at 2N rows; returns it."""
    before, _ = count_queries(client, url, status=status)
    grow()
    after, queries = count_queries(client, url, status=status)
    assert after == before, f"{url}: {before} queries at N rows, {after} at 2N:\n" + "\n".join(queries)
    print(f"QUERIES {after:4d} {url}")  # shown with -s: the figures quoted in reviews
    return after
