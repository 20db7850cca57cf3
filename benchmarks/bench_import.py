"""Benchmark the portfolio import: validate and commit a 100,000-row file, then re-import it.

    .venv/bin/python benchmarks/bench_import.py                      # SQLite in a temporary folder
    .venv/bin/python benchmarks/bench_import.py --database-url postgres://USER@HOST:PORT/DB

The file is built at run time by resampling real records from ../shared/data (never copied into the
repository): each row takes a random ipc-titles record (title, IPC codes, applicant, date; public
bibliographic data) and, for half of the rows, a random real NASA abstract, so half the rows are
"without abstract" as in real Google Patents exports. Numbers are made unique per row.

Phases, each timed on its own and run in this process exactly as the Celery worker runs them
(`portfolio_import_validate`, then `portfolio_import_commit` in one transaction):
  1. validate the new file (every row new)   2. commit it (100,000 inserts)
  3. validate the same file again             4. commit again (a no-op: nothing changes)
  5. validate a copy with 10% of titles changed   6. commit it (10,000 updates + 10,000 audit entries)
Peak memory is the process's maximum resident set size (ru_maxrss) after each phase. The database
given with --database-url must be a throwaway one: the benchmark migrates it and leaves its data.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    """Peak resident set size since the last reset_peak() (Linux VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> None:
    """Start measuring the peak afresh (writing 5 to clear_refs resets VmHWM on Linux)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def build_file(path: Path, rows: int, *, seed: int = 7, change_every: int = 0) -> dict:
    """Write the benchmark CSV; with change_every=N every N-th title gets a suffix."""
    rng = random.Random(seed)
    ipc = [json.loads(line) for line in (SHARED / "ipc-titles" / "patents.jsonl").open(encoding="utf-8")]
    nasa = [json.loads(line) for line in (SHARED / "nasa" / "patents.jsonl").open(encoding="utf-8")]
    abstracts = [r["abstract"] for r in nasa if r.get("abstract")]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["number", "title", "abstract", "ipc", "applicants", "publication_date"])
        for i in range(rows):
            record = rng.choice(ipc)
            title = (record["title"] or "untitled")[:400]
            if change_every and i % change_every == 0:
                title += " (revised)"
            abstract = rng.choice(abstracts) if rng.random() < 0.5 else ""
            codes = "; ".join(dict.fromkeys(record.get("ipc") or []))
            writer.writerow(
                [
                    f"{record['id']}-{i:06d}",
                    title,
                    abstract,
                    codes,
                    "; ".join(record.get("applicants") or []),
                    record.get("date") or "",
                ]
            )
    return {"bytes": path.stat().st_size}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kawasaki.settings.test")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ["KAWASAKI_MEDIA_ROOT"] = str(work / "media")
    import django

    django.setup()
    from django.conf import settings
    from django.core.files import File
    from django.core.management import call_command
    from django.db import connection
    from django_scopes import scope

    from kawasaki.models import Municipality
    from patents import services
    from patents.models import Patent

    settings.MEDIA_ROOT = work / "media"
    call_command("migrate", verbosity=0)
    municipality, _created = Municipality.objects.get_or_create(
        slug=f"bench-{int(time.time())}",
        defaults={"name_ja": "ベンチ市", "name_en": "Bench", "prefecture": "-"},
    )
    base = work / "portfolio.csv"
    changed = work / "portfolio-changed.csv"
    started = time.perf_counter()
    size = build_file(base, args.rows)["bytes"]
    build_file(changed, args.rows, change_every=10)
    print(
        f"files: {args.rows:,} rows, {size / 1e6:.1f} MB each, built in {time.perf_counter() - started:.1f} s"
    )
    print(f"database: {connection.vendor}; peak RSS while building the files {rss_mb():.0f} MB")

    results = []
    with scope(municipality=municipality):
        company = services.company_create(municipality=municipality, actor=None, name_ja="Bench Corp")

        def run(label: str, path: Path) -> None:
            with path.open("rb") as fh:
                portfolio_import = services.portfolio_import_start(
                    municipality=municipality,
                    actor=None,
                    company=company,
                    upload=File(fh, name=path.name),
                    queue=False,
                )
            reset_peak()
            t0, c0 = time.perf_counter(), time.process_time()
            portfolio_import = services.portfolio_import_validate(portfolio_import=portfolio_import)
            t1, c1 = time.perf_counter(), time.process_time()
            results.append((f"{label}: validate", t1 - t0, c1 - c0, rss_mb(), portfolio_import))
            if portfolio_import.state != "valid":
                print("problems:", portfolio_import.errors[:5])
                raise SystemExit(1)
            services.portfolio_import_confirm(
                portfolio_import=portfolio_import, actor=None, accept_other_applicants=True, queue=False
            )
            reset_peak()
            t2, c2 = time.perf_counter(), time.process_time()
            portfolio_import = services.portfolio_import_commit(portfolio_import=portfolio_import)
            t3, c3 = time.perf_counter(), time.process_time()
            results.append((f"{label}: commit", t3 - t2, c3 - c2, rss_mb(), portfolio_import))

        run("first import", base)
        run("same file again", base)
        run("10% of titles changed", changed)
        total = Patent.objects.filter(company=company).count()

    print()
    print(
        "| phase | wall s | CPU s (this process) | new | changed | unchanged | without abstract | peak RSS |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for label, seconds, cpu, peak, imp in results:
        print(
            f"| {label} | {seconds:.1f} | {cpu:.1f} | {imp.new_count:,} | {imp.changed_count:,} "
            f"| {imp.unchanged_count:,} | {imp.flagged_count:,} | {peak:.0f} MB |"
        )
    first = results[0][1] + results[1][1]
    load = os.getloadavg()[0]
    print(f"\nfirst import, validate + commit: {first:.1f} s (target < 60 s); patents stored: {total:,}")
    print(f"load average at the end: {load:.1f} (other processes share the 2 cores when > 1)")


if __name__ == "__main__":
    main()
