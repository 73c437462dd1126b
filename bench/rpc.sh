#!/usr/bin/env bash
# RPC benchmark: wrk POSTing sayHello(["bench"]) to one rpc-service instance directly and through
# Apollo's RPC gateway (POST /rpc-service/sayHello), same run, connections, threads and duration.
# Writes a section of docs/BENCHMARKS.md. Loopback only; every run is bounded.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk.sh"; apollo_find_jdk
. "$root/bench/lib.sh"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
"$root/apollo" --version >/dev/null   # builds apollo.jar when needed

threads=${THREADS:-2}; conns=${CONNS:-32}; duration=${DURATION:-15s}
home=$(mktemp -d /tmp/apollo-bench.XXXXXX)
export APOLLO_HOME=$home
apollo() { "$JAVA_HOME/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$root/dist/target/apollo.jar" "$@"; }
cleanup() { apollo down >/dev/null 2>&1 || true; rm -rf "$home"; }
trap cleanup EXIT

apollo up --detach --listen 127.0.0.1:0 --web 127.0.0.1:0 --rpc 127.0.0.1:0 >/dev/null
apollo artifact push "$root/examples/rpc-service/target/rpc-service.jar" --name rpc-service --version 1.0.0 >/dev/null
apollo artifact-deploy rpc-service:1.0.0 -n 1 >/dev/null
instance=$(apollo status rpc-service -o json | sed -n 's/.*"address" *: *"\([^"]*\)".*/\1/p' | head -1)
rpc=$(sed -n 's/.*"rpc":"\([^"]*\)".*/\1/p' "$home/gateway.json")
cat > "$home/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '["bench"]'
wrk.headers["Content-Type"] = "application/json"
LUA

run_wrk() { # url -> "req/s p50 p99 errors"
  wrk -t1 -c8 -d3s -s "$home/post.lua" "$1" >/dev/null 2>&1 || true   # warm-up
  wrk -t"$threads" -c"$conns" -d"$duration" --latency -s "$home/post.lua" "$1" > "$home/wrk.out"
  local errors
  errors=$(awk '/Non-2xx|Socket errors/ {printf "%s ", $0}' "$home/wrk.out")
  echo "$(awk '/Requests\/sec/ {print $2}' "$home/wrk.out") $(awk '$1 == "50%" {print $2}' "$home/wrk.out")" \
    "$(awk '$1 == "99%" {print $2}' "$home/wrk.out") ${errors:-none}"
}
read -r d_rps d_p50 d_p99 d_err <<<"$(run_wrk "http://$instance/sayHello")"
read -r g_rps g_p50 g_p99 g_err <<<"$(run_wrk "http://$rpc/rpc-service/sayHello")"

report="## RPC (bench/rpc.sh)
$(date -u +%Y-%m-%d) on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)

wrk -t$threads -c$conns -d$duration POSTing sayHello([\"bench\"]) to one rpc-service instance; everything shares the 2 cores.

| target | calls/s | p50 | p99 | errors |
| --- | --- | --- | --- | --- |
| instance directly | $d_rps | $d_p50 | $d_p99 | $d_err |
| through the RPC gateway | $g_rps | $g_p50 | $g_p99 | $g_err |

gateway/direct calls/s: $(awk -v a="$g_rps" -v b="$d_rps" 'BEGIN { printf "%.2f", a / b }').
"
echo "$report"
write_section "$root/docs/BENCHMARKS.md" "RPC (bench/rpc.sh)" "$report"
