"""Portfolio import: read CSV / XLSX / JSON Lines files, map their columns, validate every row.

Django-free apart from the message catalogue: `readers` turns a file into rows, `columns` recognises
the column set (project template in English or Japanese, Google Patents export, J-PlatPat export),
`validation` turns a row into clean field values or row/column errors. The services run them twice:
once to validate (with progress) and once, after the user confirms, to write in one transaction.
"""

from .columns import TEMPLATE_COLUMNS, ColumnSet, detect_column_set
from .messages import ImportProblem
from .readers import FileRefused, RowSource, open_rows
from .validation import RowValidator

__all__ = [
    "TEMPLATE_COLUMNS",
    "ColumnSet",
    "FileRefused",
    "ImportProblem",
    "RowSource",
    "RowValidator",
    "detect_column_set",
    "open_rows",
]
