"""Benchmark a whole-portfolio screening run: POST the run form, a real Celery worker runs it, until
the run's results are stored. Prints wall time, the progress the page saw, and peak memory.

    source <(benchmarks/load/stack.sh start /tmp/kawasaki-bench)     # PostgreSQL + Redis
    export DJANGO_SETTINGS_MODULE=kawasaki.settings.production DJANGO_SECRET_KEY=... (see benchmarks/README.md)
    .venv/bin/python benchmarks/load/build_dataset.py                # 100,000 seeds, 500 SMEs (once)
    .venv/bin/python benchmarks/bench_portfolio.py [--runs 2]

The worker is started here exactly as production starts it (`celery -A kawasaki worker`, prefork,
one child so the child's memory is the run's), fresh, so the first run includes loading the seeds
index into the worker; later runs reuse the loaded index. "Peak RSS" is the largest VmHWM (the
kernel's high-water mark of resident memory) among the worker's processes. The POST goes through
the real page (ScreeningRunCreateView, signed in with password and TOTP as a coordinator), so the
whole path is measured: form, service, queue, task, search_many, candidates written, run marked done.
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
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks" / "load"))


def process_tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
    return found


def status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=2, help="runs one after another in the same worker")
    parser.add_argument("--top-k", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kawasaki.settings.production")
    hosts = os.environ.get("DJANGO_ALLOWED_HOSTS", "")
    os.environ["DJANGO_ALLOWED_HOSTS"] = ",".join(filter(None, [hosts, "testserver"]))
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    import django

    django.setup()
    from django.test import Client
    from django_scopes import scopes_disabled
    from signin import DATASET, sign_in

    from matching.models import RunStatus, ScreeningRun

    data = json.loads(DATASET.read_text())
    slug = data["municipality"]
    log_path = Path(tempfile.gettempdir()) / "bench-portfolio-worker.log"
    worker = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "celery"),
            "-A",
            "kawasaki",
            "worker",
            "--concurrency=1",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.time() + 120
        while "ready." not in log_path.read_text():
            if time.time() > deadline or worker.poll() is not None:
                raise SystemExit(f"the worker did not start; see {log_path}")
            time.sleep(0.5)
        idle_rss = max(status_kb(pid, "VmRSS") for pid in process_tree(worker.pid)) / 1024
        print(f"worker ready (pid {worker.pid}); idle RSS of its largest process {idle_rss:.0f} MB")

        client = Client()
        sign_in(client, email=data["coordinators"][0], password=data["password"], secret=data["totp_secret"])
        url = f"/m/{slug}/matching/runs/new/"
        for number in range(1, args.runs + 1):
            started = time.perf_counter()
            response = client.post(
                url + f"?portfolio={data['company_id']}",
                {"portfolio": data["company_id"], "top_k": args.top_k, "query_text": ""},
            )
            posted = time.perf_counter() - started
            if response.status_code != 302:
                raise SystemExit(
                    f"the run was not started: {response.status_code} {response.content[:500]!r}"
                )
            run_id = int(response["Location"].rstrip("/").split("/")[-1])
            progress_seen: list[tuple[float, int]] = []
            peak_hwm = 0
            while True:
                with scopes_disabled():
                    run = ScreeningRun.objects.get(pk=run_id)
                elapsed = time.perf_counter() - started
                if not progress_seen or progress_seen[-1][1] != run.progress:
                    progress_seen.append((elapsed, run.progress))
                peak_hwm = max([peak_hwm, *(status_kb(pid, "VmHWM") for pid in process_tree(worker.pid))])
                if run.status in (RunStatus.DONE, RunStatus.FAILED) or elapsed > args.timeout:
                    break
                time.sleep(0.1)
            elapsed = time.perf_counter() - started
            print(
                f"run {number} (#{run_id}): {run.status}, {run.candidate_count:,} candidates, "
                f"POST answered in {posted * 1000:.0f} ms, results ready after {elapsed:.1f} s; "
                f"worker peak RSS {peak_hwm / 1024:.0f} MB"
            )
            print("  progress seen by polling (s, %): " + ", ".join(f"{t:.1f}:{p}" for t, p in progress_seen))
            if run.status != RunStatus.DONE:
                print(f"  error: {run.error}")
                break
        print(f"run ids: see {log_path} for the worker's log")
    finally:
        worker.terminate()
        worker.wait(timeout=30)


if __name__ == "__main__":
    main()
