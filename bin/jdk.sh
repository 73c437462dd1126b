# Sourced by ./apollo, ./test and .ci/run: picks a JDK >= 21 and exports JAVA_HOME.
# Order: $JAVA_HOME if it is new enough, then the JDKs under /usr/lib/jvm, newest first.

apollo_java_major() { # prints the major version of the java binary in $1/bin, or nothing
  local line
  line=$("$1/bin/java" -version 2>&1 | head -n 1) || return 0
  line=${line#*\"}; line=${line%%\"*}; line=${line#1.}
  printf '%s\n' "${line%%[.+-]*}"
}

apollo_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    candidate=${candidate%/}
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(apollo_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  {
    echo "apollo: no JDK 21 or newer found."
    echo "  Looked at JAVA_HOME (${JAVA_HOME:-unset}) and /usr/lib/jvm/*."
    echo "  Install one (e.g. 'apt-get install openjdk-21-jdk-headless' or Temurin 21+) or set JAVA_HOME to it."
  } >&2
  return 1
}
