"""CSV files we hand out: the import template and portfolio exports.

Exported cells are neutralised: a value starting with = + - @ (or a tab or carriage return) would be
read as a formula by spreadsheet programs, so it gets a leading apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kawasaki.exports import neutralise

from .importing.columns import TEMPLATE_COLUMNS
from .models import FIT_LABELS, Patent

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
    "plain_summary": "歯車と軸受を一つの部品にして、機械を小さく軽くできます。 (sample)",
    "application_examples": "小型ロボットの関節; 電動工具 (sample)",
    "fit_clear_use": "yes",
    "fit_direct_contribution": "partly",
    "fit_adds_value": "yes",
    "fit_low_effort": "yes",
    "fit_prototype": "no",
    "fit_not_large_business": "unknown",
}

_FIT_HELP = _(
    "SME-fit criterion “%(label)s”: yes, partly, no or unknown (はい, 一部, いいえ, 不明); empty means unknown."
)
# What each column holds, written into the XLSX template's second sheet.
COLUMN_HELP = {
    "number": _("Publication or registration number, e.g. JP7000001B2. Required; the key of the seed."),
    "kind": _("patent, utility model, application or know-how (特許, 実用新案, 出願, ノウハウ)."),
    "jurisdiction": _("Country or region code; JP when empty."),
    "title": _("Title of the invention. Required."),
    "abstract": _("Abstract. A seed without one cannot be matched on its abstract."),
    "claims": _("Claims (optional)."),
    "ipc_codes": _("IPC codes separated by ; or spaces, e.g. F16H1/28; F16C19/00."),
    "fi_codes": _("FI codes (optional)."),
    "cpc_codes": _("CPC codes (optional)."),
    "applicants": _(
        "Applicants separated by ;. Rows naming another company than the importing one are shown in the report."
    ),
    "filing_date": _("Date as YYYY-MM-DD."),
    "publication_date": _("Date as YYYY-MM-DD."),
    "grant_date": _("Date as YYYY-MM-DD."),
    "expiry_date": _("Date as YYYY-MM-DD."),
    "legal_status": _("pending, granted, expired, lapsed or unknown."),
    "plain_summary": _("What the technology does, in plain words for SMEs. Shown on the seed page."),
    "application_examples": _("Uses in plain language, separated by ; or one per line."),
}


def _headers(language: str) -> list[str]:
    return [
        japanese if language.startswith("ja") else english for _f, english, japanese, _o in TEMPLATE_COLUMNS
    ]


def _column_help(field: str) -> str:
    if field.startswith("fit_"):
        return str(_FIT_HELP) % {"label": FIT_LABELS[field]}
    return str(COLUMN_HELP[field])


def template_xlsx(*, language: str) -> bytes:
    """The import template as a workbook: the first sheet is what is imported (headers and a sample
    row), the second documents every column in the language asked for."""
    from openpyxl import Workbook

    with translation.override("ja" if language.startswith("ja") else "en"):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = str(_("Portfolio"))
        sheet.append(_headers(language))
        sheet.append([EXAMPLE_ROW[field] for field, *_rest in TEMPLATE_COLUMNS])
        notes = workbook.create_sheet(str(_("Columns")))
        notes.append([str(_("Column")), str(_("What to write"))])
        for (field, *_rest), header in zip(TEMPLATE_COLUMNS, _headers(language), strict=True):
            notes.append([header, _column_help(field)])
        notes.append([])
        notes.append(
            [
                str(_("Before importing")),
                str(_("Only the first sheet is imported. Delete the sample row before importing.")),
            ]
        )
        out = io.BytesIO()
        workbook.save(out)
    return out.getvalue()


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
