"""Column sets: which header in a file feeds which patent field.

Three sets are recognised from the header row: the project's template (English or Japanese headers,
downloadable from the upload page), the CSV a Google Patents search exports, and the CSV a J-PlatPat
(特許・実用新案検索) result list exports. Headers are compared width- and case-folded; columns not
listed are ignored.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from . import messages as M
from .messages import ImportProblem

TEMPLATE = "template"
GOOGLE = "google"
JPLATPAT = "jplatpat"

# (field, English header, Japanese header, other accepted spellings). The first two are the template.
TEMPLATE_COLUMNS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("number", "number", "番号", ("publication number", "公開番号", "登録番号", "文献番号")),
    ("kind", "kind", "種別", ()),
    ("jurisdiction", "jurisdiction", "国・地域", ("country", "国")),
    ("title", "title", "発明の名称", ("名称",)),
    ("abstract", "abstract", "要約", ()),
    ("claims", "claims", "請求項", ("請求の範囲",)),
    ("ipc_codes", "ipc", "IPC", ("国際特許分類",)),
    ("fi_codes", "fi", "FI", ()),
    ("cpc_codes", "cpc", "CPC", ()),
    ("applicants", "applicants", "出願人", ("applicant", "出願人/権利者")),
    ("filing_date", "filing_date", "出願日", ("filing date",)),
    ("publication_date", "publication_date", "公開日", ("publication date",)),
    ("grant_date", "grant_date", "登録日", ("grant date",)),
    ("expiry_date", "expiry_date", "満了日", ("expiry date", "存続期間満了日", "存続期間満了予定日")),
    ("legal_status", "legal_status", "法的状態", ("legal status", "ステータス")),
    # What SMEs read and the SME-fit profile, so that a whole portfolio's profiles are filled at once.
    ("plain_summary", "plain_summary", "わかりやすい説明", ("plain summary", "plain description")),
    ("application_examples", "applications", "用途の例", ("application examples", "用途例")),
    ("fit_clear_use", "fit_clear_use", "適合_用途が明確", ()),
    ("fit_direct_contribution", "fit_direct_contribution", "適合_製品開発に直結", ()),
    ("fit_adds_value", "fit_adds_value", "適合_既存製品に付加価値", ()),
    ("fit_low_effort", "fit_low_effort", "適合_大きな開発負担が不要", ()),
    ("fit_prototype", "fit_prototype", "適合_試作品・実験データあり", ()),
    ("fit_not_large_business", "fit_not_large_business", "適合_大企業の事業規模に合わない", ()),
]
FIT_COLUMN_FIELDS = tuple(f for f, *_rest in TEMPLATE_COLUMNS if f.startswith("fit_"))

# A Google Patents search result export ("Download (CSV)"): a "search URL:" line, then these headers.
GOOGLE_COLUMNS = {
    "id": "number",
    "title": "title",
    "assignee": "applicants",
    "priority date": None,
    "filing/creation date": "filing_date",
    "publication date": "publication_date",
    "grant date": "grant_date",
    "result link": None,
    "representative figure link": None,
    "inventor/author": None,
}

# A J-PlatPat 特許・実用新案検索 result list exported as CSV (Shift_JIS in practice).
JPLATPAT_COLUMNS = {
    "文献番号": "number",
    "出願番号": None,
    "出願日": "filing_date",
    "公知日": "publication_date",
    "発明の名称": "title",
    "出願人/権利者": "applicants",
    "fi": "fi_codes",
    "ステータス": "legal_status",
}

REQUIRED_FIELDS = ("number", "title")


def normalise_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).replace("\ufeff", "").strip().casefold()
    return " ".join(text.replace("_", " ").split())


def _template_map() -> dict[str, str]:
    mapping = {}
    for field, english, japanese, others in TEMPLATE_COLUMNS:
        for header in (english, japanese, *others):
            mapping[normalise_header(header)] = field
    return mapping


_TEMPLATE_MAP = _template_map()


@dataclass
class ColumnSet:
    """The recognised set and, per field, the index of its column and the header as written."""

    name: str
    columns: dict[str, tuple[int, str]]

    @property
    def fields(self) -> list[str]:
        return list(self.columns)


def detect_column_set(headers: list[str]) -> ColumnSet | ImportProblem:
    """Recognise the column set from a header row, or name what is missing."""
    normalised = [normalise_header(h) for h in headers]
    present = set(normalised)
    if "文献番号" in present and "発明の名称" in present:
        name, mapping = JPLATPAT, {normalise_header(k): v for k, v in JPLATPAT_COLUMNS.items()}
    elif "id" in present and ("result link" in present or "assignee" in present):
        name, mapping = GOOGLE, GOOGLE_COLUMNS
    else:
        name, mapping = TEMPLATE, _TEMPLATE_MAP
    columns: dict[str, tuple[int, str]] = {}
    for index, header in enumerate(normalised):
        field = mapping.get(header)
        if field and field not in columns:
            columns[field] = (index, str(headers[index]).replace("\ufeff", "").strip())
    missing = [f for f in REQUIRED_FIELDS if f not in columns]
    if missing:
        if not columns:
            return ImportProblem(1, "", M.UNKNOWN_COLUMNS)
        names = {f: f"{english} / {japanese}" for f, english, japanese, _o in TEMPLATE_COLUMNS}
        return ImportProblem(1, "", M.MISSING_COLUMNS, {"columns": ", ".join(names[f] for f in missing)})
    return ColumnSet(name, columns)
