#!/usr/bin/env bash
# The JIT of a jar's task on Swarm: the example web-service in its Apollo-made image (docker run
# --network host, as a task runs), with the launch's options and with -XX:TieredStopAtLevel=1 added
# (C1 only). For each: time from `docker run` to the first 200 (median of RUNS), then wrk's req/s after a
# warm-up. Needs an engine that has the image of examples/web-service's jar (a Swarm deploy of it makes it).
# Prints table rows for docs/BENCHMARKS.md.
set -euo pipefail
RUNS=${RUNS:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
jar="$root/examples/web-service/target/web-service.jar"
sha=$(sha256sum "$jar" | cut -d' ' -f1)
image=$(docker images --filter "label=dev.apollo.artifact.sha256=$sha" --format '{{.Repository}}:{{.Tag}}' | head -1)
[ -n "$image" ] || { echo "no apollo/jar image here: deploy the example on Swarm first" >&2; exit 1; }
port=$((21000 + RANDOM % 1000))
base=(/opt/jre/bin/java -Xmx64m -XX:+UseSerialGC -Xshare:auto)
run() { # $1: label; rest: extra JVM options
  local label=$1; shift
  local starts=() id t0 t1
  for _ in $(seq "$RUNS"); do
    t0=$(date +%s%N)
    id=$(docker run -d --rm --network host -e PORT=$port --entrypoint "${base[0]}" "$image" "${base[@]:1}" "$@" -jar /app/app.jar)
    until curl -fs -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.02; done
    t1=$(date +%s%N)
    starts+=($(( (t1 - t0) / 1000000 )))
    docker kill "$id" >/dev/null
    while docker inspect "$id" >/dev/null 2>&1; do sleep 0.1; done
  done
  id=$(docker run -d --rm --network host -e PORT=$port --entrypoint "${base[0]}" "$image" "${base[@]:1}" "$@" -jar /app/app.jar)
  until curl -fs -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.02; done
  wrk -t1 -c8 -d10s "http://127.0.0.1:$port/" >/dev/null   # warm-up
  local rps
  rps=$(wrk -t1 -c8 -d15s "http://127.0.0.1:$port/" | awk '/Requests\/sec/ {print int($2)}')
  docker kill "$id" >/dev/null
  while docker inspect "$id" >/dev/null 2>&1; do sleep 0.1; done
  local median
  median=$(printf '%s\n' "${starts[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
  echo "| $label | $median ms (${starts[*]}) | $rps |"
}
echo "| JIT of a task | docker run to first 200, median (runs) | req/s after warm-up (wrk -t1 -c8 -d15s) |"
echo "|---|---|---|"
run "full (tiered C1+C2)"
run "C1 only (-XX:TieredStopAtLevel=1)" -XX:TieredStopAtLevel=1
echo "machine: $(nproc) cores, $(uname -r); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
