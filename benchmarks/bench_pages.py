"""Time the load test's pages one at a time, through the whole Django stack in this process, on the
scale data set (benchmarks/load/build_dataset.py): server time, queries and SQL time per page.

    .venv/bin/python benchmarks/bench_pages.py [--repeat 5] [--sql] [PATH ...]   # same environment as build_dataset.py

Without PATHs it times the load test's page mix (dashboard, seed list first / middle / last page and
searched, the KPI page, the annual report PDF, the quick search in Japanese and English, the deal
board). Signed in as a benchmark coordinator with password and TOTP. The first request of each page
warms caches and is not counted; then `--repeat` requests, median and slowest. Where the load test
measures pages under 50 users, this says what one request costs and where (SQL or Python).
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
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--account",
        type=int,
        default=2,
        help="which benchmark coordinator signs in (a TOTP code is good once)",
    )
    parser.add_argument("--sql", action="store_true", help="print each page's three slowest queries")
    parser.add_argument("paths", nargs="*", help="paths under /m/<municipality>/ (default: the page mix)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kawasaki.settings.production")
    hosts = os.environ.get("DJANGO_ALLOWED_HOSTS", "")
    os.environ["DJANGO_ALLOWED_HOSTS"] = ",".join(filter(None, [hosts, "testserver"]))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from signin import DATASET, sign_in

    data = json.loads(DATASET.read_text())
    paths = args.paths or [
        "",
        "patents/?page=1",
        "patents/?page=1000",
        "patents/?page=2000",
        "patents/?q=sensor",
        "reports/",
        "reports/annual-report.pdf",
        "matching/?q=工場の騒音を減らしたい",
        "matching/?q=corrosion+resistant+coating",
        "negotiations/",
    ]
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")
    email = data["coordinators"][args.account]
    sign_in(client, email=email, password=data["password"], secret=data["totp_secret"])
    if client.get(f"/m/{data['municipality']}/").status_code != 200:
        raise SystemExit(f"{email} is not signed in (a TOTP code used twice in 30 s? try another --account)")
    print(f"municipality {data['municipality']}; {args.repeat} requests per page after one warm-up")
    print("| page | status | median ms | slowest ms | queries | SQL ms (median) | KB |")
    print("|---|---|---|---|---|---|---|")
    for path in paths:
        url = f"/m/{data['municipality']}/{path}"
        client.get(url)
        times, sql_times = [], []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                body = b"".join(response.streaming_content) if response.streaming else response.content
                times.append((time.perf_counter() - started) * 1000)
            sql_times.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
        print(
            f"| `{path or '/'}` | {response.status_code} | {statistics.median(times):.0f} | {max(times):.0f} | "
            f"{len(queries)} | {statistics.median(sql_times):.0f} | {len(body) / 1024:.0f} |"
        )
        if args.sql:
            for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]:
                print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:160]}")


if __name__ == "__main__":
    main()
