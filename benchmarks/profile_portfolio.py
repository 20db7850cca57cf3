"""Profile one whole-portfolio screening run in this process (no Celery, no web request), phase by
phase, on the data set benchmarks/load/build_dataset.py wrote (any size, any database):

    export DJANGO_SETTINGS_MODULE=kawasaki.settings.local KAWASAKI_VAR_DIR=/tmp/pf \\
           DATABASE_URL=sqlite:////tmp/pf/db.sqlite3 KAWASAKI_SHARED_DATA=/path/to/shared/data
    .venv/bin/python benchmarks/load/build_dataset.py --seeds 20000 --smes 100 --coordinators 1
    .venv/bin/python benchmarks/profile_portfolio.py [--runs 2] [--profile /tmp/run.prof] [--top 25]

Each run is a fresh ScreeningRun of the data set's company, executed by ``screening_run_execute`` as
the worker's task body executes it (the index is loaded by the first run and kept, as in a worker).
Prints the wall time of each phase (from the run's progress updates) and, with ``--profile``, the
functions with the largest cumulative time of the last run.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--top-k", type=int, default=20)
    parser.add_argument("--profile", help="write the last run's cProfile here and print its top lines")
    parser.add_argument("--queries", action="store_true", help="print the last run's SQL (shortened)")
    parser.add_argument("--top", type=int, default=30, help="profile lines printed")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kawasaki.settings.local")
    import django

    django.setup()
    from django.db import connection
    from django.db.models.signals import post_save
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scope

    from kawasaki.models import Municipality, User
    from matching.models import Direction, ScreeningRun
    from matching.services.screening import screening_run_execute

    dataset = json.loads((ROOT / "benchmarks" / "load" / "dataset.json").read_text())
    municipality = Municipality.objects.get(slug=dataset["municipality"])
    actor = User.objects.get(email=dataset["coordinators"][0])
    marks: list[tuple[float, int]] = []

    def progress(sender, instance, update_fields=None, **kwargs):
        if update_fields and "progress" in update_fields:
            marks.append((time.perf_counter(), instance.progress))

    post_save.connect(progress, sender=ScreeningRun, weak=False)
    with scope(municipality=municipality):
        for number in range(1, args.runs + 1):
            run = ScreeningRun.objects.create(
                municipality=municipality,
                direction=Direction.PORTFOLIO,
                company_id=dataset["company_id"],
                top_k=args.top_k,
                created_by=actor,
                parameters={"filters": {}},
            )
            marks.clear()
            profiler = cProfile.Profile() if args.profile and number == args.runs else None
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            with CaptureQueriesContext(connection) as queries:
                screening_run_execute(run=run)
            if profiler:
                profiler.disable()
            total = time.perf_counter() - started
            run.refresh_from_db()
            phases, before = [], (started, 5)
            for at, percent in marks:
                phases.append(f"{before[1]}->{percent}%: {at - before[0]:.2f} s")
                before = (at, percent)
            print(
                f"run {number}: {run.candidate_count:,} candidates in {total:.2f} s "
                f"(status {run.status}); {', '.join(phases[:2])}{' ...' if len(phases) > 3 else ''}"
                f"{', ' + phases[-1] if len(phases) > 2 else ''}; last update to done: "
                f"{started + total - before[0]:.2f} s; {len(queries)} queries"
            )
            if args.queries:
                for q in queries.captured_queries:
                    print("  ", q["sql"][:150])
            if profiler:
                profiler.dump_stats(args.profile)
                pstats.Stats(args.profile).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
