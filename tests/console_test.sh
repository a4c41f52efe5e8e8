#!/usr/bin/env bash
# The console end to end: a real broker, `siaga serve` on the embedded island, the simulated fleet,
# and the page driven in headless Chromium (tests/console/console_test.mjs). Keeps a screenshot in
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
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port=""
for candidate in $(shuf -i 20000-40000 -n 50); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
"$siaga" broker-config --port "$port" --dir "$work" >"$work/mosquitto.conf"
"$(command -v mosquitto || echo /usr/sbin/mosquitto)" -c "$work/mosquitto.conf" &
pids+=($!)
"$siaga" serve --listen 127.0.0.1:0 --mqtt "127.0.0.1:$port" --state "$work/state" \
  --client-id "console-test-$$" >"$work/serve.out" 2>"$work/serve.err" &
pids+=($!)
for _ in $(seq 300); do
  grep -q '"ready":true' "$work/serve.out" 2>/dev/null && break
  sleep 0.1
done
url=$(grep -o '"listen":"[^"]*"' "$work/serve.out" | cut -d'"' -f4 || true)
[ -n "$url" ] || { cat "$work/serve.err" >&2; echo "siaga serve did not start" >&2; exit 1; }
"$siaga" fleet-sim --mqtt "127.0.0.1:$port" --units 26 --rate 1 --duration 0 \
  --client-id "console-sim-$$" >/dev/null 2>&1 &
pids+=($!)
mkdir -p "$artifacts"
node "$here/console/console_test.mjs" "$url/" "$artifacts/console.png"
