#!/usr/bin/env bash
# Dashboard benchmark: first paint of the overview with 50 services x 3 environments in headless
# Chromium (DashboardBench, run through failsafe against the real apollo.jar). Writes a section of
# docs/BENCHMARKS.md. Needs chromium and chromium-driver (bin/chromium.sh installs them as root).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk.sh"; apollo_find_jdk
. "$root/bin/chromium.sh"; apollo_ensure_chromium
. "$root/bench/lib.sh"
cd "$root"
mvn -B -q -pl dist -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=DashboardBench >/dev/null
line=$(cat dist/target/dashboard-bench.txt)
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$line"; }
report="## Dashboard (bench/dashboard.sh)

$(date -u +%Y-%m-%d), $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), Chromium $(field chromium) headless,
the overview of $(field cells) cells (50 services x 3 environments, releases of 0 instances), $(field loads) fresh loads:

| from navigation start to | median | slowest |
| --- | --- | --- |
| the overview table on screen (a frame after it is built) | $(field overview_painted_ms_median) ms | $(field overview_painted_ms_max) ms |
| first contentful paint (the page's header) | $(field first_contentful_paint_ms_median) ms | |

Each load fetches the page, its ES modules, the session, the last 2,000 events, every service's status and the
environments, then builds the table with textContent only. The target is under 1 s. Load average at the end:
$(cut -d' ' -f1-3 /proc/loadavg)."
write_section "$root/docs/BENCHMARKS.md" "Dashboard (bench/dashboard.sh)" "$report"
echo "$report"
