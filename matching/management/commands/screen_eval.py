"""Run the production screening engine over an outside corpus and write a TREC run. No database."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from matching.conf import engine_settings
from matching.engine.trec import run_trec


class Command(BaseCommand):
    help = (
        "Index CORPUS.jsonl ({id, title, abstract}) with the production engine settings, run QUERIES.jsonl "
        "({qid, query}) and write a TREC run (qid Q0 docid rank score tag). Touches no database."
    )
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("--corpus", required=True, help="corpus JSON Lines file")
        parser.add_argument("--queries", required=True, help="queries JSON Lines file")
        parser.add_argument("--top", type=int, default=100, help="hits per query (default 100)")
        parser.add_argument("--out", default="-", help="run file to write; - for standard output")
        parser.add_argument("--tag", default="kawasaki-bm25", help="run tag (one word)")
        parser.add_argument("--workers", type=int, default=1, help="processes for text analysis")

    def handle(self, *args, corpus, queries, top, out, tag, workers, **options):
        if top < 1:
            raise CommandError("--top must be at least 1")
        started = time.perf_counter()
        try:
            lines = run_trec(
                corpus,
                queries,
                sys.stdout if out == "-" else out,
                top=top,
                tag=tag,
                settings=engine_settings(),
                workers=workers,
            )
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(str(error)) from error
        self.stderr.write(f"{lines} run lines in {time.perf_counter() - started:.1f} s")
