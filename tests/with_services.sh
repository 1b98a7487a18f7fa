#!/usr/bin/env bash
# Run a command (e.g. `make test`) against a throwaway PostgreSQL and Redis.
#
#   tests/with_services.sh make test      # what `make test-postgres` does
#
# Starts a private PostgreSQL cluster (initdb in a temporary folder, loopback
# only, a free port, fsync off: test data need not survive a crash) and a
# private redis-server, sets DATABASE_URL and REDIS_URL, runs the command, then
# stops both and deletes the folder. Needs Debian's postgresql and redis-server
# packages; no systemd, no system cluster, nothing left running. As root the
# database runs as the postgres user (initdb refuses root).
set -euo pipefail

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [[ -z "$pg_bin" || ! -x "$pg_bin/initdb" ]] || ! command -v redis-server >/dev/null; then
  echo "with_services.sh: needs PostgreSQL and Redis (apt-get install postgresql redis-server)" >&2
  exit 2
fi

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

work=$(mktemp -d "${TMPDIR:-/tmp}/tandem-services.XXXXXX")
as_db=()
if [[ $(id -u) == 0 ]]; then
  chown postgres "$work"
  as_db=(runuser -u postgres --)
fi
pg_port=$(free_port)
redis_port=$(free_port)

db() { (cd "$work" && "${as_db[@]}" "$@"); }  # from a folder the postgres user can enter

stop() {
  db "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop EXIT

db "$pg_bin/initdb" -D "$work/pg" -U tandem --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
db "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
db "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U tandem tandem_test

redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no --daemonize yes \
  --dir "$work" --logfile "$work/redis.log" >/dev/null
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

echo "with_services.sh: PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port"
DATABASE_URL="postgresql://tandem@127.0.0.1:$pg_port/tandem_test" \
REDIS_URL="redis://127.0.0.1:$redis_port/0" \
  "$@"
