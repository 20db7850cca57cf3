"""Helpers shared by the patents tests: run an import the way the worker does, build files."""

from __future__ import annotations

import io
import json
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from patents import services
from patents.importing.messages import ImportProblem
from patents.models import PortfolioImport

TEMPLATE_HEADER_EN = "number,kind,title,abstract,ipc,applicants,filing_date,expiry_date,legal_status"


def upload_and_validate(company, actor, name: str, content: bytes) -> PortfolioImport:
    """Upload a file and run the validation step the worker would run (synchronously)."""
    with scope(municipality=company.municipality):
        portfolio_import = services.portfolio_import_start(
            municipality=company.municipality,
            actor=actor,
            company=company,
            upload=SimpleUploadedFile(name, content),
        )
        return services.portfolio_import_validate(portfolio_import=portfolio_import)


def confirm_and_commit(portfolio_import: PortfolioImport, actor) -> PortfolioImport:
    with scope(municipality=portfolio_import.municipality):
        services.portfolio_import_confirm(portfolio_import=portfolio_import, actor=actor)
        return services.portfolio_import_commit(portfolio_import=portfolio_import)


def problems_of(portfolio_import: PortfolioImport) -> list[tuple[int, str, str]]:
    """(row, column, English message) of every problem of an import."""
    from django.utils import translation

    with translation.override("en"):
        return [(p.row, p.column, p.text()) for p in map(ImportProblem.from_dict, portfolio_import.errors)]


def jsonl(*objects: dict) -> bytes:
    return "\n".join(json.dumps(o, ensure_ascii=False) for o in objects).encode() + b"\n"


def xlsx(rows: list[list]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_zip(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None):
    """A copy of a zip (an XLSX) with some members replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = (replace or {}).get(info.filename, source.read(info.filename))
            target.writestr(info.filename, body)
        for name, body in (add or {}).items():
            target.writestr(name, body)
    return out.getvalue()
