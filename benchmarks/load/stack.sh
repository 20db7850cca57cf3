#!/usr/bin/env bash
# Start (or stop) a throwaway PostgreSQL and Redis for the scale benchmarks, as production runs them:
# PostgreSQL with its default durability (fsync on), Redis with the append-only file.
#   benchmarks/load/stack.sh start DIR   # prints the DATABASE_URL / REDIS_URL exports to source
#   benchmarks/load/stack.sh stop DIR
set -euo pipefail
cmd="${1:?start or stop}"
dir="${2:?a directory for the cluster, e.g. /tmp/kawasaki-bench}"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

if [ "$cmd" = stop ]; then
  as_pg "$PG_BIN/pg_ctl" -D "$dir/pg" -m fast stop >/dev/null 2>&1 || true
  redis-cli -p "$(cat "$dir/redis.port")" shutdown nosave >/dev/null 2>&1 || true
  exit 0
fi

mkdir -p "$dir"
[ "$(id -u)" -eq 0 ] && chown postgres "$dir" && chmod 755 "$dir"
if [ ! -d "$dir/pg" ]; then
  as_pg "$PG_BIN/initdb" -D "$dir/pg" --auth=trust -E UTF8 --locale=C.UTF-8 -U postgres >/dev/null
fi
pg_port="$(free_port)"
redis_port="$(free_port)"
echo "$pg_port" >"$dir/pg.port"
echo "$redis_port" >"$dir/redis.port"
as_pg "$PG_BIN/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w start \
  -o "-p $pg_port -k $dir -c listen_addresses=127.0.0.1 -c shared_buffers=256MB -c work_mem=16MB" >/dev/null
createdb -h 127.0.0.1 -p "$pg_port" -U postgres kawasaki 2>/dev/null || true
mkdir -p "$dir/redis"
redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --dir "$dir/redis" \
  --appendonly yes --appendfsync everysec --logfile "$dir/redis.log" --pidfile "$dir/redis.pid"
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
cat <<OUT
export DATABASE_URL=postgres://postgres@127.0.0.1:$pg_port/kawasaki
export REDIS_URL=redis://127.0.0.1:$redis_port/0
export CELERY_BROKER_URL=redis://127.0.0.1:$redis_port/1
OUT
