"""Parsers that cannot be driven into the ground: each limit refuses with the row named, never a crash."""

from __future__ import annotations

import pytest
from django.utils import translation

from patents.importing import readers
from patents.importing.messages import ImportProblem
from patents.models import ImportState
from tests.patents.helpers import jsonl, problems_of, upload_and_validate, xlsx

pytestmark = pytest.mark.django_db

ROW = {"number": "JP7000001B2", "title": "Gear bearing"}


def test_jsonl_with_100000_nested_brackets_is_a_row_problem_not_a_recursion_error(company_a, staff_a):
    content = jsonl(ROW) + b"[" * 100_000 + b"]" * 100_000 + b"\n" + jsonl({**ROW, "number": "JP7000002B2"})
    portfolio_import = upload_and_validate(company_a, staff_a, "p.jsonl", content)
    assert portfolio_import.state == ImportState.INVALID
    assert problems_of(portfolio_import) == [(2, "", "This line is nested more than 20 levels deep.")]


def test_jsonl_nesting_inside_an_object_is_counted_but_brackets_in_strings_are_not(company_a, staff_a):
    deep = '{"number": "JP7000003B2", "title": "x", "abstract": ' + "[" * 30 + "]" * 30 + "}\n"
    quoted = {**ROW, "number": "JP7000004B2", "title": "[[[[" * 50}  # brackets inside a string
    content = jsonl(ROW) + deep.encode() + jsonl(quoted)
    portfolio_import = upload_and_validate(company_a, staff_a, "p.jsonl", content)
    assert problems_of(portfolio_import) == [(2, "", "This line is nested more than 20 levels deep.")]


def test_a_deep_first_line_refuses_the_file_naming_it(company_a, staff_a):
    content = b"[" * 100_000 + b"]" * 100_000 + b"\n"
    portfolio_import = upload_and_validate(company_a, staff_a, "p.jsonl", content)
    assert problems_of(portfolio_import) == [(1, "", "This line is nested more than 20 levels deep.")]


def test_an_overlong_jsonl_line_is_refused_and_the_next_lines_still_read(company_a, staff_a, monkeypatch):
    monkeypatch.setattr(readers, "MAX_LINE_CHARS", 1000)
    long_line = jsonl({**ROW, "number": "JP7000002B2", "title": "x" * 5000})
    content = jsonl(ROW) + long_line + jsonl({**ROW, "number": "JP7000003B2"})
    portfolio_import = upload_and_validate(company_a, staff_a, "p.jsonl", content)
    assert problems_of(portfolio_import) == [(2, "", "This line is longer than 1000 characters.")]
    assert portfolio_import.total_rows == 3


def test_a_csv_cell_over_the_limit_names_the_row(company_a, staff_a):
    content = b"number,title\nJP7000001B2,ok\nJP7000002B2," + b"x" * (readers.MAX_CELL_CHARS + 10) + b"\n"
    portfolio_import = upload_and_validate(company_a, staff_a, "p.csv", content)
    assert portfolio_import.state == ImportState.INVALID
    assert problems_of(portfolio_import) == [(3, "", "A cell in this row is longer than 100000 characters.")]


def test_a_csv_row_with_too_many_columns_names_the_row(company_a, staff_a):
    content = b"number,title\nJP7000001B2,ok\nJP7000002B2,ok" + b",x" * 300 + b"\n"
    portfolio_import = upload_and_validate(company_a, staff_a, "p.csv", content)
    assert problems_of(portfolio_import) == [(3, "", "This row has more than 200 columns.")]


def test_a_csv_header_with_too_many_columns_refuses_the_file(company_a, staff_a):
    content = b"number,title" + b",x" * 300 + b"\nJP7000001B2,ok\n"
    portfolio_import = upload_and_validate(company_a, staff_a, "p.csv", content)
    assert problems_of(portfolio_import) == [(1, "", "This row has more than 200 columns.")]


def test_xlsx_cell_and_column_limits_name_the_row(company_a, staff_a, monkeypatch):
    monkeypatch.setattr(readers, "MAX_CELL_CHARS", 1000)  # Excel itself stops at 32,767 characters
    content = xlsx(
        [
            ["number", "title"],
            ["JP7000001B2", "ok"],
            ["JP7000002B2", "x" * 5000],
            ["JP7000003B2", "ok", *([None] * 250), "far away"],
        ]
    )
    portfolio_import = upload_and_validate(company_a, staff_a, "p.xlsx", content)
    assert problems_of(portfolio_import) == [
        (3, "", "A cell in this row is longer than 1000 characters."),
        (4, "", "This row has more than 200 columns."),
    ]


def test_the_messages_are_translated():
    with translation.override("ja"):
        texts = [
            ImportProblem(2, "", message, {"max": 20}).text()
            for message in (
                "This line is nested more than %(max)s levels deep.",
                "This line is longer than %(max)s characters.",
                "A cell in this row is longer than %(max)s characters.",
                "This row has more than %(max)s columns.",
            )
        ]
    assert all("20" in text and not text.startswith("This") for text in texts), texts
