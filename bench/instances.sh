#!/usr/bin/env bash
# Instance changes through both gateway modes: (1) CHANGES (100) instance changes one after the other
# (rollbacks within the window, each a switch of the live release between two warm ones: other
# instances, nothing else), from the API call to the first request through the gateway that lands
# on the other release, and how many nginx reloads they cost; (2) wrk through each gateway across
# each kind of instance change, one wrk run per change (from 2 s before it to 2 s after it is done):
# a blue/green upgrade (new instances, switch, the old ones kept warm), a scale-down (drain, stop), a
# scale-up, a replacement (an instance turned unhealthy: drained, stopped, replaced), a rollback (a
# switch to the warm release) and a testbed (deployed beside the live release, then discarded), with
# the failed requests of each and nginx's reloads across them all.
# Writes a section of docs/BENCHMARKS.md. Loopback only; every run is bounded.
# Knobs: CHANGES (100), THREADS (2), CONNS (16), KEEP=1 (leave the work dir).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk.sh"; apollo_find_jdk
. "$root/bench/lib.sh"
. "$root/bin/nginx.sh"; apollo_ensure_nginx
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
command -v jq >/dev/null || missing+=(jq)
if ((${#missing[@]})); then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
jar=$root/dist/target/apollo.jar
[ -f "$jar" ] || "$root/apollo" --version >/dev/null

changes=${CHANGES:-100}; threads=${THREADS:-2}; conns=${CONNS:-16}
work=$(mktemp -d /tmp/apollo-bench-instances.XXXXXX)
ehome=$work/embedded; nhome=$work/nginx
mkdir -p "$ehome" "$nhome"
cp "$jar" "$work/apollo.jar"
jar_built=$(date -u -r "$jar" +%Y-%m-%dT%H:%MZ)
apollo() { APOLLO_HOME=$1 "$JAVA_HOME/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$work/apollo.jar" "${@:2}"; }
cleanup() {
  [ -f "$nhome/server.json" ] && { apollo "$nhome" down >/dev/null 2>&1 || true; }
  [ -f "$ehome/server.json" ] && { apollo "$ehome" down >/dev/null 2>&1 || true; }
  if [ "${KEEP:-0}" = 1 ]; then echo "instances.sh: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
field() { grep -o '"'"$1"'" *: *"\{0,1\}[^",}]*' | sed -n '1s/^[^:]*: *"\{0,1\}//p'; }
api_url() { field url < "$1/server.json"; }
api() { curl -fsS -H "Authorization: Bearer $(cat "$1/token")" "${@:3}" "$(api_url "$1")$2"; }

for h in "$ehome" "$nhome"; do
  if [ "$h" = "$nhome" ]; then mode=(--gateway nginx --nginx "$NGINX"); else mode=(); fi
  apollo "$h" up --detach "${mode[@]}" --listen 127.0.0.1:0 --web 127.0.0.1:0 --rpc 127.0.0.1:0 >/dev/null
  for v in 1.0.0 2.0.0 3.0.0; do
    apollo "$h" artifact push "$root/examples/web-service/target/web-service.jar" --name web-service --version "$v" >/dev/null
  done
  apollo "$h" artifact-deploy web-service:1.0.0 -n 2 --path / >/dev/null
  apollo "$h" artifact-deploy web-service:2.0.0 -n 2 >/dev/null   # 1.0.0 stays warm: a rollback is a switch of instances
done

reloads() { api "$1" /v1/gateway | field reloads; }
changes_through() { # data-dir -> Propagation.java output
  "$JAVA_HOME/bin/java" "$root/bench/Propagation.java" "$(api_url "$1")" "$(cat "$1/token")" "$(field web < "$1/gateway.json")" "$changes" instances
}
eprop=$(changes_through "$ehome"); echo "$eprop" > "$work/instances-embedded.out"
n_before=$(reloads "$nhome")
nprop=$(changes_through "$nhome"); echo "$nprop" > "$work/instances-nginx.out"
sleep 1
n_reloads=$(( $(reloads "$nhome") - n_before ))

# The service as the API sees it (curl, not the CLI: these are polled every 200 ms).
status_json() { api "$1" /v1/environments/production/services/web-service; }
live_version() { status_json "$1" | jq -r '.live.version'; }
# Instances of the live release that have not exited, and of those the healthy ones.
live_running() { status_json "$1" | jq '.live.id as $r | [.instances[] | select(.release == $r and .health != "exited")] | length'; }
live_healthy() { status_json "$1" | jq '.live.id as $r | [.instances[] | select(.release == $r and .health == "healthy")] | length'; }
until_true() { # what seconds command... : polls every 200 ms
  local what=$1 deadline=$((SECONDS + $2)); shift 2
  until "$@"; do
    ((SECONDS < deadline)) || { echo "instances.sh: gave up waiting for $what" >&2; return 1; }
    sleep 0.2
  done
}
is_live() { [ "$(live_version "$1")" = "$2" ]; }
two_healthy() { [ "$(live_running "$1")" = 2 ] && [ "$(live_healthy "$1")" = 2 ]; }
one_running() { [ "$(live_running "$1")" = 1 ]; }
none_running() { # data-dir jq-condition-on-an-instance
  [ "$(status_json "$1" | jq --arg x "$3" "[.instances[] | select($2 and .health != \"exited\")] | length")" = 0 ]
}

# The changes, each waited for until it is done (the CLI waits for deploys; scale and the rest are polled).
change_upgrade() { apollo "$1" artifact-deploy "web-service:$2" -n 2 >/dev/null; }
change_scale_down() { apollo "$1" scale web-service -n 1 >/dev/null; until_true "scale-down" 60 one_running "$1"; }
change_scale_up() { apollo "$1" scale web-service -n 2 >/dev/null; until_true "scale-up" 60 two_healthy "$1"; }
change_replacement() {
  local sick
  sick=$(status_json "$1" | jq -r '.live.id as $r | [.instances[] | select(.release == $r and .health == "healthy")][0] | "\(.id) \(.address)"')
  curl -fsS -X POST "http://${sick#* }/admin/sick" >/dev/null
  until_true "the replacement of ${sick% *}" 90 none_running "$1" '.id == $x' "${sick% *}"
  until_true "two healthy instances after the replacement" 60 two_healthy "$1"
}
change_rollback() { apollo "$1" rollback web-service >/dev/null; until_true "rollback to $2" 30 is_live "$1" "$2"; }
change_testbed() {
  local release
  apollo "$1" artifact-deploy "web-service:$2" -n 1 --testbed >/dev/null
  release=$(status_json "$1" | jq -r '.testbed.id')
  apollo "$1" testbed discard web-service >/dev/null
  until_true "the end of testbed $release" 60 none_running "$1" '.release == $x' "$release"
}

across() { # data-dir mode change arg -> "failed of total": wrk from 2 s before the change until 2 s after it is done
  local h=$1 mode=$2 change=$3 out=$work/wrk-$3-$2.out url w total errors non2xx
  url="http://$(field web < "$h/gateway.json")/"
  wrk -t"$threads" -c"$conns" -d120s -H 'X-Apollo-Env: production' "$url" > "$out" &
  w=$!
  sleep 2
  local note=""
  "change_$change" "$h" "${4:-}" || note=" (the change did not finish in time)"
  sleep 2
  kill -INT "$w"; wait "$w" || true
  total=$(awk '/requests in/ {print $1}' "$out")
  errors=$(awk '/Socket errors/ {gsub(/,/, ""); print $4 + $6 + $8 + $10}' "$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$out")
  echo "$(( ${errors:-0} + ${non2xx:-0} )) of ${total:-?}$note"
}

declare -A failed
n_before_wrk=$(reloads "$nhome")
for h in "$ehome" "$nhome"; do
  if [ "$h" = "$nhome" ]; then mode=nginx; else mode=embedded; fi
  before=$(live_version "$h")
  failed[upgrade,$mode]=$(across "$h" $mode upgrade 3.0.0)
  failed[scale_down,$mode]=$(across "$h" $mode scale_down)
  failed[scale_up,$mode]=$(across "$h" $mode scale_up)
  failed[replacement,$mode]=$(across "$h" $mode replacement)
  failed[rollback,$mode]=$(across "$h" $mode rollback "$before")
  if [ "$before" = 1.0.0 ]; then other=2.0.0; else other=1.0.0; fi # a testbed of a version neither live nor warm
  failed[testbed,$mode]=$(across "$h" $mode testbed "$other")
done
sleep 1
n_reloads_wrk=$(( $(reloads "$nhome") - n_before_wrk ))
load=$(cut -d' ' -f1-3 /proc/loadavg)

pick() { echo "$1" | sed -n "s/^$2 //p" | sed 's/ n=[0-9]*//; s/=/ /g; s/median //; s/ p95 / \/ /; s/ max / \/ /'; }
report="## Instance changes (bench/instances.sh)
$(date -u +%Y-%m-%d) on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), $("$NGINX" -v 2>&1), apollo.jar built $jar_built

Two control planes side by side, one per gateway mode, each with web-service 2.0.0 live on 2 instances and 1.0.0 kept
warm. $changes instance changes one after the other: a rollback within the window, which switches the live release (so
the instances behind \"/\") and nothing else; from sending the API call to the first request through the gateway that
lands on the other release, polled every ~1 ms.

| instance change -> traffic, median / p95 / max ms | embedded | nginx |
| --- | --- | --- |
| whole change | $(pick "$eprop" instance_ms) | $(pick "$nprop" instance_ms) |
| of which the API call | $(pick "$eprop" instance_api_ms) | $(pick "$nprop" instance_api_ms) |

nginx reloads for these $changes instance changes: $n_reloads (GET /v1/gateway before and after; target 0). Failed polls:
embedded $(echo "$eprop" | sed -n 's/^poll_errors //p'), nginx $(echo "$nprop" | sed -n 's/^poll_errors //p').

Failed requests (socket errors plus non-2xx answers; target 0) under wrk -t$threads -c$conns (keep-alive, no resend), one
run per change, from 2 s before it until 2 s after it is done; nginx reloads across all of them: $n_reloads_wrk (target 0).

| change under wrk | embedded | nginx |
| --- | --- | --- |
| blue/green upgrade (2 new instances, switch, old ones kept warm) | ${failed[upgrade,embedded]} | ${failed[upgrade,nginx]} |
| scale-down 2 -> 1 (drain, stop) | ${failed[scale_down,embedded]} | ${failed[scale_down,nginx]} |
| scale-up 1 -> 2 | ${failed[scale_up,embedded]} | ${failed[scale_up,nginx]} |
| replacement (one instance unhealthy: drained, stopped, replaced) | ${failed[replacement,embedded]} | ${failed[replacement,nginx]} |
| rollback (switch to the warm release) | ${failed[rollback,embedded]} | ${failed[rollback,nginx]} |
| testbed deployed beside the live release, then discarded | ${failed[testbed,embedded]} | ${failed[testbed,nginx]} |

Load average (1, 5, 15 min) at the end: $load. The machine is shared with other work (other engineers' builds and
tests), so the request totals vary from run to run; the failures are the figure that matters.
"
echo "$report"
write_section "$root/docs/BENCHMARKS.md" "Instance changes (bench/instances.sh)" "$report"
