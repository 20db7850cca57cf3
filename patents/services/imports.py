"""Portfolio imports: upload, validation in the worker, confirmation and the one-transaction write."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kawasaki.jobs import enqueue
from kawasaki.models import AuditEntry, Municipality, User
from kawasaki.services import audit_log
from kawasaki.uploads import validate_upload

from ..importing import FileRefused, ImportProblem, RowValidator, detect_column_set, open_rows
from ..importing import messages as M
from ..importing.applicants import ApplicantCheck
from ..importing.readers import MAX_ROWS
from ..models import (
    ImportState,
    LargeCompany,
    OtherApplicants,
    Patent,
    PortfolioImport,
    company_name_key,
)
from ..signals import portfolio_committed

CHUNK = 2_000
MAX_STORED_PROBLEMS = 1_000


def portfolio_import_start(
    *,
    municipality: Municipality,
    actor: User | None,
    company: LargeCompany,
    upload: UploadedFile | File,
    other_applicants: str = OtherApplicants.CONFIRM,
    queue: bool = True,
) -> PortfolioImport:
    """Store an uploaded portfolio file and queue its validation. `other_applicants` says what the
    import does with rows whose applicant is another company: show them and ask for a confirmation,
    or refuse them (each such row is then a problem of the report).

    Side effects: the file is stored, audit entry, validation task queued after commit (unless
    `queue` is False: the command line validates in its own process).
    """
    from ..tasks import portfolio_import_validate_task

    if company.municipality_id != municipality.pk:
        raise ValidationError(_("This company does not take part here."))
    if upload.size == 0:
        raise ValidationError({"file": _(M.FILE_EMPTY)})
    validate_upload(upload, kind="portfolio_import")  # size cap and content; the rows are checked later
    name = Path(upload.name or "upload").name[:255]
    with transaction.atomic():
        portfolio_import = PortfolioImport(
            municipality=municipality,
            company=company,
            uploaded_by=actor,
            original_name=name,
            other_applicants_policy=OtherApplicants(other_applicants),
        )
        portfolio_import.file.save(name, upload, save=False)
        portfolio_import.save()
        audit_log(
            municipality=municipality,
            actor=actor,
            action="portfolio_import.uploaded",
            obj=portfolio_import,
            changes={"file": {"new": name}},
        )
        if queue:
            # The row is the record: if Redis is down the page says so and the jobs sweep queues it.
            enqueue(
                portfolio_import_validate_task,
                job=portfolio_import,
                municipality_id=municipality.pk,
                import_id=portfolio_import.pk,
            )
    return portfolio_import


def applicant_check_for(company: LargeCompany) -> ApplicantCheck:
    """The check of a row's applicants against the company's names and aliases."""
    names = [company.name_ja, company.name_en, *company.aliases.values_list("name", flat=True)]
    return ApplicantCheck.for_names(names, company_name_key)


def _records(
    portfolio_import: PortfolioImport, *, on_progress=None, check: ApplicantCheck | None = None
) -> Iterator[tuple[RowValidator | None, int, dict | None, list[ImportProblem]]]:
    """Open the stored file and yield (validator, row, record, problems) for every data row.

    A row of another applicant is a problem when the import refuses them, else it is counted in
    `check`. Raises FileRefused for a file that cannot be read at all.
    """
    check = check or applicant_check_for(portfolio_import.company)
    refuse = portfolio_import.other_applicants_policy == OtherApplicants.REFUSE
    source = open_rows(portfolio_import.file.path, portfolio_import.original_name)
    try:
        column_set = detect_column_set(source.headers)
        if isinstance(column_set, ImportProblem):
            raise FileRefused(column_set)
        validator = RowValidator(column_set)
        portfolio_import.file_format = source.file_format
        portfolio_import.encoding = source.encoding
        portfolio_import.column_set = column_set.name
        if on_progress is not None:
            on_progress(0, source.estimated_rows)
        count = 0
        for row, values in source.rows:
            count += 1
            if count > MAX_ROWS:
                raise FileRefused(ImportProblem(0, "", M.TOO_MANY_ROWS, {"max": MAX_ROWS}))
            record, problems = validator.validate(row, values)
            other = check.other(record.get("applicants", "")) if record is not None else None
            if other is not None:
                if refuse:
                    column = validator.header_of("applicants")
                    problems = [ImportProblem(row, column, M.OTHER_APPLICANT, {"value": other[:80]})]
                    record = None
                else:
                    check.note(row, other)
            yield validator, row, record, problems
        if count == 0:
            raise FileRefused(ImportProblem(0, "", M.FILE_NO_DATA))
    finally:
        source.close()


def _diff(existing: dict[str, Any] | Patent, record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    get = existing.get if isinstance(existing, dict) else lambda f: getattr(existing, f)
    return {
        field: {"old": get(field), "new": value}
        for field, value in record.items()
        if field != "number" and get(field) != value
    }


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def portfolio_import_validate(*, portfolio_import: PortfolioImport) -> PortfolioImport:
    """Validate every row of an uploaded file and classify it as new, changed or unchanged.

    Writes only the import's progress and report (never a patent). Runs in the worker; a re-run on an
    import that is no longer queued or validating changes nothing.
    """
    if portfolio_import.state not in (ImportState.QUEUED, ImportState.VALIDATING):
        return portfolio_import
    pk = portfolio_import.pk
    moved = PortfolioImport.objects.filter(
        pk=pk, state__in=[ImportState.QUEUED, ImportState.VALIDATING]
    ).update(state=ImportState.VALIDATING, processed_rows=0)
    if not moved:
        portfolio_import.refresh_from_db()
        return portfolio_import
    problems: list[ImportProblem] = []
    error_count = new = changed = unchanged = flagged = no_ipc = total = 0
    estimate = 0
    check = applicant_check_for(portfolio_import.company)

    def on_progress(done: int, estimated: int) -> None:
        nonlocal estimate
        estimate = estimated
        PortfolioImport.objects.filter(pk=pk).update(total_rows=estimated, processed_rows=done)

    def note(found: list[ImportProblem]) -> None:
        nonlocal error_count
        error_count += len(found)
        room = MAX_STORED_PROBLEMS - len(problems)
        if room > 0:
            problems.extend(found[:room])

    try:
        for chunk in _chunks(_records(portfolio_import, on_progress=on_progress, check=check), CHUNK):
            validator = chunk[0][0]
            good = [record for _v, _row, record, _p in chunk if record is not None]
            for _v, _row, _record, found in chunk:
                note(found)
            total += len(chunk)
            fields = validator.fields
            existing = {
                row["number"]: row
                for row in Patent.objects.filter(
                    company=portfolio_import.company, number__in=[r["number"] for r in good]
                ).values("number", *fields)
            }
            for record in good:
                if not record.get("abstract"):
                    flagged += 1
                if not record.get("ipc_codes"):
                    no_ipc += 1
                current = existing.get(record["number"])
                if current is None:
                    new += 1
                elif _diff(current, record):
                    changed += 1
                else:
                    unchanged += 1
            PortfolioImport.objects.filter(pk=pk).update(
                processed_rows=total, total_rows=max(total, estimate)
            )
    except FileRefused as refused:
        note([refused.problem])

    # Only a row still validating takes the report: a second copy that finished first (or a
    # failure mark) is never overwritten, so a confirmed import cannot fall back to VALID.
    PortfolioImport.objects.filter(pk=pk, state=ImportState.VALIDATING).update(
        state=ImportState.INVALID if error_count else ImportState.VALID,
        total_rows=total,
        processed_rows=total,
        new_count=new,
        changed_count=changed,
        unchanged_count=unchanged,
        flagged_count=flagged,
        no_ipc_count=no_ipc,
        other_applicant_count=check.count,
        other_applicants=check.report(),
        errors=[p.as_dict() for p in problems],
        error_count=error_count,
        validated_at=timezone.now(),
        file_format=portfolio_import.file_format,
        encoding=portfolio_import.encoding,
        column_set=portfolio_import.column_set,
    )
    portfolio_import.refresh_from_db()
    return portfolio_import


def portfolio_import_confirm(
    *,
    portfolio_import: PortfolioImport,
    actor: User | None,
    accept_other_applicants: bool = False,
    queue: bool = True,
) -> PortfolioImport:
    """The user confirms a validated import: queue the write (unless `queue` is False).

    Rows of other applicants are written only when the user says they belong in this portfolio
    (`accept_other_applicants`); without it nothing changes. Side effects: audit entry (with the
    accepted rows of other applicants), commit task queued after commit.
    """
    from ..tasks import portfolio_import_commit_task

    if portfolio_import.other_applicant_count and not accept_other_applicants:
        raise ValidationError(
            {
                "accept_other_applicants": ngettext(
                    "%(count)s row names another applicant. Tick the box to confirm it belongs in "
                    "this company's portfolio, or upload a file without it.",
                    "%(count)s rows name another applicant. Tick the box to confirm they belong in "
                    "this company's portfolio, or upload a file without them.",
                    portfolio_import.other_applicant_count,
                )
                % {"count": portfolio_import.other_applicant_count}
            }
        )
    # A conditional update: of two confirms at the same moment only one moves VALID -> COMMITTING
    # and queues the write; the other is told it is already on its way.
    moved = PortfolioImport.objects.filter(pk=portfolio_import.pk, state=ImportState.VALID).update(
        state=ImportState.COMMITTING, committed_by=actor, enqueued_at=None, heartbeat_at=None
    )
    if not moved:
        raise ValidationError(_("Only a validated import without errors can be confirmed."))
    portfolio_import.refresh_from_db()
    audit_log(
        municipality=portfolio_import.municipality,
        actor=actor,
        action="portfolio_import.confirmed",
        obj=portfolio_import,
        changes={"other_applicant_rows": {"new": portfolio_import.other_applicant_count}}
        if portfolio_import.other_applicant_count
        else None,
    )
    if queue:
        enqueue(
            portfolio_import_commit_task,
            job=portfolio_import,
            municipality_id=portfolio_import.municipality_id,
            import_id=portfolio_import.pk,
        )
    return portfolio_import


class _CommitAborted(Exception):
    def __init__(self, problems: list[ImportProblem], count: int):
        self.problems = problems
        self.count = count


def _insert_patents(*, municipality: Municipality, company: LargeCompany, records: list[dict], now) -> None:
    """Insert new patents with one executemany: the same rows bulk_create would write.

    A 100,000-row import spends most of its time in the ORM preparing ~45 values per row; this path
    prepares only the date and time columns (the backend's own conversion) and passes the rest as is.
    """
    if not records:
        return
    from django.db import connection, models

    fields = [f for f in Patent._meta.concrete_fields if not f.primary_key]
    defaults = {}
    for field in fields:
        if field.attname == "municipality_id":
            defaults[field.attname] = municipality.pk
        elif field.attname == "company_id":
            defaults[field.attname] = company.pk
        elif field.attname in ("created_at", "updated_at"):
            defaults[field.attname] = now
        else:
            defaults[field.attname] = field.get_default()
    converters = {
        field.attname: (lambda value, f=field: f.get_db_prep_save(value, connection))
        for field in fields
        if isinstance(field, models.DateField | models.FileField)  # DateTimeField is a DateField
    }
    columns = [str(f.column) for f in fields]
    attnames = [f.attname for f in fields]
    table = connection.ops.quote_name(Patent._meta.db_table)
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names come from the model
        table, ", ".join(connection.ops.quote_name(c) for c in columns), ", ".join(["%s"] * len(columns))
    )
    rows = []
    for record in records:
        values = []
        for name in attnames:
            value = record.get(name, defaults[name])
            converter = converters.get(name)
            values.append(converter(value) if converter is not None else value)
        rows.append(values)
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def portfolio_import_commit(*, portfolio_import: PortfolioImport) -> PortfolioImport:
    """Write a confirmed import in one transaction: create new patents, update changed ones.

    Upsert on company + number, so importing the same file again changes nothing. Side effects: one
    audit entry per changed patent with its old and new values, one for the import with the counts.
    If any row fails now (the file changed since validation), nothing is written and the import is
    marked invalid with the problems.
    """
    if portfolio_import.state != ImportState.COMMITTING:
        return portfolio_import
    company = portfolio_import.company
    municipality = portfolio_import.municipality
    actor = portfolio_import.committed_by
    patent_type = ContentType.objects.get_for_model(Patent)
    actor_label = str(actor) if actor is not None else "system"
    created = updated = unchanged = 0
    try:
        with transaction.atomic():
            # The row lock makes two copies of this task (a redelivery, a sweep re-queue, two
            # confirms) run one after the other; the second finds COMMITTED and writes nothing.
            locked = PortfolioImport.objects.select_for_update().filter(pk=portfolio_import.pk).first()
            if locked is None or locked.state != ImportState.COMMITTING:
                return locked or portfolio_import
            for chunk in _chunks(_records(portfolio_import), CHUNK):
                bad = [p for _v, _r, _rec, found in chunk for p in found]
                if bad:
                    raise _CommitAborted(bad[:MAX_STORED_PROBLEMS], len(bad))
                fields = chunk[0][0].fields
                records = [record for _v, _r, record, _p in chunk]
                existing = {
                    p.number: p
                    for p in Patent.objects.filter(company=company, number__in=[r["number"] for r in records])
                }
                now = timezone.now()
                to_create, to_update, audits = [], [], []
                for record in records:
                    patent = existing.get(record["number"])
                    if patent is None:
                        to_create.append(record)
                        continue
                    changes = _diff(patent, record)
                    if not changes:
                        unchanged += 1
                        continue
                    for field, change in changes.items():
                        setattr(patent, field, change["new"])
                    patent.updated_at = now
                    to_update.append(patent)
                    audits.append(
                        AuditEntry(
                            municipality=municipality,
                            actor=actor,
                            actor_label=actor_label,
                            action="patent.import_updated",
                            content_type=patent_type,
                            object_id=str(patent.pk),
                            object_label=str(patent),
                            changes=changes,
                        )
                    )
                _insert_patents(municipality=municipality, company=company, records=to_create, now=now)
                if to_update:
                    Patent.objects.bulk_update(to_update, [*fields, "updated_at"], batch_size=500)
                AuditEntry.objects.bulk_create(audits, batch_size=500)
                created += len(to_create)
                updated += len(to_update)
            portfolio_import.state = ImportState.COMMITTED
            portfolio_import.committed_at = timezone.now()
            portfolio_import.new_count = created
            portfolio_import.changed_count = updated
            portfolio_import.unchanged_count = unchanged
            portfolio_import.save()
            audit_log(
                municipality=municipality,
                actor=actor,
                action="portfolio_import.committed",
                obj=portfolio_import,
                changes={
                    "created": {"new": created},
                    "updated": {"new": updated},
                    "unchanged": {"new": unchanged},
                },
            )
            if created or updated:
                # Bulk writes send no model signals: say so, so that indexes of seeds are rebuilt.
                portfolio_committed.send(
                    sender=PortfolioImport, portfolio_import=portfolio_import, municipality_id=municipality.pk
                )
    except (_CommitAborted, FileRefused) as error:
        if isinstance(error, FileRefused):
            problems, count = [error.problem], 1
        else:
            problems, count = error.problems, error.count
        PortfolioImport.objects.filter(pk=portfolio_import.pk, state=ImportState.COMMITTING).update(
            state=ImportState.INVALID,
            errors=[ImportProblem(0, "", M.COMMIT_CHANGED).as_dict(), *[p.as_dict() for p in problems]],
            error_count=count + 1,
        )
        portfolio_import.refresh_from_db()
    return portfolio_import


def portfolio_import_fail(*, portfolio_import: PortfolioImport, reason: str = "") -> bool:
    """Mark an import whose task crashed for good, so that the page stops waiting.

    A conditional update from the waiting states only: a failing second copy of the commit task must
    never turn a COMMITTED import into "failed" (its rows are saved). Answers whether it was marked.
    """
    errors = [ImportProblem(0, "", M.TASK_FAILED, {"reason": reason}).as_dict()] if reason else []
    return bool(
        PortfolioImport.objects.filter(
            pk=portfolio_import.pk,
            state__in=[ImportState.QUEUED, ImportState.VALIDATING, ImportState.COMMITTING],
        ).update(state=ImportState.FAILED, errors=errors, error_count=len(errors))
    )


def portfolio_import_retry(*, portfolio_import: PortfolioImport, actor: User | None) -> PortfolioImport:
    """Queue an interrupted import again, from its state (one recorded while the queue was down is the
    sweep's: it is queued as soon as the broker answers).

    Side effects: audit entry, task queued after commit.
    """
    from ..tasks import task_for_import

    if not portfolio_import.is_interrupted:
        raise ValidationError(_("Only an interrupted import can be started again."))
    if portfolio_import.state not in (ImportState.QUEUED, ImportState.VALIDATING, ImportState.COMMITTING):
        raise ValidationError(_("Only an interrupted import can be started again."))
    PortfolioImport.objects.filter(pk=portfolio_import.pk).update(heartbeat_at=timezone.now())
    audit_log(
        municipality=portfolio_import.municipality,
        actor=actor,
        action="portfolio_import.retried",
        obj=portfolio_import,
    )
    enqueue(
        task_for_import(portfolio_import),
        job=portfolio_import,
        municipality_id=portfolio_import.municipality_id,
        import_id=portfolio_import.pk,
    )
    portfolio_import.refresh_from_db()
    return portfolio_import
