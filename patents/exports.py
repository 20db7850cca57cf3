"""CSV files we hand out: the import template and portfolio exports.

Exported cells are neutralised: a value starting with = + - @ (or a tab or carriage return) would be
read as a formula by spreadsheet programs, so it gets a leading apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from kawasaki.exports import neutralise

from .importing.columns import TEMPLATE_COLUMNS
from .models import Patent

EXAMPLE_ROW = {
    "number": "JP7000001B2",
    "kind": "patent",
    "jurisdiction": "JP",
    "title": "歯車軸受 (sample)",
    "abstract": "歯車と軸受を一体化し、小型化する。 (sample)",
    "claims": "",
    "ipc_codes": "F16H1/28; F16C19/00",
    "fi_codes": "",
    "cpc_codes": "",
    "applicants": "川崎電機株式会社",
    "filing_date": "2015-04-01",
    "publication_date": "2016-10-01",
    "grant_date": "2018-06-01",
    "expiry_date": "2035-04-01",
    "legal_status": "granted",
}


def _headers(language: str) -> list[str]:
    return [
        japanese if language.startswith("ja") else english for _f, english, japanese, _o in TEMPLATE_COLUMNS
    ]


def template_csv(*, language: str) -> bytes:
    """The import template: headers in the language asked for and one sample row, UTF-8 with BOM
    so that Excel opens it correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_headers(language))
    writer.writerow([EXAMPLE_ROW[field] for field, *_rest in TEMPLATE_COLUMNS])
    return ("\ufeff" + out.getvalue()).encode()


def _value(patent: Patent, field: str) -> str:
    value = getattr(patent, field)
    if field == "applicants":
        return "; ".join(patent.applicant_list)
    if field.endswith("_codes"):
        return "; ".join(value.split())
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def patents_csv_rows(patents: Iterable[Patent], *, language: str) -> Iterator[str]:
    """A portfolio as CSV lines in the template's columns (so it can be imported again), streamed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([*_headers(language), "publication_state"])
    yield "\ufeff" + flush()
    for patent in patents:
        row = [neutralise(_value(patent, field)) for field, *_rest in TEMPLATE_COLUMNS]
        writer.writerow([*row, patent.publication_state])
        yield flush()
