#!/usr/bin/env bash
# Gateway benchmark: wrk against (a) one web-service instance directly, (b) Apollo's embedded web
# gateway, (c) nginx configured by hand to proxy the same instance with keep-alive upstreams, (d)
# Apollo's nginx gateway (a second control plane, `apollo up --gateway nginx`, with an instance of
# its own); same connections, threads and duration; then the same four for RPC (POST sayHello to an
# rpc-service instance, through the RPC gateways). Beside req/s and latency, each row has the CPU
# time per request of the proxy (utime+stime from /proc/PID/stat of the gateway processes or the
# nginx workers, over the measured run, divided by its requests) and of the instance: a figure that
# other load on the cores moves far less than req/s. Then, for both gateway modes, route propagation
# (API change -> first request that sees it) and rollback switch time, and for the nginx mode what
# its reloads cost (from its server.log) and how many there were. After the wrk runs, the same eight targets at a fixed
# rate below saturation with an open-loop generator (bench/OpenLoop.java): p50 to max that wrk's closed loop hides. Writes a section of
# docs/BENCHMARKS.md. Loopback only; every run is bounded.
# Knobs: THREADS (2), CONNS (32), DURATION (15s), WARMUP (30s, in seconds: the same wrk before every measured run, in
# 5 s slices whose proxy CPU per request is reported: the embedded gateway's JIT needs it), ROUNDS (20 propagation rounds per mode),
# RATE (5000 req/s), OPEN_DURATION (15, seconds), OPEN_WARMUP (5, seconds): the open-loop rows (bench/OpenLoop.java) after the wrk ones,
# KEEP=1 (leave the data dirs, logs and wrk/Propagation outputs in the work dir, for a closer look).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk.sh"; apollo_find_jdk
. "$root/bench/lib.sh"
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
command -v jq >/dev/null || missing+=(jq)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if ((${#missing[@]})); then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
jar=$root/dist/target/apollo.jar
[ -f "$jar" ] || "$root/apollo" --version >/dev/null   # builds apollo.jar on first use; an existing one is benchmarked as it is

threads=${THREADS:-2}; conns=${CONNS:-32}; duration=${DURATION:-15s}; warmup=${WARMUP:-30s}; rounds=${ROUNDS:-20}
[[ $warmup =~ ^[0-9]+s$ ]] || { echo "gateway.sh: WARMUP=$warmup: expected seconds, such as 30s" >&2; exit 2; }
work=$(mktemp -d /tmp/apollo-bench.XXXXXX)
ehome=$work/embedded   # data dir of the control plane with the embedded gateway
nhome=$work/nginx      # data dir of the control plane with the nginx gateway
ngx=$work/by-hand      # the hand-written nginx
ngx1=$work/by-hand-1   # the same with one worker
mkdir -p "$ehome" "$nhome" "$ngx/logs"
# A private copy of the jar: a build that replaces dist/target/apollo.jar meanwhile cannot reach the running JVMs.
for attempt in 1 2 3 4 5; do
  cp "$jar" "$work/apollo.jar" && "$JAVA_HOME/bin/jar" tf "$work/apollo.jar" >/dev/null 2>&1 && break
  [ "$attempt" = 5 ] && { echo "gateway.sh: $jar is not a readable jar (being rebuilt?)" >&2; exit 1; }
  sleep 10
done
jar_built=$(date -u -r "$jar" +%Y-%m-%dT%H:%MZ)
apollo() { # data-dir args...
  APOLLO_HOME=$1 "$JAVA_HOME/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$work/apollo.jar" "${@:2}"
}
cleanup() {
  [ -f "$ngx/nginx.pid" ] && kill "$(cat "$ngx/nginx.pid")" 2>/dev/null
  [ -f "$ngx1/nginx.pid" ] && kill "$(cat "$ngx1/nginx.pid")" 2>/dev/null
  [ -f "$nhome/server.json" ] && { apollo "$nhome" down >/dev/null 2>&1 || true; }   # stops its nginx too
  [ -f "$ehome/server.json" ] && { apollo "$ehome" down >/dev/null 2>&1 || true; }
  if [ "${KEEP:-0}" = 1 ]; then echo "gateway.sh: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

field() { grep -o '"'"$1"'" *: *"\{0,1\}[^",}]*' | sed -n '1s/^[^:]*: *"\{0,1\}//p'; }   # field NAME < JSON: its first value
api_url() { field url < "$1/server.json"; }
api() { curl -fsS -H "Authorization: Bearer $(cat "$1/token")" "${@:3}" "$(api_url "$1")$2"; }   # data-dir path curl-args...

for h in "$ehome" "$nhome"; do
  if [ "$h" = "$nhome" ]; then mode=(--gateway nginx --nginx "$NGINX"); else mode=(); fi
  apollo "$h" up --detach "${mode[@]}" --listen 127.0.0.1:0 --web 127.0.0.1:0 --rpc 127.0.0.1:0 >/dev/null
  apollo "$h" artifact push "$root/examples/web-service/target/web-service.jar" --name web-service --version 1.0.0 >/dev/null
  apollo "$h" artifact push "$root/examples/web-service/target/web-service.jar" --name web-service --version 2.0.0 >/dev/null
  apollo "$h" artifact-deploy web-service:1.0.0 -n 1 --path / >/dev/null
  apollo "$h" artifact push "$root/examples/rpc-service/target/rpc-service.jar" --name rpc-service --version 1.0.0 >/dev/null
  apollo "$h" artifact-deploy rpc-service:1.0.0 -n 1 >/dev/null
done
[ "$(field kind < "$nhome/gateway.json")" = nginx ] || { echo "gateway.sh: $nhome does not run an nginx gateway" >&2; exit 1; }
instance=$(apollo "$ehome" status web-service -o json | field address)
ninstance=$(apollo "$nhome" status web-service -o json | field address)
gateway=$(field web < "$ehome/gateway.json")
ngateway=$(field web < "$nhome/gateway.json")
rinstance=$(apollo "$ehome" status rpc-service -o json | field address)
nrinstance=$(apollo "$nhome" status rpc-service -o json | field address)
rgateway=$(field rpc < "$ehome/gateway.json")
nrgateway=$(field rpc < "$nhome/gateway.json")

# nginx by hand, as a user would write it: worker_processes auto (one per core), the usual choice, and a second one with a
# single worker, because on these shared cores one proxy thread may do better than one per core (the embedded gateway
# serves with one event loop per two cores).
hand_nginx() { # dir port workers
  mkdir -p "$1/logs"
  cat > "$1/nginx.conf" <<CONF
worker_processes $3;
pid $1/nginx.pid;
error_log $1/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $1/body; proxy_temp_path $1/proxy; fastcgi_temp_path $1/fcgi;
  uwsgi_temp_path $1/uwsgi; scgi_temp_path $1/scgi;
  upstream instance { server $instance; keepalive 64; }
  upstream rpc_instance { server $rinstance; keepalive 64; }
  server {
    listen 127.0.0.1:$2;
    # The same request headers as Apollo's gateways send the instance (X-Forwarded-*, Via), so that the instance
    # does the same work behind each proxy: its CPU per request is in every row.
    location / {
      proxy_pass http://instance;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Host \$host;
      proxy_set_header Via "1.1 nginx";
    }
    location /rpc-service/ {
      proxy_pass http://rpc_instance/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Host \$host;
      proxy_set_header Via "1.1 nginx";
    }
  }
}
CONF
  "$NGINX" -p "$1" -c "$1/nginx.conf"
}
nport=$(( 30000 + RANDOM % 20000 )); nport1=$(( nport + 1 ))
hand_nginx "$ngx" "$nport" auto
hand_nginx "$ngx1" "$nport1" 1

cat > "$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '["bench"]'
wrk.headers["Content-Type"] = "application/json"
LUA

cpu_ticks() { # pid... -> utime+stime of those processes, in clock ticks (a pid gone meanwhile counts 0)
  local total=0 pid ticks
  for pid in "$@"; do
    ticks=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}') || true
    total=$(( total + ${ticks:-0} ))
  done
  echo "$total"
}
listener_pid() { ss -ltnpH "sport = :${1##*:}" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }   # HOST:PORT -> pid
workers_of() { ps -o pid= --ppid "$1" | xargs; }   # nginx master pid -> its workers' pids
embedded_pids() { for f in gateway.json gateway-2.json; do [ -f "$ehome/$f" ] && field pid < "$ehome/$f"; done | xargs; }
hz=$(getconf CLK_TCK)
: > "$work/loads"   # 1-minute load average at the start and end of each measured run, one a line
us_per_request() { awk -v t="$1" -v n="$2" -v hz="$hz" 'BEGIN { if (n > 0) printf "%.1f", t * 1e6 / hz / n; else print "?" }'; }

# The warm-up, in slices of 5 s with the same wrk: the proxy's CPU per request in each slice goes to
# $work/warmup-NAME (one figure a line), which shows how long a JVM takes to be warm and how warm it got.
warm_up() { # url name "proxy pids" [wrk script]
  local script=() left=${warmup%s} slice p0 p1 requests
  [ -n "${4:-}" ] && script=(-s "$4")
  : > "$work/warmup-$2"
  while (( left > 0 )); do
    slice=$(( left < 5 ? left : 5 )); left=$(( left - slice ))
    p0=$(cpu_ticks $3)
    requests=$(wrk -t"$threads" -c"$conns" -d"${slice}s" "${script[@]}" -H 'X-Apollo-Env: production' "$1" 2>/dev/null \
      | awk '/requests in/ {print $1}') || true
    p1=$(cpu_ticks $3)
    if [ -n "$3" ]; then echo "$(us_per_request $(( p1 - p0 )) "${requests:-0}")" >> "$work/warmup-$2"; fi
  done
}

run_wrk() { # url name "proxy pids" "instance pids" [wrk script] -> "req/s p50 p99 proxy-us instance-us errors"; wrk's output stays in $work/wrk-NAME.out
  local script=()
  [ -n "${5:-}" ] && script=(-s "$5")
  warm_up "$1" "$2" "$3" "${5:-}"   # not reported, but for the proxy's CPU per request while warming
  local p0 i0 p1 i1
  p0=$(cpu_ticks $3); i0=$(cpu_ticks $4); cut -d' ' -f1 /proc/loadavg >> "$work/loads"
  wrk -t"$threads" -c"$conns" -d"$duration" --latency "${script[@]}" -H 'X-Apollo-Env: production' "$1" > "$work/wrk-$2.out"
  p1=$(cpu_ticks $3); i1=$(cpu_ticks $4); cut -d' ' -f1 /proc/loadavg >> "$work/loads"
  local rps p50 p99 errors requests
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk-$2.out")
  requests=$(awk '/requests in/ {print $1}' "$work/wrk-$2.out")
  p50=$(awk '$1 == "50%" {print $2}' "$work/wrk-$2.out")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk-$2.out")
  errors=$(awk '/Non-2xx|Socket errors/ {sub(/^ +/, ""); printf "%s ", $0}' "$work/wrk-$2.out")
  local proxy_us=-
  [ -n "$3" ] && proxy_us=$(us_per_request $(( p1 - p0 )) "$requests")
  echo "$rps $p50 $p99 $proxy_us $(us_per_request $(( i1 - i0 )) "$requests") ${errors:-none}"
}
ipid=$(listener_pid "$instance"); nipid=$(listener_pid "$ninstance")
ripid=$(listener_pid "$rinstance"); nripid=$(listener_pid "$nrinstance")
hand_workers=$(workers_of "$(cat "$ngx/nginx.pid")")
hand1_workers=$(workers_of "$(cat "$ngx1/nginx.pid")")
gateway_workers=$(workers_of "$(field pid < "$nhome/gateway.json")")
read -r d_rps d_p50 d_p99 d_cpu d_icpu d_err <<<"$(run_wrk "http://$instance/" direct "" "$ipid")"
read -r g_rps g_p50 g_p99 g_cpu g_icpu g_err <<<"$(run_wrk "http://$gateway/" embedded "$(embedded_pids)" "$ipid")"
read -r n_rps n_p50 n_p99 n_cpu n_icpu n_err <<<"$(run_wrk "http://127.0.0.1:$nport/" by-hand "$hand_workers" "$ipid")"
read -r n1_rps n1_p50 n1_p99 n1_cpu n1_icpu n1_err <<<"$(run_wrk "http://127.0.0.1:$nport1/" by-hand-1 "$hand1_workers" "$ipid")"
# The nginx gateway proxies the second control plane's instance: it gets the same direct run first (warm-up, and a check that the two instances compare).
read -r d2_rps d2_p50 d2_p99 d2_cpu d2_icpu d2_err <<<"$(run_wrk "http://$ninstance/" direct2 "" "$nipid")"
read -r a_rps a_p50 a_p99 a_cpu a_icpu a_err <<<"$(run_wrk "http://$ngateway/" nginx-gateway "$gateway_workers" "$nipid")"
# RPC: the same four, POST sayHello(["bench"]).
post=$work/post.lua
read -r rd_rps rd_p50 rd_p99 rd_cpu rd_icpu rd_err <<<"$(run_wrk "http://$rinstance/sayHello" rpc-direct "" "$ripid" "$post")"
read -r rg_rps rg_p50 rg_p99 rg_cpu rg_icpu rg_err <<<"$(run_wrk "http://$rgateway/rpc-service/sayHello" rpc-embedded "$(embedded_pids)" "$ripid" "$post")"
read -r rn_rps rn_p50 rn_p99 rn_cpu rn_icpu rn_err <<<"$(run_wrk "http://127.0.0.1:$nport/rpc-service/sayHello" rpc-by-hand "$hand_workers" "$ripid" "$post")"
read -r rn1_rps rn1_p50 rn1_p99 rn1_cpu rn1_icpu rn1_err <<<"$(run_wrk "http://127.0.0.1:$nport1/rpc-service/sayHello" rpc-by-hand-1 "$hand1_workers" "$ripid" "$post")"
read -r rd2_rps rd2_p50 rd2_p99 rd2_cpu rd2_icpu rd2_err <<<"$(run_wrk "http://$nrinstance/sayHello" rpc-direct2 "" "$nripid" "$post")"
read -r ra_rps ra_p50 ra_p99 ra_cpu ra_icpu ra_err <<<"$(run_wrk "http://$nrgateway/rpc-service/sayHello" rpc-nginx-gateway "$gateway_workers" "$nripid" "$post")"
load_range=$(sort -n "$work/loads" | sed -n '1p;$p' | xargs | sed 's/ / to /')
warm_curve() { xargs < "$work/warmup-$1" | sed 's/ /, /g'; }   # name -> "a, b, c" (µs per request per 5 s slice)
for out in "$work"/wrk-*.out; do grep -q 'Non-2xx\|Socket errors' "$out" && { echo "== $out"; cat "$out"; } >&2; done

hwm() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }   # peak RSS, MiB
gpid=$(field pid < "$ehome/gateway.json")
npid=$(field pid < "$nhome/gateway.json")
workers=$(ps -o pid= --ppid "$npid" | xargs)
rss_line="embedded gateway JVM $(hwm "$gpid") MiB; nginx gateway: master $(hwm "$npid") MiB, workers $(for w in $workers; do printf '%s ' "$(hwm "$w")"; done | sed 's/ $//; s/ /, /g') MiB"

# Open loop: latency at a fixed request rate below saturation, from bench/OpenLoop.java (wrk2's method: requests on a
# schedule, each latency from its intended send time, so a stall counts against every request due during it; wrk's
# closed loop measures at saturation, where queueing is the point). The same eight targets in the same order, each
# after OPEN_WARMUP seconds of the same load, unrecorded (every target is warm from its wrk runs above already).
rate=${RATE:-5000}; open_duration=${OPEN_DURATION:-15}; open_warmup=${OPEN_WARMUP:-5}
: > "$work/open-loads"
open_loop() { # url name [POST body] -> "achieved p50 p90 p99 p99.9 max generator-late-p99 errors"; OpenLoop's output stays in $work/open-NAME.out
  local post=() kv
  [ -n "${3:-}" ] && post=(--post "$3")
  cut -d' ' -f1 /proc/loadavg >> "$work/open-loads"
  "$JAVA_HOME/bin/java" -XX:+UseSerialGC "$root/bench/OpenLoop.java" "$1" "$rate" "$conns" "$open_duration" "$open_warmup" \
    "${post[@]}" -H 'X-Apollo-Env: production' > "$work/open-$2.out" 2> "$work/open-$2.err"
  cut -d' ' -f1 /proc/loadavg >> "$work/open-loads"
  kv=$(grep '^rate=' "$work/open-$2.out" | tail -1)
  [[ $kv == rate=* ]] || { echo "? ? ? ? ? ? ? OpenLoop failed (see its stderr above)"; return; }
  get() { echo "$kv" | grep -o "\b$1=[^ ]*" | cut -d= -f2; }
  local failed=$(( $(get non2xx) + $(get io_errors) + $(get unsent) )) errors=none
  ((failed == 0)) || errors="$failed of $(get due): $(get non2xx) not 2xx, $(get io_errors) connection errors, $(get unsent) unsent"
  echo "$(get achieved) $(get p50_ms) $(get p90_ms) $(get p99_ms) $(get p999_ms) $(get max_ms) $(get late_p99_ms) $errors"
}
read -r od_rps od_p50 od_p90 od_p99 od_p999 od_max od_late od_err <<<"$(open_loop "http://$instance/" direct)"
read -r og_rps og_p50 og_p90 og_p99 og_p999 og_max og_late og_err <<<"$(open_loop "http://$gateway/" embedded)"
read -r on_rps on_p50 on_p90 on_p99 on_p999 on_max on_late on_err <<<"$(open_loop "http://127.0.0.1:$nport/" by-hand)"
read -r od2_rps od2_p50 od2_p90 od2_p99 od2_p999 od2_max od2_late od2_err <<<"$(open_loop "http://$ninstance/" direct2)"
read -r oa_rps oa_p50 oa_p90 oa_p99 oa_p999 oa_max oa_late oa_err <<<"$(open_loop "http://$ngateway/" nginx-gateway)"
body='["bench"]'
read -r ord_rps ord_p50 ord_p90 ord_p99 ord_p999 ord_max ord_late ord_err <<<"$(open_loop "http://$rinstance/sayHello" rpc-direct "$body")"
read -r org_rps org_p50 org_p90 org_p99 org_p999 org_max org_late org_err <<<"$(open_loop "http://$rgateway/rpc-service/sayHello" rpc-embedded "$body")"
read -r orn_rps orn_p50 orn_p90 orn_p99 orn_p999 orn_max orn_late orn_err <<<"$(open_loop "http://127.0.0.1:$nport/rpc-service/sayHello" rpc-by-hand "$body")"
read -r ord2_rps ord2_p50 ord2_p90 ord2_p99 ord2_p999 ord2_max ord2_late ord2_err <<<"$(open_loop "http://$nrinstance/sayHello" rpc-direct2 "$body")"
read -r ora_rps ora_p50 ora_p90 ora_p99 ora_p999 ora_max ora_late ora_err <<<"$(open_loop "http://$nrgateway/rpc-service/sayHello" rpc-nginx-gateway "$body")"
open_load_range=$(sort -n "$work/open-loads" | sed -n '1p;$p' | xargs | sed 's/ / to /')
# The rate against the slowest target of the closed-loop runs above: below about half of it, every target has room.
lowest_rps=$(printf '%s\n' "$d_rps" "$g_rps" "$n_rps" "$d2_rps" "$a_rps" "$rd_rps" "$rg_rps" "$rn_rps" "$rd2_rps" "$ra_rps" | sort -g | head -1)
for out in "$work"/open-*.err; do [ -s "$out" ] && { echo "== $out"; cat "$out"; } >&2; done

# kill -9 under load, with the same open loop at $rate req/s through the embedded gateway, KILL_DURATION seconds measured
# after 1 s unrecorded; the kill lands about 3 s into the measured part (OpenLoop compiles and connects first, ~1-2 s).
# (a) the gateway's serving process: its standby serves while the control plane starts a new standby;
# (b) one of two web-service instances (scaled from 1 to 2 first, and the pair warmed up with wrk through the gateway as the
# wrk rows were, for WARMUP; then the new one is killed).
kill_duration=${KILL_DURATION:-10}
until_true() { # seconds command... : polls every 100 ms; fails when it gave up
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do ((SECONDS < deadline)) || return 1; sleep 0.1; done
}
kill_under_load() { # url name pid recovered-command -> "sent failed max_ms p999_ms recovered_ms"; OpenLoop's output stays in $work/kill-NAME.out
  local ol kv at back='not within 30 s'
  "$JAVA_HOME/bin/java" -XX:+UseSerialGC "$root/bench/OpenLoop.java" "$1" "$rate" "$conns" "$kill_duration" 1 \
    --timeline -H 'X-Apollo-Env: production' > "$work/kill-$2.out" 2> "$work/kill-$2.err" &
  ol=$!
  sleep 5
  at=$(date +%s%N); kill -9 "$3"
  until_true 30 "$4" && back=$(( ($(date +%s%N) - at) / 1000000 ))
  wait "$ol" || true
  kv=$(grep '^rate=' "$work/kill-$2.out" | tail -1)
  [[ $kv == rate=* ]] || { echo "? ? ? ? $back"; return; }
  get() { echo "$kv" | grep -o "\b$1=[^ ]*" | cut -d= -f2; }
  echo "$(get due) $(( $(get non2xx) + $(get io_errors) + $(get unsent) )) $(get max_ms) $(get p999_ms) $back"
}
gateway_json() { api "$ehome" /v1/gateway; }
restarts0=$(gateway_json | jq .restarts)
gateway_recovered() { # serving again with two live processes, one more restart than before the kill
  local g pid; g=$(gateway_json) || return 1
  [ "$(echo "$g" | jq -r .state)" = serving ] && [ "$(echo "$g" | jq .restarts)" -gt "$restarts0" ] || return 1
  for pid in $(echo "$g" | jq '.pids[]'); do kill -0 "$pid" 2>/dev/null || return 1; done
  [ "$(echo "$g" | jq '.pids | length')" = 2 ]
}
healthy_addresses() { api "$ehome" /v1/environments/production/services/web-service | jq -r '.instances[] | select(.health == "healthy") | .address'; }
two_healthy() { [ "$(healthy_addresses | wc -l)" -ge 2 ]; }
instance_replaced() { [ "$(healthy_addresses | grep -cvx "$killed_instance")" -ge 2 ]; }   # two healthy, neither the killed one
read -r kg_sent kg_failed kg_max kg_p999 kg_back <<<"$(kill_under_load "http://$gateway/" gateway "$(api "$ehome" /v1/gateway | jq .serving)" gateway_recovered)"
apollo "$ehome" scale web-service -n 2 >/dev/null
until_true 60 two_healthy || echo "gateway.sh: web-service did not get 2 healthy instances" >&2
warm_up "http://$gateway/" two-instances ""   # the new instance is cold: its JIT, not the kill, would make the stall
killed_instance=$(healthy_addresses | grep -vx "$instance" | head -1)
read -r ki_sent ki_failed ki_max ki_p999 ki_back <<<"$(kill_under_load "http://$gateway/" instance "$(listener_pid "$killed_instance")" instance_replaced)"
per_second() { grep '^second ' "$work/kill-$1.out" | awk '{ printf "%s%s/%s", (NR > 1 ? ", " : ""), $11, $5 }'; }   # "max ms/failed" of each second
for out in "$work"/kill-*.err; do [ -s "$out" ] && { echo "== $out"; cat "$out"; } >&2; done

status() { api "$nhome" /v1/gateway; }   # the nginx gateway's view: reloads, appliedRoutesVersion, lastApplyMs
propagate() { # data-dir -> Propagation.java output
  apollo "$1" artifact-deploy web-service:2.0.0 -n 1 >/dev/null   # 1.0.0 stays warm as the previous release: rollback is a switch
  "$JAVA_HOME/bin/java" "$root/bench/Propagation.java" "$(api_url "$1")" "$(cat "$1/token")" "$(field web < "$1/gateway.json")" "$rounds"
}
eprop=$(propagate "$ehome"); echo "$eprop" > "$work/propagation-embedded.out"
apollo "$nhome" artifact-deploy web-service:2.0.0 -n 1 >/dev/null
sleep 1   # the deploy's own table changes are applied and logged before counting starts
before=$(status); log_from=$(( $(wc -l < "$nhome/server.log") + 1 ))
nprop=$("$JAVA_HOME/bin/java" "$root/bench/Propagation.java" "$(api_url "$nhome")" "$(cat "$nhome/token")" "$ngateway" "$rounds")
echo "$nprop" > "$work/propagation-nginx.out"
sleep 1   # the last change's reload, if it is still running, lands in the log and the count
after=$(status)
tail -n +"$log_from" "$nhome/server.log" | grep 'nginx serves route table' > "$work/applies.log" || true
reloads=$(( $(echo "$after" | field reloads) - $(echo "$before" | field reloads) ))
tables=$(( $(echo "$after" | field appliedRoutesVersion) - $(echo "$before" | field appliedRoutesVersion) ))
changes=$(echo "$nprop" | sed -n 's/^api_changes //p')

# Burst: route changes sent back to back, without waiting for any to be served.
burst=20
b_before=$(status | field reloads)
b_start=$(date +%s%N)
for i in $(seq 1 "$burst"); do
  api "$nhome" /v1/environments/production/routes -X PUT -H 'Content-Type: application/json' \
    -d "{\"path\":\"/burst-$i\",\"service\":\"web-service\"}" >/dev/null
done
b_sent=$(( ($(date +%s%N) - b_start) / 1000000 ))
b_target=$(api "$nhome" /v1/routes | field version)
until [ "$(status | field appliedRoutesVersion)" -ge "$b_target" ] || [ $(( ($(date +%s%N) - b_start) / 1000000 )) -gt 10000 ]; do sleep 0.005; done
b_served=$(( ($(date +%s%N) - b_start) / 1000000 ))
sleep 1
b_reloads=$(( $(status | field reloads) - b_before ))

stats() { # sed-pattern -> "median X, p95 Y, max Z" over the applies of the propagation rounds
  sed -n "s/.*$1.*/\1/p" "$work/applies.log" | sort -n | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "no applies logged"; exit }
    p = int(NR * 0.95); if (p < NR * 0.95) p++
    printf "%d | %d | %d", v[int(NR / 2) + 1], v[p], v[NR] }'
}
applies=$(wc -l < "$work/applies.log")
pick() { echo "$1" | sed -n "s/^$2 //p" | sed 's/ n=[0-9]*//; s/=/ /g; s/median //; s/ p95 / \/ /; s/ max / \/ /'; }   # "median / p95 / max"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a ~ /^[0-9.]+$/) printf "%.2f", a / b; else printf "?" }'; }
report="## Gateway (bench/gateway.sh)
$(date -u +%Y-%m-%d) on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), $("$NGINX" -v 2>&1), apollo.jar built $jar_built

