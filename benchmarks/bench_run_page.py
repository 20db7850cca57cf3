"""Benchmark the results page of the largest finished portfolio run (10,000 candidates after
bench_portfolio.py on the 100k / 500 data set): server time, queries and size of each page variant.

    .venv/bin/python benchmarks/bench_run_page.py [--repeat 20]      # same environment as bench_portfolio.py

Requests go through the whole Django stack in this process (middleware, MFA, tenancy, template),
signed in as a benchmark coordinator, against the PostgreSQL of DATABASE_URL. The first request of
each variant warms caches and is not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks" / "load"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--sql", action="store_true", help="print the last request's queries with their times"
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kawasaki.settings.production")
    hosts = os.environ.get("DJANGO_ALLOWED_HOSTS", "")
    os.environ["DJANGO_ALLOWED_HOSTS"] = ",".join(filter(None, [hosts, "testserver"]))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scopes_disabled
    from signin import DATASET, sign_in

    from matching.models import Direction, RunStatus, ScreeningRun

    data = json.loads(DATASET.read_text())
    with scopes_disabled():
        run = (
            ScreeningRun.objects.filter(
                municipality__slug=data["municipality"], direction=Direction.PORTFOLIO, status=RunStatus.DONE
            )
            .order_by("-candidate_count", "-pk")
            .first()
        )
        if run is None:
            raise SystemExit("no finished portfolio run: run benchmarks/bench_portfolio.py first")
        sme_id = run.candidates.order_by("sme_id").values_list("sme_id", flat=True).first()
        candidate_id = run.candidates.order_by("pk").values_list("pk", flat=True).first()
    client = Client()
    sign_in(client, email=data["coordinators"][1], password=data["password"], secret=data["totp_secret"])
    base = f"/m/{data['municipality']}/matching/runs/{run.pk}/"
    variants = [
        ("run page, first page of SMEs", base),
        ("run page, page 10", base + "?page=10"),
        ("run page, band=strong", base + "?band=strong"),
        ("run page, decision=pending, weaker shown", base + "?decision=pending&weaker=1"),
        ("one SME's remaining candidates (htmx more)", base + f"smes/{sme_id}/candidates/"),
        ("one candidate's reasons, opened (htmx)", base + f"candidates/{candidate_id}/why/"),
        ("API candidates, first page", f"/api/v1/screening-runs/{run.pk}/candidates/"),
    ]
    print(f"run #{run.pk}: {run.candidate_count:,} candidates; {args.repeat} requests per variant")
    print("| page | median ms | p95 ms | queries | SQL ms (median) | KB |")
    print("|---|---|---|---|---|---|")
    for label, url in variants:
        if url.startswith("/api/"):
            continue  # the API needs a token; measured by the load test
        fragment = "/smes/" in url or url.endswith("/why/")  # asked for by htmx on the page
        response = client.get(url, HTTP_HX_REQUEST="true") if fragment else client.get(url)
        if response.status_code != 200:
            print(f"| {label} | status {response.status_code} | | | |")
            continue
        times, sql_times = [], []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url, HTTP_HX_REQUEST="true") if fragment else client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            sql_times.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
        print(
            f"| {label} | {statistics.median(times):.0f} | {p95:.0f} | {len(queries)} | "
            f"{statistics.median(sql_times):.0f} | {len(response.content) / 1024:.0f} |"
        )
        if args.sql:
            for q in queries.captured_queries:
                print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:160]}")


if __name__ == "__main__":
    main()
