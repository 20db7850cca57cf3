"""Import a portfolio file from the command line: validate, report, and write when every row is valid.

    python manage.py import_portfolio --municipality kawasaki --company "Google Inc." portfolio.csv

The company is found by name or any alias ("GOOGLE INC." finds "Google Inc."); a new name registers
a company. Runs the same services as the browser and the API, in this process (no worker needed).
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from kawasaki.models import Municipality, User
from patents import services
from patents.importing.messages import ImportProblem
from patents.models import ImportState


class Command(BaseCommand):
    help = "Validate and import a portfolio file (CSV, XLSX or JSON Lines) for a large company."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--municipality", required=True, help="slug of the municipality")
        parser.add_argument("--company", required=True, help="company name or alias")
        parser.add_argument("--actor", help="e-mail of the user recorded in the audit log")
        parser.add_argument("--dry-run", action="store_true", help="validate and report only")
        parser.add_argument(
            "--other-applicants",
            choices=["confirm", "refuse"],
            default="confirm",
            help="rows naming another applicant: import them (confirm) or refuse the file (refuse)",
        )

    def handle(
        self,
        *args,
        file: Path,
        municipality: str,
        company: str,
        actor=None,
        dry_run=False,
        other_applicants="confirm",
        **options,
    ):
        tenant = Municipality.objects.filter(slug=municipality).first()
        if tenant is None:
            raise CommandError(f"No municipality with slug {municipality!r}.")
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        user = User.objects.filter(email=actor).first() if actor else None
        with scope(municipality=tenant):
            target = services.company_for_name(municipality=tenant, actor=user, name=company)
            try:
                with open(file, "rb") as fh:
                    portfolio_import = services.portfolio_import_start(
                        municipality=tenant,
                        actor=user,
                        company=target,
                        upload=File(fh, name=file.name),
                        other_applicants=other_applicants,
                        queue=False,
                    )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            portfolio_import = services.portfolio_import_validate(portfolio_import=portfolio_import)
            self.stdout.write(
                f"{target}: {portfolio_import.total_rows} rows, {portfolio_import.new_count} new, "
                f"{portfolio_import.changed_count} changed, {portfolio_import.unchanged_count} unchanged, "
                f"{portfolio_import.flagged_count} without abstract, "
                f"{portfolio_import.other_applicant_count} of other applicants, "
                f"{portfolio_import.error_count} problems"
            )
            if portfolio_import.state != ImportState.VALID:
                for problem in map(ImportProblem.from_dict, portfolio_import.errors):
                    self.stderr.write(f"row {problem.row} {problem.column}: {problem.text()}")
                raise CommandError("Nothing was imported.")
            if dry_run:
                return
            # Running the command with "confirm" is the confirmation: the count is printed above.
            services.portfolio_import_confirm(
                portfolio_import=portfolio_import, actor=user, accept_other_applicants=True, queue=False
            )
            portfolio_import = services.portfolio_import_commit(portfolio_import=portfolio_import)
            self.stdout.write(self.style.SUCCESS(f"Imported (import #{portfolio_import.pk})."))
