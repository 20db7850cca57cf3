"""Turn one row of cells into clean patent field values, or name what is wrong, by row and column."""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata

from . import messages as M
from .columns import FIT_COLUMN_FIELDS, GOOGLE, JPLATPAT, ColumnSet
from .messages import ImportProblem
from .readers import FORMULA

# Control characters (C0 and C1, tab and newline kept) and zero-width/bidi format characters.
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
MAX_LENGTHS = {"number": 64, "title": 500, "jurisdiction": 8}
# Far beyond any real text; a larger cell is a broken file, not a patent.
MAX_TEXT = 100_000

IPC_RE = re.compile(r"^[A-H]\d{2}[A-Z](\d{1,4}(/\d{1,6})?)?$")
CPC_RE = re.compile(r"^[A-HY]\d{2}[A-Z](\d{1,4}(/\d{1,6})?)?$")
# FI = IPC subdivided: an optional three-digit development code and a letter, and an @ facet.
FI_RE = re.compile(r"^[A-H]\d{2}[A-Z](\d{1,4}(/\d{1,6})?)?(,?\d{3})?[A-Z]?(@[A-Z])?$")
NUMBER_RE = re.compile(r"^[0-9A-Z\u3040-\u30ff\u4e00-\u9fff\-/.()#_]+$")
CODE_SPLIT_RE = re.compile(r"[;|\n\r\t]+|,(?!\d{3})|\s+")
CODE_JOIN_RE = re.compile(r"([A-HY]\d{2}[A-Z])\s+(\d)")
# Exports append the IPC version: "A21B 1/40 (2006.01)" or, run together, "A21B1/4020060101".
CODE_VERSION_RE = re.compile(r"\s*\(\d{4}\.\d{2}\)")
CODE_GLUED_VERSION_RE = re.compile(r"^([A-HY]\d{2}[A-Z]\d{1,4}/\d{2,6}?)((?:19|20)\d{6})$")
DATE_RES = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
]

KIND_VALUES = {
    "patent": "patent",
    "特許": "patent",
    "utility model": "utility_model",
    "utility_model": "utility_model",
    "実用新案": "utility_model",
    "application": "application",
    "patent application": "application",
    "出願": "application",
    "特許出願": "application",
    "know-how": "know_how",
    "know how": "know_how",
    "know_how": "know_how",
    "knowhow": "know_how",
    "ノウハウ": "know_how",
}
STATUS_VALUES = {
    "pending": "pending",
    "審査中": "pending",
    "出願中": "pending",
    "未審査": "pending",
    "granted": "granted",
    "registered": "granted",
    "active": "granted",
    "登録": "granted",
    "権利存続": "granted",
    "存続": "granted",
    "expired": "expired",
    "満了": "expired",
    "権利消滅": "expired",
    "消滅": "expired",
    "lapsed": "lapsed",
    "abandoned": "lapsed",
    "withdrawn": "lapsed",
    "放棄": "lapsed",
    "取下": "lapsed",
    "拒絶": "lapsed",
    "unknown": "unknown",
    "不明": "unknown",
    "": "unknown",
}

# Answers to an SME-fit criterion (patents.models.FitAnswer), as people write them in a sheet.
FIT_VALUES = {
    "yes": "yes",
    "y": "yes",
    "はい": "yes",
    "○": "yes",
    "◯": "yes",
    "partly": "partly",
    "partial": "partly",
    "一部": "partly",
    "△": "partly",
    "no": "no",
    "n": "no",
    "いいえ": "no",
    "×": "no",
    "unknown": "unknown",
    "不明": "unknown",
    "-": "unknown",
    "": "unknown",
}


def clean_text(value) -> str:
    """Cell text with HTML entities decoded (real exports contain &apos;), control characters dropped."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = "\n".join(str(v) for v in value if v is not None)
    text = str(value)
    if "&" in text:
        text = html.unescape(text)
    return CONTROL_RE.sub("", text).strip()


def normalise_number(value: str) -> str:
    # Lens.org marks some numbers with an asterisk; it is not part of the number.
    text = unicodedata.normalize("NFKC", value).upper()
    return text.replace(" ", "").replace("*", "")


def parse_date(value) -> dt.date | str | None:
    """A date, None for an empty cell, or the text back when it is not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    for pattern in DATE_RES:
        match = pattern.match(text)
        if match:
            try:
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                return text
    return text


def split_codes(value) -> list[str]:
    if isinstance(value, list):
        value = " ".join(str(v) for v in value if v)
    text = unicodedata.normalize("NFKC", clean_text(value)).upper()
    text = CODE_VERSION_RE.sub("", text)
    text = CODE_JOIN_RE.sub(r"\1\2", text)
    codes = []
    for code in CODE_SPLIT_RE.split(text):
        code = CODE_GLUED_VERSION_RE.sub(r"\1", code.strip())
        if code and code not in codes:
            codes.append(code)
    return codes


