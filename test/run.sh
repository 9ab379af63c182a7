#!/usr/bin/env bash
# npm test: bring the local stack up if it is down, then run every unit and integration
# test (*.test.ts beside the code, and test/) with Node's test runner.
set -euo pipefail
cd "$(dirname "$0")/.."
node bin/tallyline.js stack up >&2
mapfile -t files < <(find core ingest matcher export dead-letters ledger fixtures app bench test -name '*.test.ts' 2>/dev/null | sort)
exec node --import tsx --test "$@" "${files[@]}"
