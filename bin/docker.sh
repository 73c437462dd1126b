# Sourced by ./test and .ci/run: the Swarm scheduler's tests need a Docker engine that is a Swarm
# manager. apollo_ensure_docker makes sure one answers: it installs Debian's docker.io when dockerd
# is missing (root with apt-get), starts dockerd when no engine answers, and runs
# `docker swarm init` when the engine is not a manager yet. An engine that already runs is left as
# it is (only made a manager). Fast when all is there: one `docker info`.
#
# A dockerd started here keeps Docker's defaults (socket /var/run/docker.sock, data in
# /var/lib/docker, so built images stay cached between runs) with its pid file and log in
# $APOLLO_DOCKER_DIR (default /var/lib/apollo-docker); it outlives the tests, for the next run.
# Stop it with: kill "$(cat /var/lib/apollo-docker/dockerd.pid)"

APOLLO_DOCKER_DIR=${APOLLO_DOCKER_DIR:-/var/lib/apollo-docker}

apollo_docker_state() { # prints "<LocalNodeState> <ControlAvailable>", or fails when no engine answers
  docker info --format '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}' 2>/dev/null
}

apollo_ensure_docker() {
  local state
  state=$(apollo_docker_state) && [ "$state" = "active true" ] && return 0
  if ! command -v docker >/dev/null || ! { command -v dockerd >/dev/null || [ -x /usr/sbin/dockerd ]; }; then
    apollo_install_docker || return 1
  fi
  # One caller at a time starts the engine and initialises the swarm (./test runs may overlap).
  mkdir -p "$APOLLO_DOCKER_DIR" || return 1
  (
    flock 9
    apollo_docker_state >/dev/null || apollo_start_dockerd || exit 1
    state=$(apollo_docker_state)
    case "$state" in
      "active true") ;;
      inactive*)
        echo "apollo: making the Docker engine a Swarm manager (docker swarm init --advertise-addr 127.0.0.1)..." >&2
        docker swarm init --advertise-addr 127.0.0.1 >/dev/null || exit 1 ;;
      *)
        echo "apollo: the Docker engine is in a swarm but not a manager ($state): the Swarm scheduler's tests" \
          "need a manager. Run them on a manager, or 'docker swarm leave' then 'docker swarm init --advertise-addr 127.0.0.1'." >&2
        exit 1 ;;
    esac
  ) 9>"$APOLLO_DOCKER_DIR/lock"
}

apollo_install_docker() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "apollo: installing docker.io for the Swarm scheduler's tests..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null && return 0
  fi
  echo "apollo: the tests need a Docker engine (the Swarm scheduler runs on one): apt-get install docker.io" >&2
  return 1
}

apollo_start_dockerd() {
  local dockerd waited=0
  if [ "$(id -u)" != 0 ]; then
    echo "apollo: no Docker engine answers and only root can start one: start dockerd (as root), then run again." >&2
    return 1
  fi
  dockerd=$(command -v dockerd || echo /usr/sbin/dockerd)
  # A pid file left by a dockerd that was killed stops the next one from starting when its pid
  # has been reused meanwhile; no engine answers, so whatever it names is not ours to keep.
  local pidfile="$APOLLO_DOCKER_DIR/dockerd.pid" old
  if [ -f "$pidfile" ]; then
    old=$(cat "$pidfile" 2>/dev/null)
    if [ -z "$old" ] || ! grep -qs dockerd "/proc/$old/comm"; then rm -f "$pidfile"; fi
  fi
  echo "apollo: starting dockerd (log: $APOLLO_DOCKER_DIR/dockerd.log)..." >&2
  # setsid: its own session, so it outlives this shell and a Ctrl-C of the tests; 9>&-: it must
  # not hold the lock apollo_ensure_docker takes, or the next caller would wait on it forever.
  setsid "$dockerd" --pidfile "$APOLLO_DOCKER_DIR/dockerd.pid" </dev/null >>"$APOLLO_DOCKER_DIR/dockerd.log" 2>&1 9>&- &
  until apollo_docker_state >/dev/null; do
    if ! kill -0 $! 2>/dev/null; then
      echo "apollo: dockerd exited at start; the end of its log ($APOLLO_DOCKER_DIR/dockerd.log):" >&2
      tail -n 20 "$APOLLO_DOCKER_DIR/dockerd.log" >&2
      return 1
    fi
    if [ "$waited" -ge 300 ]; then # tenths of a second
      echo "apollo: dockerd did not answer within 30 s; see $APOLLO_DOCKER_DIR/dockerd.log" >&2
      return 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
}
