#!/usr/bin/env bash
# The performance work must change no trace by a byte: prints one sha256 per built-in scenario's
# `run --json` output (c10k: its first LINES lines, default 200000; LINES=0 for all of it), and of
# `--state --at` at a few steps (the view model). Run it before and after a change
# and diff the two outputs:  bench/same-traces.sh > /tmp/before.txt; … ; bench/same-traces.sh | diff /tmp/before.txt -
# Uses dist/ (npm run build first).
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${LINES:-200000}
bin="node bin/netflow-tui.js"
for f in scenarios/*.yaml; do
  name=$(basename "$f" .yaml)
  if [ "$name" = c10k ] && [ "$LINES" != 0 ]; then
    sum=$($bin run --json "$name" 2>/dev/null | head -n "$LINES" | sha256sum | cut -c1-16) || true
  else
    sum=$($bin run --json "$name" 2>/dev/null | sha256sum | cut -c1-16) || true
  fi
  echo "$name run --json $sum"
  [ "$name" = c10k ] && continue
  for at in 0 7 40 123; do
    s=$($bin run --state --at "$at" "$name" 2>/dev/null | sha256sum | cut -c1-16) || true
    echo "$name --state --at $at $s"
  done
done
