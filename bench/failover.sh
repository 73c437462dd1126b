#!/usr/bin/env bash
# Failover time of control planes sharing a PostgreSQL store: two `apollo up` (each its own data dir and
# embedded gateway, one token file) on a throwaway cluster; each round kill -9s the leader and measures, from
# the kill, the time until the standby accepts a write (POST /v1/environments answers 201) and the time until
# the standby's gateway serves the route table with that change (a request for the new environment answers
# no_route instead of unknown_environment), and the time until the killed leader's own gateway (both processes, still
# running) serves the same table, found through the control planes its data dir's peers.json names; then it starts
# the killed one again as the new standby. Writes the
# "Failover" section of docs/BENCHMARKS.md. ROUNDS=10, LEASE_MS=5000 by default.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk.sh"
. "$root/bin/postgres.sh"
. "$root/bench/lib.sh"
apollo_find_jdk
apollo_ensure_postgres
rounds=${ROUNDS:-10}
lease=${LEASE_MS:-5000}
jar="$root/dist/target/apollo.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -pl dist -am package -DskipTests)
bin=${APOLLO_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}

work=$(mktemp -d /tmp/apollo-bench-failover.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_owner=()
if [ "$(id -u)" = 0 ]; then chown postgres: "$work"; as_owner=(runuser -u postgres --); fi
export APOLLO_STORE_PASSWORD=bench-$RANDOM$RANDOM
printf '%s\n' "$APOLLO_STORE_PASSWORD" > "$work/pw"
"${as_owner[@]}" "$bin/initdb" -D "$work/data" -U apollo --pwfile="$work/pw" --auth-host=scram-sha-256 --auth-local=trust >/dev/null
"${as_owner[@]}" "$bin/pg_ctl" -D "$work/data" -o "-p $port -k $work -c listen_addresses=127.0.0.1" -l "$work/log" -w start >/dev/null
PGPASSWORD=$APOLLO_STORE_PASSWORD "$bin/createdb" -h 127.0.0.1 -p "$port" -U apollo bench
store="postgresql://127.0.0.1:$port/bench?user=apollo"

apollo() { "$JAVA_HOME/bin/java" -jar "$jar" "$@"; }
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
up() { apollo up --home "$work/$1" --detach --listen 127.0.0.1:0 --web 127.0.0.1:0 --rpc 127.0.0.1:0 --store "$store" --lease-ms "$lease" >/dev/null; }
mode() { curl -s -H "Authorization: Bearer $(cat "$work/$1/token")" "$(field "$work/$1/server.json" url)/v1/leadership" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["mode"])' 2>/dev/null || true; }
await_mode() { until [ "$(mode "$1")" = "$2" ]; do sleep 0.05; done; }
stop() {
  for h in a b; do [ -f "$work/$h/server.json" ] && apollo down --home "$work/$h" >/dev/null 2>&1 || true; done
  # Gateways of a killed or stepped-down control plane outlive it: stop whatever still runs from this work dir.
  for pid in $(pgrep -f -- "--control-file $work/" || true); do kill "$pid" 2>/dev/null || true; done
  "${as_owner[@]}" "$bin/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null || true
  rm -rf "$work"
}
trap stop EXIT

mkdir -p "$work/a" "$work/b"
up a; await_mode a leader
cp "$work/a/token" "$work/b/token" # one token for the cluster: gateways and the CLI follow the leader with it
up b; await_mode b standby
leader=a; standby=b
times=(); served=(); orphaned=()
# Whether both processes of the gateway in data dir $1 serve the newest route-table version the gateway in $2 serves.
same_table() { python3 - "$work/$1" "$work/$2" <<'PY'
import json, sys
def version(path):
    try:
        return json.load(open(path))["routesVersion"]
    except (OSError, ValueError, KeyError):
        return None
# The newer of the two: the request that saw the change reached one of them.
want = max((v for v in (version(sys.argv[2] + f) for f in ("/gateway.json", "/gateway-2.json")) if v is not None), default=None)
sys.exit(0 if want is not None and all(version(sys.argv[1] + f) == want for f in ("/gateway.json", "/gateway-2.json")) else 1)
PY
}
other() { [ "$1" = a ] && echo b || echo a; }
for i in $(seq 1 "$rounds"); do
  # Who leads now: under load a leader can miss its renewal and step down (it then needs a restart).
  until [ "$(mode "$leader")" = leader ]; do
    leader=$(other "$leader")
    if [ "$(mode "$leader")" = stepped-down ]; then
      echo "round $i: $leader stepped down on its own (load); restarting it" >&2
      kill -9 "$(field "$work/$leader/server.json" pid)"; rm -f "$work/$leader/server.json"; up "$leader"
    fi
    sleep 0.05
  done
  standby=$(other "$leader")
  until [ "$(mode "$standby")" = standby ]; do
    if [ "$(mode "$standby")" = stepped-down ]; then
      kill -9 "$(field "$work/$standby/server.json" pid)"; rm -f "$work/$standby/server.json"; up "$standby"
    fi
    sleep 0.05
  done
  url=$(field "$work/$standby/server.json" url); token=$(cat "$work/$standby/token")
  web=$(field "$work/$standby/gateway.json" web)
  # The gateway serves the leader's table (without round$i yet) before the kill.
  until curl -s -H "X-Apollo-Env: round$i" "http://$web/" | grep -q unknown_environment; do sleep 0.05; done
  start=$(date +%s%N)
  kill -9 "$(field "$work/$leader/server.json" pid)"
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{\"name\":\"round$i\"}" "$url/v1/environments")" = 201 ]; do sleep 0.02; done
  times+=($(( ($(date +%s%N) - start) / 1000000 )))
  until curl -s -H "X-Apollo-Env: round$i" "http://$web/" | grep -q no_route; do sleep 0.01; done
  served+=($(( ($(date +%s%N) - start) / 1000000 )))
  until same_table "$leader" "$standby"; do sleep 0.01; done
  orphaned+=($(( ($(date +%s%N) - start) / 1000000 )))
  echo "round $i: write accepted after ${times[-1]} ms, served by the gateway after ${served[-1]} ms," \
    "by the killed leader's gateway after ${orphaned[-1]} ms" >&2
  rm -f "$work/$leader/server.json"; up "$leader"
  leader=$standby
done

stats() {
  local sorted=($(printf '%s\n' "$@" | sort -n)); local n=${#sorted[@]}
  echo "${sorted[$(( (n - 1) / 2 ))]} ms | ${sorted[$(( (n * 95 + 99) / 100 - 1 ))]} ms | ${sorted[$((n - 1))]} ms | $n"
}
report="## Failover (bench/failover.sh)
$(date -u +%F) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end, $(free -g | awk '/Mem:/ {print $2}') GiB, Linux $(uname -r), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), $("$bin/postgres" --version)

| what | p50 | p95 | max | rounds |
| --- | --- | --- | --- | --- |
| kill -9 of the leader until the standby accepts a write (lease $lease ms) | $(stats "${times[@]}") |
| kill -9 of the leader until the gateway serves that write's route-table change | $(stats "${served[@]}") |
| kill -9 of the leader until the killed leader's own gateway (both processes) serves that table | $(stats "${orphaned[@]}") |

Rounds: writes ${times[*]} ms; served ${served[*]} ms; by the killed leader's gateway ${orphaned[*]} ms. Two control planes (\`apollo up\`, each with its embedded
gateway, no instances) on one throwaway PostgreSQL cluster on this machine; a term lasts 0.7 of the lease and every
control plane campaigns every tenth of it, so a standby takes over at most 0.8 of the lease after the leader's last
renewal; the rest is the write and this machine's load. The gateway measured is the standby's: it followed the
leader's route stream (named by its standby), and after the kill it finds the new leader through its own control
plane, whose route API answers once its first table is made; while its control plane answers 503 it asks again
every 100 ms. The killed leader's gateway cannot reach its own control plane: it asks the control planes its data
dir's \`peers.json\` names (written by its control plane while it ran), the first that answers names the new leader,
and it follows that leader's stream.${NOTE:+ $NOTE}"
write_section "$root/docs/BENCHMARKS.md" "Failover (bench/failover.sh)" "$report"
echo "$report"
