#!/usr/bin/env bash
# The load test of benchmarks/README.md ("Load test") in one command, on the stack and data set of
# "The stack and the data set" (source its env file first; locust from `uv sync --frozen --group load`):
#   benchmarks/load/run.sh TAG [WARMUP_S] [RUN_S]
# gunicorn with 3 workers on 127.0.0.1:8177; a warm-up with the 50 sign-ins (not counted); the measured
# run of 50 coordinators (--reset-stats); then the annual report PDF at 5 users for 120 s. Prints the
# load average at each step, the workers' peak RSS and both tables; CSVs in /tmp/load-TAG_*, /tmp/pdf-TAG_*.
set -uo pipefail
tag=${1:?a tag for the output files}; warm=${2:-120}; run=${3:-240}
cd "$(dirname "$0")/../.."
export DJANGO_ALLOWED_HOSTS=${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}
KAWASAKI_RATE_LOGIN=1000/m/ip .venv/bin/gunicorn kawasaki.wsgi:application --bind 127.0.0.1:8177 \
  --workers 3 --timeout 60 >"/tmp/gunicorn-$tag.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
sleep 6
locust() { .venv/bin/locust -f benchmarks/load/locustfile.py --host http://127.0.0.1:8177 --headless --only-summary "$@"; }
echo "warm-up start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
locust Coordinator --users 50 --spawn-rate 5 --run-time "${warm}s" >"/tmp/warm-$tag.txt" 2>&1
echo "measured start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
(sleep $((run - 5)); echo "near end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)") &
locust Coordinator --users 50 --spawn-rate 5 --run-time "${run}s" --reset-stats --csv "/tmp/load-$tag" >"/tmp/run-$tag.txt" 2>&1
echo "measured end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
for pid in $(pgrep -P $server); do grep -H VmHWM "/proc/$pid/status"; done
sleep 31  # the PDF users sign in as coordinators 00-04 again: a TOTP code is accepted once per 30 s
echo "pdf start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
locust ReportReader --users 5 --spawn-rate 5 --run-time 120s --reset-stats --csv "/tmp/pdf-$tag" >"/tmp/pdfrun-$tag.txt" 2>&1
echo "pdf end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
.venv/bin/python - "$tag" <<'PY'
import csv, sys
tag = sys.argv[1]
for name in (f"/tmp/load-{tag}_stats.csv", f"/tmp/pdf-{tag}_stats.csv"):
    for r in csv.DictReader(open(name)):
        print(f"{r['Name']:<36} n={r['Request Count']:>5} fail={r['Failure Count']:>3} p50={r['50%']:>6} p95={r['95%']:>6} p99={r['99%']:>6}")
PY
