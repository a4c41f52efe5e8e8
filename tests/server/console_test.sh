#!/usr/bin/env bash
# The console end to end: a real broker, `siaga serve` on the embedded island, the simulated fleet,
# and the page driven in headless Chromium (tests/server/console/console_test.mjs). Keeps a screenshot in
# build/test-artifacts/console.png.
set -euo pipefail
siaga=$1
here=$(cd "$(dirname "$0")" && pwd)
artifacts=${SIAGA_TEST_ARTIFACTS:-$(dirname "$(dirname "$siaga")")/test-artifacts}
if [ ! -d "$here/console/node_modules/playwright-core" ]; then
  echo "playwright-core is not installed: run tools/install-deps" >&2
  exit 1
fi
work=$(mktemp -d)
source "$here/../../tools/stack.sh"
trap 'stack_stop; rm -rf "$work"' EXIT
stack_start "$work" 127.0.0.1:0 --client-id "console-test-$$"
"$siaga" fleet-sim "${stack_mqtt[@]}" --units 26 --rate 1 --duration 0 \
  --client-id "console-sim-$$" >/dev/null 2>&1 &
stack_pids+=($!)
mkdir -p "$artifacts"
node "$here/console/console_test.mjs" "$server_url/" "$artifacts/console.png"
