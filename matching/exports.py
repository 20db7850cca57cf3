"""A screening run's candidates as CSV or XLSX, every row, streamed (the whole run, not one page)."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from kawasaki.exports import neutralise

from .models import ScreeningCandidate


def _headers() -> list[str]:
    return [
        _("SME"),
        _("Rank"),
        _("Seed number"),
        _("Seed title"),
        _("Company"),
        _("Band"),
        _("Strength"),
        _("Score"),
        _("Relevance (BM25)"),
        _("Fit adjustment"),
        _("Matched terms"),
        _("Decision"),
        _("Reason"),
        pgettext("screening review", "Note"),
    ]


def candidate_rows(candidates: Iterable[ScreeningCandidate], *, language: str) -> Iterator[list]:
    """The header, then one row per candidate, in the reader's language; text cells neutralised
    against spreadsheet formulas."""
    with translation.override(language):
        yield _headers()
        for c in candidates:
            explanation = c.explanation or {}
            terms = explanation.get("matched_terms") or []
            words = [
                " / ".join(t.get("surfaces") or [t.get("term", "")]) if isinstance(t, dict) else str(t)
                for t in terms
            ]
            yield [
                neutralise(c.sme.name_ja if c.sme else ""),
                c.rank,
                neutralise(c.patent.number),
                neutralise(c.patent.title),
                neutralise(str(c.patent.company)),
                c.band,
                c.strength if c.strength is not None else "",
                round(c.score, 4),
                round(c.relevance, 4),
                round(c.fit_adjustment, 4),
                neutralise("; ".join(words)),
                str(c.get_decision_display()),
                str(c.get_reject_reason_display()) if c.reject_reason else "",
                neutralise(c.note),
            ]


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    """CSV text line by line, UTF-8 with a BOM so that Excel opens it correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    first = True
    for row in rows:
        writer.writerow(row)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        yield ("\ufeff" + text) if first else text
        first = False


def xlsx_file(rows: Iterable[list], *, title: str):
    """An XLSX workbook of the rows written with openpyxl's write-only mode (rows are not kept in
    memory), in a temporary file that spills to disk past 8 MB; returned rewound, to be streamed."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])
    for row in rows:
        sheet.append(row)
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
    workbook.save(out)
    out.seek(0)
    return out
