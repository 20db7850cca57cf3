"""What a refused request must not change: a fingerprint of every table of ours, and an assertion.

A denial test asserts that nothing changed, not only the status code::

    with assert_db_unchanged():
        assert client.post(url, {}).status_code == 403

``db_fingerprint()`` maps each table to ``(row count, digest of its rows ordered by primary key)``. It
covers every concrete model (and many-to-many table) of our apps (OUR_APPS) and of the apps that hold
people and their credentials (auth, allauth's account and mfa). It reads the tables with raw SQL, so
django-scopes does not get in the way. On PostgreSQL it is one statement for all tables, which the
database hashes itself (a few milliseconds); elsewhere (the SQLite quick run) one query per table, hashed
here.

Left out, because a request that is refused (or any read) may change them legitimately:

- ``django_session``: every request may save its session (messages, the language, a login);
- ``kawasaki_user.last_login``: set when a client signs in, which happens before the block;
- ``kawasaki_apitoken.last_used_at``: token authentication stamps it on any request, reads included;
- ``mfa_authenticator.last_used_at``: stamped when a TOTP code is used to sign in;
- ``subsidies_calendarfeed.last_used_at``: stamped when a calendar application reads the feed;
- the API throttle and the login rate limits, which live in the cache, not in the database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.apps import apps
from django.db import connections

OUR_APPS = ("kawasaki", "patents", "smes", "matching", "negotiations", "subsidies", "reports")
PEOPLE_APPS = ("auth", "account", "mfa")

# Tables not compared at all, and columns left out of the tables that are.
SKIPPED_TABLES = frozenset({"django_session"})
SKIPPED_COLUMNS = {
    "kawasaki_user": frozenset({"last_login"}),
    "kawasaki_apitoken": frozenset({"last_used_at"}),
    "mfa_authenticator": frozenset({"last_used_at"}),
    "subsidies_calendarfeed": frozenset({"last_used_at"}),
}

Fingerprint = dict[str, tuple[int, str]]


def _tables() -> dict[str, tuple[str, list[str]]]:
    """table -> (primary key column, compared columns), for the concrete models of the watched apps."""
    tables: dict[str, tuple[str, list[str]]] = {}
    for label in OUR_APPS + PEOPLE_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            meta = model._meta
            if meta.proxy or not meta.managed or meta.db_table in SKIPPED_TABLES:
                continue
            skipped = SKIPPED_COLUMNS.get(meta.db_table, frozenset())
            # Local fields only: a child table of multi-table inheritance holds its own columns.
            columns = [f.column for f in meta.local_concrete_fields if f.column not in skipped]
            tables[meta.db_table] = (meta.pk.column, columns)
    return dict(sorted(tables.items()))


def db_fingerprint(using: str = "default") -> Fingerprint:
    """``{table: (row count, digest of the rows)}`` for every watched table (see the module docstring)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    tables = _tables()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The names come from the models, not from input.
            selects = [
                f"SELECT %s, count(*), md5(coalesce(string_agg(ROW({', '.join(map(quote, columns))})::text, "  # noqa: S608
                f"E'\\n' ORDER BY {quote(pk)}), '')) FROM {quote(table)}"
                for table, (pk, columns) in tables.items()
            ]
            cursor.execute(" UNION ALL ".join(selects), list(tables))
            return {table: (count, digest) for table, count, digest in cursor.fetchall()}
        fingerprint: Fingerprint = {}
        for table, (pk, columns) in tables.items():
            sql = f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)} ORDER BY {quote(pk)}"  # noqa: S608
            cursor.execute(sql)
            rows = cursor.fetchall()
            fingerprint[table] = (
                len(rows),
                hashlib.md5(repr(rows).encode(), usedforsecurity=False).hexdigest(),
            )
        return fingerprint


def changed_tables(before: Fingerprint, after: Fingerprint) -> dict[str, str]:
    """The tables whose rows differ, each with a short account (``rows 3 -> 4`` or ``rows changed``)."""
    changed = {}
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table), after.get(table)
        if old == new:
            continue
        if old is None or new is None or old[0] != new[0]:
            changed[table] = f"rows {old and old[0]} -> {new and new[0]}"
        else:
            changed[table] = "rows changed"
    return changed


@contextmanager
def assert_db_unchanged(using: str = "default") -> Iterator[None]:
    """Fail if any watched table has different rows after the block than before it."""
    before = db_fingerprint(using)
    yield
    changed = changed_tables(before, db_fingerprint(using))
    assert not changed, f"the database changed: {changed}"
