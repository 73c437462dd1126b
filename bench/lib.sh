# Shared by the bench scripts: sourced, not run.

# Replaces the section "## TITLE" of docs/BENCHMARKS.md with REPORT, which starts with that heading, where
# the section stands (or appends it when there is none).
write_section() { # doc title report
  local doc=$1 title=$2 report=$3 tmp body
  [ -f "$doc" ] || printf '# Benchmarks\n\nFigures from the scripts in bench/, the newest run of each section.\n' > "$doc"
  tmp=$(mktemp); body=$(mktemp)
  printf '%s\n' "$report" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' > "$body"
  awk -v title="## $title" -v body="$body" '
    function put(  line) { while ((getline line < body) > 0) print line; close(body); done = 1 }
    $0 == title { skip = 1; put(); next }
    skip && /^## / { skip = 0; print "" }
    !skip { print }
    END { if (!done) { print ""; put() } }
  ' "$doc" > "$tmp"
  rm -f "$body"
  mv "$tmp" "$doc"
}
