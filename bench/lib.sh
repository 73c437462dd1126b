# Shared by the bench scripts: sourced, not run.

# Replaces (or appends) the section "## TITLE" of docs/BENCHMARKS.md with REPORT, which starts with that heading.
write_section() { # doc title report
  local doc=$1 title=$2 report=$3 tmp
  [ -f "$doc" ] || printf '# Benchmarks\n\nFigures from the scripts in bench/, the newest run of each section.\n' > "$doc"
  tmp=$(mktemp)
  awk -v title="## $title" '
    $0 == title { skip = 1; next }
    skip && /^## / { skip = 0 }
    !skip { print }
  ' "$doc" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' > "$tmp"
  printf '\n%s\n' "$report" >> "$tmp"
  mv "$tmp" "$doc"
}