class RowValidator:
    """Validates the rows of one file against one column set; remembers numbers to find duplicates."""

    def __init__(self, column_set: ColumnSet):
        self.column_set = column_set
        self.columns = column_set.columns
        self.seen: dict[str, int] = {}

    @property
    def fields(self) -> list[str]:
        """The patent fields this file sets (derived ones included); other fields are left alone."""
        fields = [f for f in self.columns if f != "number"]
        if self.column_set.name in (GOOGLE, JPLATPAT):
            fields += ["kind", "legal_status", "jurisdiction"]
        return list(dict.fromkeys(fields))

    def header_of(self, field: str) -> str:
        return self.columns[field][1]

    def _cell(self, values: list, field: str):
        index = self.columns[field][0]
        return values[index] if index < len(values) else None

    def validate(
        self, row: int, values: list | ImportProblem | None
    ) -> tuple[dict | None, list[ImportProblem]]:
        """Clean field values of one row, or the problems found (every one, not only the first)."""
        if values is None:
            return None, [ImportProblem(row, "", M.JSON_LINE)]
        if isinstance(values, ImportProblem):  # a limit the reader met (line length, nesting, columns)
            return None, [values]
        problems: list[ImportProblem] = []
        record: dict = {}

        def problem(field: str, message: str, **params) -> None:
            problems.append(ImportProblem(row, self.header_of(field), message, params))

        for field in self.columns:
            raw = self._cell(values, field)
            if raw is FORMULA:
                problem(field, M.FORMULA)
                continue
            if field.endswith("_date"):
                parsed = parse_date(raw)
                if isinstance(parsed, str):
                    problem(field, M.BAD_DATE, value=parsed[:40])
                else:
                    record[field] = parsed
            elif field in ("ipc_codes", "fi_codes", "cpc_codes"):
                codes = split_codes(raw)
                pattern, message = {
                    "ipc_codes": (IPC_RE, M.BAD_IPC),
                    "fi_codes": (FI_RE, M.BAD_FI),
                    "cpc_codes": (CPC_RE, M.BAD_CPC),
                }[field]
                bad = [c for c in codes if not pattern.match(c)]
                if bad:
                    problem(field, message, value=bad[0][:40])
                else:
                    record[field] = " ".join(codes)
            else:
                text = clean_text(raw)
                limit = MAX_LENGTHS.get(field, MAX_TEXT)
                if len(text) > limit:
                    problem(field, M.TOO_LONG, max=limit)
                    continue
                record[field] = text

        number = record.get("number", "")
        if "number" in record:
            if not number:
                problem("number", M.REQUIRED)
            else:
                number = normalise_number(number)
                if not NUMBER_RE.match(number):
                    problem("number", M.BAD_NUMBER, value=number[:40])
                else:
                    record["number"] = number
                    first = self.seen.get(number)
                    if first is not None:
                        problem("number", M.DUPLICATE, value=number, first=first)
                    else:
                        self.seen[number] = row
        if "title" in record and not record["title"]:
            problem("title", M.REQUIRED)
        if "kind" in record:
            kind = KIND_VALUES.get(record["kind"].casefold() or "patent")
            if kind is None:
                problem("kind", M.BAD_KIND, value=record["kind"][:40])
            else:
                record["kind"] = kind
        if "legal_status" in record:
            status = STATUS_VALUES.get(record["legal_status"].casefold())
            if status is None:
                if self.column_set.name == JPLATPAT:
                    status = "unknown"
                else:
                    problem("legal_status", M.BAD_STATUS, value=record["legal_status"][:40])
            record["legal_status"] = status
        for field in FIT_COLUMN_FIELDS:
            if field in record:
                answer = FIT_VALUES.get(unicodedata.normalize("NFKC", record[field]).strip().casefold())
                if answer is None:
                    problem(field, M.BAD_FIT, value=record[field][:40])
                else:
                    record[field] = answer
        if "jurisdiction" in record:
            record["jurisdiction"] = (record["jurisdiction"] or "JP").upper()
        if "applicants" in record:
            parts = re.split(r"[;\n]+", record["applicants"])
            record["applicants"] = "\n".join(p.strip() for p in parts if p.strip())
        if problems:
            return None, problems
        self._derive(record)
        return record, []

    def _derive(self, record: dict) -> None:
        """Exports carry no kind or status columns: derive them from the number and dates."""
        number = record["number"]
        if self.column_set.name == GOOGLE:
            record["jurisdiction"] = number.split("-")[0][:8] if "-" in number else number[:2]
            granted = record.get("grant_date") is not None
            record["kind"] = "patent" if granted else "application"
            record["legal_status"] = "granted" if granted else "pending"
        elif self.column_set.name == JPLATPAT:
            record["jurisdiction"] = "JP"
            if number.startswith(("実登", "実用", "実開", "実公")):
                record["kind"] = "utility_model"
            elif number.startswith(("特開", "特表", "再表", "WO")):
                record["kind"] = "application"
            else:
                record["kind"] = "patent"
            if not record.get("legal_status"):
                record["legal_status"] = "unknown"