wrk -t$threads -c$conns -d$duration, each run after an unreported warm-up run of $warmup with the same wrk, against one web-service instance
(web) or one rpc-service instance (RPC: POST sayHello([\"bench\"]), through /rpc-service/sayHello on the gateways). Two control planes run
side by side, each in its own data dir with its own instances: one with the embedded gateway (its instances are the
ones measured directly and the ones the hand-written nginx proxies), one with \`--gateway nginx\`. wrk, the proxies,
the instances and both (idle) control planes share the $(nproc) cores; load average (1 min) during the measured runs: $load_range.
CPU µs/req: utime+stime over the measured run, divided by its requests, of the proxy (both embedded gateway
processes, the serving one and its standby; the nginx workers) and of the instance behind it. nginx by hand runs
\`worker_processes auto\` ($(nproc) workers), as most configurations do, and again with 1 worker on its own port.

| web | req/s | p50 | p99 | proxy CPU µs/req | instance CPU µs/req | errors |
| --- | --- | --- | --- | --- | --- | --- |
| instance directly | $d_rps | $d_p50 | $d_p99 | $d_cpu | $d_icpu | $d_err |
| Apollo embedded gateway | $g_rps | $g_p50 | $g_p99 | $g_cpu | $g_icpu | $g_err |
| nginx by hand, keep-alive upstream | $n_rps | $n_p50 | $n_p99 | $n_cpu | $n_icpu | $n_err |
| nginx by hand, 1 worker | $n1_rps | $n1_p50 | $n1_p99 | $n1_cpu | $n1_icpu | $n1_err |
| Apollo nginx gateway | $a_rps | $a_p50 | $a_p99 | $a_cpu | $a_icpu | $a_err |

req/s ratios: embedded/direct $(ratio "$g_rps" "$d_rps"), embedded/nginx by hand $(ratio "$g_rps" "$n_rps") (1 worker: $(ratio "$g_rps" "$n1_rps")); Apollo nginx/direct $(ratio "$a_rps" "$d2_rps"), Apollo nginx/nginx by hand $(ratio "$a_rps" "$n_rps"); embedded/Apollo nginx $(ratio "$g_rps" "$a_rps").
The nginx gateway's own instance, measured directly just before it (same warm-up and wrk): $d2_rps req/s, p50 $d2_p50, p99 $d2_p99, errors $d2_err; Apollo nginx/direct uses this figure.

| RPC | req/s | p50 | p99 | proxy CPU µs/req | instance CPU µs/req | errors |
| --- | --- | --- | --- | --- | --- | --- |
| instance directly | $rd_rps | $rd_p50 | $rd_p99 | $rd_cpu | $rd_icpu | $rd_err |
| Apollo embedded gateway | $rg_rps | $rg_p50 | $rg_p99 | $rg_cpu | $rg_icpu | $rg_err |
| nginx by hand, keep-alive upstream | $rn_rps | $rn_p50 | $rn_p99 | $rn_cpu | $rn_icpu | $rn_err |
| nginx by hand, 1 worker | $rn1_rps | $rn1_p50 | $rn1_p99 | $rn1_cpu | $rn1_icpu | $rn1_err |
| Apollo nginx gateway | $ra_rps | $ra_p50 | $ra_p99 | $ra_cpu | $ra_icpu | $ra_err |

RPC req/s ratios: embedded/direct $(ratio "$rg_rps" "$rd_rps"), embedded/nginx by hand $(ratio "$rg_rps" "$rn_rps") (1 worker: $(ratio "$rg_rps" "$rn1_rps")); Apollo nginx/direct $(ratio "$ra_rps" "$rd2_rps"), Apollo nginx/nginx by hand $(ratio "$ra_rps" "$rn_rps").
The nginx gateway's own RPC instance directly: $rd2_rps req/s, p50 $rd2_p50, p99 $rd2_p99, errors $rd2_err.
Proxy CPU per request, embedded/nginx by hand: web $(ratio "$g_cpu" "$n_cpu"), RPC $(ratio "$rg_cpu" "$rn_cpu").
Proxy CPU µs/req in each 5 s of the warm-up (a JVM's JIT at work): web embedded $(warm_curve embedded); nginx by hand
$(warm_curve by-hand); Apollo nginx $(warm_curve nginx-gateway). RPC embedded $(warm_curve rpc-embedded); nginx by hand $(warm_curve rpc-by-hand).

Open loop: $rate req/s, spread over $conns keep-alive connections, for ${open_duration} s after ${open_warmup} s of the same load unrecorded
(bench/OpenLoop.java, a small wrk2: requests go out on a fixed schedule and each latency counts from the request's intended send
time, so a stall of the target counts against every request due during it; a connection does not pipeline, so a request due
while its connection waits for an answer goes right after that answer, late). wrk above measures at saturation, the most
each target can do with $conns connections, where queueing is most of the latency; these rows measure what a client sees at a
steady ordinary load. The rate is fixed, not derived from the run, so that runs and rows compare: $rate req/s is
$(ratio "$rate" "$lowest_rps") of the slowest wrk figure of this run ($lowest_rps req/s), $(awk -v r="$rate" -v l="$lowest_rps" 'BEGIN {
  if (l + 0 > 0 && r <= l / 2) print "at most half of what any of the eight targets did saturated: below saturation for all"
  else print "MORE than half of what the slowest target did saturated: that row is near saturation, lower RATE" }').
Same order as the wrk runs, right after them; load average (1 min) during these runs: $open_load_range. Latency in ms.
Generator late: how late the generator's own threads woke for requests due on an idle connection (its share of every latency
on these shared cores: the part a row's figures cannot tell from the target's).

| open loop, $rate req/s | achieved req/s | p50 | p90 | p99 | p99.9 | max | generator late, p99 | failed |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
| web: instance directly | $od_rps | $od_p50 | $od_p90 | $od_p99 | $od_p999 | $od_max | $od_late | $od_err |
| web: Apollo embedded gateway | $og_rps | $og_p50 | $og_p90 | $og_p99 | $og_p999 | $og_max | $og_late | $og_err |
| web: nginx by hand, keep-alive upstream | $on_rps | $on_p50 | $on_p90 | $on_p99 | $on_p999 | $on_max | $on_late | $on_err |
| web: the nginx gateway's instance directly | $od2_rps | $od2_p50 | $od2_p90 | $od2_p99 | $od2_p999 | $od2_max | $od2_late | $od2_err |
| web: Apollo nginx gateway | $oa_rps | $oa_p50 | $oa_p90 | $oa_p99 | $oa_p999 | $oa_max | $oa_late | $oa_err |
| RPC: instance directly | $ord_rps | $ord_p50 | $ord_p90 | $ord_p99 | $ord_p999 | $ord_max | $ord_late | $ord_err |
| RPC: Apollo embedded gateway | $org_rps | $org_p50 | $org_p90 | $org_p99 | $org_p999 | $org_max | $org_late | $org_err |
| RPC: nginx by hand, keep-alive upstream | $orn_rps | $orn_p50 | $orn_p90 | $orn_p99 | $orn_p999 | $orn_max | $orn_late | $orn_err |
| RPC: the nginx gateway's instance directly | $ord2_rps | $ord2_p50 | $ord2_p90 | $ord2_p99 | $ord2_p999 | $ord2_max | $ord2_late | $ord2_err |
| RPC: Apollo nginx gateway | $ora_rps | $ora_p50 | $ora_p90 | $ora_p99 | $ora_p999 | $ora_max | $ora_late | $ora_err |

p99 at $rate req/s, embedded/nginx by hand: web $(ratio "$og_p99" "$on_p99"), RPC $(ratio "$org_p99" "$orn_p99"); Apollo nginx/nginx by hand: web $(ratio "$oa_p99" "$on_p99"), RPC $(ratio "$ora_p99" "$orn_p99").
(Debian's wrk 4.1 is not quite blind to stalls either: before printing, it back-fills latencies longer than its mean interval per
connection, its \`stats_correct\`; but it still measures at saturation.)

kill -9 under load: the same open loop, $rate req/s over $conns connections through the embedded gateway (web), ${kill_duration} s
measured after 1 s unrecorded, with a kill -9 about 3 s into the measured part. Failed: connection errors and answers other than
2xx, of the requests due in the measured part. Max: the longest latency from a request's intended send time, failed ones aside.
Recovered, polled every 100 ms through the API: for the gateway, \`GET /v1/gateway\` says serving, with two live processes and one
more restart; for the instance, two healthy instances of web-service, neither the killed one.

| kill -9 under load | failed | max ms | p99.9 ms | ms from the kill until recovered |
| --- | --- | --- | --- | --- |
| the embedded gateway's serving process (its standby takes over) | $kg_failed of $kg_sent | $kg_max | $kg_p999 | $kg_back |
| one of two web-service instances (the newer one, after a warm-up of both with wrk through the gateway for $warmup) | $ki_failed of $ki_sent | $ki_max | $ki_p999 | $ki_back |

Each second of the measured part, by intended send time, the longest latency in ms / failed requests: gateway process killed
$(per_second gateway); instance killed $(per_second instance).

Peak RSS (VmHWM) after the wrk runs: $rss_line (each worker's figure includes pages it shares with the master).

Change propagation, from sending the API call to the first request through that gateway that sees the change; $rounds rounds per mode, one
change at a time (the next is sent once the previous one is seen), polled every ~1 ms. Route added: a new path rule for web-service, until the
first request on it is no longer the gateway's \"no route\" (the \`/\` rule is taken out for these rounds, or it would answer
every path). Rollback: within the window, a route switch to the warm previous release, until the first request answered by it.

| change, median / p95 / max ms | embedded | nginx |
| --- | --- | --- |
| route added | $(pick "$eprop" route_ms) | $(pick "$nprop" route_ms) |
| rollback (route switch) | $(pick "$eprop" rollback_ms) | $(pick "$nprop" rollback_ms) |
| of which the API call: route added | $(pick "$eprop" route_api_ms) | $(pick "$nprop" route_api_ms) |
| of which the API call: rollback | $(pick "$eprop" rollback_api_ms) | $(pick "$nprop" rollback_api_ms) |

Failed polls (connection closed, counted as not seen yet): embedded $(echo "$eprop" | sed -n 's/^poll_errors //p'), nginx $(echo "$nprop" | sed -n 's/^poll_errors //p').

nginx reload cost: the $applies applies of the nginx rounds above, from the control plane's server.log (\"nginx serves route
table N ... after T ms: rendered and validated in A ms, reloaded and answering in B ms\"):

| ms | median | p95 | max |
| --- | --- | --- | --- |
| T, whole apply | $(stats 'after \([0-9]*\) ms:') |
| A, render + nginx -t | $(stats 'validated in \([0-9]*\) ms') |
| B, reload until the new workers answer with the new config and no old worker accepts | $(stats 'answering in \([0-9]*\) ms') |

Coalescing: the nginx rounds made $changes route changes through the API; the route table advanced $tables versions and nginx
reloaded $reloads times (GET /v1/gateway, before and after). A burst of $burst route changes sent back to back ($b_sent ms for all
the API calls, curl one after the other) was served $b_served ms after the first was sent, with $b_reloads reloads.
"
echo "$report"
write_section "$root/docs/BENCHMARKS.md" "Gateway (bench/gateway.sh)" "$report"
