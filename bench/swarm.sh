#!/usr/bin/env bash
# Swarm benchmark: the Java base image and a jar's image (size, build time, reuse), then deploys of the
# example to healthy through the Swarm scheduler (-n 1, -n 10) beside `docker service create` of the same
# image and launch by hand (the engine's floor). Needs a Swarm manager (bin/docker.sh makes one). Rebuilds
# the images. Prints table rows for docs/BENCHMARKS.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk.sh"; apollo_find_jdk
. "$root/bin/docker.sh"; apollo_ensure_docker
cd "$root"
mvn -B -q -pl scheduler-swarm -am verify -Dsurefire.failIfNoSpecifiedTests=false -Dtest=SwarmBenchmark \
  -Dapollo.bench=true | grep '^|'
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
