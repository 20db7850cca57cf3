"""Benchmark a large company's journey from upload to interested SMEs, in a real browser.

    .venv/bin/python benchmarks/bench_company_journey.py            # one run
    .venv/bin/python benchmarks/bench_company_journey.py --runs 3   # several, each figure listed

It runs the browser test `tests/browser/test_company_journey.py` through `bin/test` (its own PostgreSQL,
Redis, Celery worker and headless Chromium; lint skipped), with COMPANY_JOURNEY_TIMES pointing to a file
where the test writes the time of each phase, measured from the moment the file is chosen:

  validated      the report of all 1,000 rows is on the page (upload, worker validation, htmx polling)
  committed      confirmed (other applicants' rows ticked) and written by the worker
  fits_listed    the automatic screening has run and the fitting SME is on the company's list
  interest_seen  the company opened the seed, published it, and sees the SME's interest on its page

The clicks are scripted, so the figures are machine time plus page loads, not a person's reading time.
The issue's target: under five minutes from choosing the file to a ranked list of fitting SMEs, and
under one minute of machine time for 1,000 seeds. The load average is printed because the machine is
shared; compare figures taken at similar load.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST = "tests/browser/test_company_journey.py"
PHASES = ("validated", "committed", "fits_listed", "interest_seen")


def one_run() -> dict:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "times.json"
        env = {**os.environ, "SKIP_LINT": "1", "COMPANY_JOURNEY_TIMES": str(out)}
        load_before = os.getloadavg()[0]
        started = time.monotonic()
        result = subprocess.run(
            ["bin/test", TEST, "-q", "-p", "no:cacheprovider"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.monotonic() - started
        if result.returncode != 0 or not out.exists():
            sys.stdout.write(result.stdout[-4000:] + result.stderr[-4000:])
            raise SystemExit(f"the journey test failed (exit {result.returncode})")
        times = json.loads(out.read_text())
    return {**times, "load_before": load_before, "load_after": os.getloadavg()[0], "wall": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    print(
        f"{'run':>3} " + " ".join(f"{p:>13}" for p in PHASES) + "   load (1 min) before/after   bin/test wall"
    )
    for run in range(1, args.runs + 1):
        t = one_run()
        phases = " ".join(f"{t[p]:>12.1f}s" for p in PHASES)
        print(
            f"{run:>3} {phases}   {t['load_before']:.1f} / {t['load_after']:.1f} on {os.cpu_count()} cores"
            f"   {t['wall']:.0f} s"
        )


if __name__ == "__main__":
    main()
