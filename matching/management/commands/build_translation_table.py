"""Build the compact JMdict translation table used by cross-lingual screening (once per install)."""

import time

from django.core.management.base import BaseCommand, CommandError

from matching.engine.translate import TranslationTable, build_table, default_table_path, jmdict_source_path


class Command(BaseCommand):
    help = (
        "Reduce the JMdict database of the jamdict-data package to the compact translation table "
        "screening reads (a few MB, under KAWASAKI_VAR_DIR). Screening builds it on first use if missing."
    )
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="rebuild even if the table exists")

    def handle(self, *args, force, **options):
        target = default_table_path()
        if target.exists() and not force:
            self.stdout.write(f"{target} exists (use --force to rebuild)")
            return
        source = jmdict_source_path()
        if source is None:
            raise CommandError("jamdict-data is not installed: uv sync --frozen")
        started = time.perf_counter()
        build_table(source, target)
        table = TranslationTable(target)
        self.stdout.write(
            f"{target}: {target.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s "
            f"(振動 -> {', '.join(table.ja_en('振動'))})"
        )
