"""Import messages: stored untranslated with their parameters, translated when shown to a reader.

The report is read later, maybe by someone using the other language, so the message id (English) and
its parameters are stored and `ImportProblem.text()` translates in the reader's active language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext, gettext_noop

# File-level problems.
FILE_TOO_LARGE = gettext_noop("The file is larger than %(max_mb)s MB; split it into smaller files.")
FILE_EMPTY = gettext_noop("The file is empty.")
FILE_NO_DATA = gettext_noop("The file has a header row but no data rows.")
FILE_TYPE = gettext_noop("Unsupported file type: upload CSV, XLSX or JSON Lines (.jsonl).")
FILE_ENCODING = gettext_noop("The file is neither UTF-8 nor Shift_JIS (cp932) text.")
FILE_DECODE_ROW = gettext_noop("The text cannot be decoded as %(encoding)s from this row on.")
FILE_CSV = gettext_noop("The CSV file cannot be read: %(detail)s.")
MISSING_COLUMNS = gettext_noop("Required column missing: %(columns)s.")
UNKNOWN_COLUMNS = gettext_noop(
    "Column set not recognised: use the template, a Google Patents or a J-PlatPat export."
)
XLSX_BROKEN = gettext_noop("This is not a readable XLSX file.")
XLSX_TOO_BIG = gettext_noop("The spreadsheet expands to %(size_mb)s MB; at most %(max_mb)s MB are accepted.")
XLSX_TOO_MANY = gettext_noop("The spreadsheet has %(count)s parts; at most %(max)s are accepted.")
XLSX_RATIO = gettext_noop("The spreadsheet part %(name)s is compressed suspiciously well (a zip bomb?).")
XLSX_DTD = gettext_noop("The spreadsheet contains an XML document type declaration, which is refused.")
TOO_MANY_ROWS = gettext_noop("The file has more than %(max)s rows.")
JSON_LINE = gettext_noop("This line is not a JSON object.")
LINE_TOO_LONG = gettext_noop("This line is longer than %(max)s characters.")
JSON_TOO_DEEP = gettext_noop("This line is nested more than %(max)s levels deep.")
CELL_TOO_LARGE = gettext_noop("A cell in this row is longer than %(max)s characters.")
TOO_MANY_COLUMNS = gettext_noop("This row has more than %(max)s columns.")
COMMIT_CHANGED = gettext_noop("The file changed after validation; upload it again.")
TASK_FAILED = gettext_noop("The background work stopped and was given up (%(reason)s); nothing was saved.")

# Row-level problems.
REQUIRED = gettext_noop("This value is required.")
TOO_LONG = gettext_noop("Too long: at most %(max)s characters.")
BAD_DATE = gettext_noop("Not a date: “%(value)s”. Write it as YYYY-MM-DD.")
BAD_IPC = gettext_noop("Not a valid IPC code: “%(value)s”.")
BAD_FI = gettext_noop("Not a valid FI code: “%(value)s”.")
BAD_CPC = gettext_noop("Not a valid CPC code: “%(value)s”.")
BAD_KIND = gettext_noop("Unknown kind “%(value)s”: use patent, utility model, application or know-how.")
BAD_STATUS = gettext_noop(
    "Unknown legal status “%(value)s”: use pending, granted, expired, lapsed or unknown."
)
BAD_NUMBER = gettext_noop("Not a publication or registration number: “%(value)s”.")
DUPLICATE = gettext_noop("Number %(value)s appears more than once in this file (first in row %(first)s).")
BAD_FIT = gettext_noop(
    "Unknown answer “%(value)s”: use yes, partly, no or unknown (はい, 一部, いいえ, 不明)."
)
OTHER_APPLICANT = gettext_noop(
    "The applicant “%(value)s” is not this company; this import refuses rows of other applicants."
)
FORMULA = gettext_noop("Formulas are not accepted: enter the value itself.")


@dataclass(frozen=True)
class ImportProblem:
    """One problem: the row (0 for the whole file), the column as named in the file, the message."""

    row: int
    column: str
    message: str
    params: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message, "params": self.params}

    @classmethod
    def from_dict(cls, data: dict) -> ImportProblem:
        return cls(data["row"], data["column"], data["message"], data.get("params") or {})

    def text(self) -> str:
        """The message in the active language."""
        translated = gettext(self.message)
        return translated % self.params if self.params else translated
