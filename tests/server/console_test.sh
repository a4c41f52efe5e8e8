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
# The citizens' listener over HTTPS with the stack's self-signed certificate (made for 127.0.0.1).
stack_start "$work" 127.0.0.1:0 --client-id "console-test-$$" --public-listen 127.0.0.1:0 \
  --public-cert "$work/tls/broker.crt" --public-key "$work/tls/broker.key"
public_url=$(grep -o '"public":"[^"]*"' "$work/serve.out" | cut -d'"' -f4)
"$siaga" fleet-sim "${stack_mqtt[@]}" --units 26 --rate 1 --duration 0 --respond \
  --client-id "console-sim-$$" >/dev/null 2>&1 &
stack_pids+=($!)
mkdir -p "$artifacts"
node "$here/console/console_test.mjs" "$server_url/" "$artifacts/console.png" "$public_url"
