# Sourced by tools/up, tests/server/console_test.sh and bench/http_load: a Mosquitto broker with the
# configuration siaga generates and `siaga serve` against it, both on loopback, started and
# stopped by the caller's shell. Needs $siaga (the binary) set by the caller.
#   stack_start DIR LISTEN [serve options...]   # sets broker_port, server_url, stack_pids
#   stack_stop                                  # kills what stack_start (and the caller) added
# The broker is the deployed kind: TLS only (a self-signed certificate made here), no anonymous
# clients, passwords and ACL generated from the fleet file. $stack_mqtt holds the options a
# siaga client needs to reach it (--mqtt, --mqtt-ca, --credentials; the user is per command).

stack_pids=()

# The first loopback port nobody answers on, among random high ones.
stack_free_port() {
  local candidate
  for candidate in $(shuf -i 20000-40000 -n 50); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then echo "$candidate"; return; fi
  done
  echo "no free loopback port" >&2
  return 1
}

stack_start() {
  local dir=$1 listen=$2
  shift 2
  broker_port=$(stack_free_port)
  "$siaga" broker-credentials --dir "$dir/credentials" >/dev/null
  "$siaga" broker-certificate --dir "$dir/tls" --host 127.0.0.1 >/dev/null
  "$siaga" broker-config --port "$broker_port" --dir "$dir" \
    --password-file "$dir/credentials/passwords" --acl-file "$dir/credentials/acl" \
    --tls-cert "$dir/tls/broker.crt" --tls-key "$dir/tls/broker.key" >"$dir/mosquitto.conf"
  "$(command -v mosquitto || echo /usr/sbin/mosquitto)" -c "$dir/mosquitto.conf" \
    2>"$dir/mosquitto.err" &
  stack_pids+=($!)
  stack_mqtt=(--mqtt "127.0.0.1:$broker_port" --mqtt-ca "$dir/tls/broker.crt"
    --credentials "$dir/credentials/credentials.json")
  "$siaga" serve --listen "$listen" --state "$dir/state" "${stack_mqtt[@]}" "$@" \
    >"$dir/serve.out" 2>"$dir/serve.err" &
  local server=$!
  stack_pids+=($server)
  for _ in $(seq 300); do  # ready within 60 s, or say why not
    grep -q '"ready":true' "$dir/serve.out" 2>/dev/null && break
    kill -0 $server 2>/dev/null || break
    sleep 0.2
  done
  server_url=$(grep -o '"listen":"[^"]*"' "$dir/serve.out" | cut -d'"' -f4 || true)
  if [ -z "$server_url" ]; then
    cat "$dir/serve.err" >&2
    echo "siaga serve did not start" >&2
    return 1
  fi
}

stack_stop() {
  # Last started first, each waited for: the simulator flushes to a broker still there (rather
  # than waiting a minute for one that is gone), then the server stops, then the broker.
  local i
  for ((i = ${#stack_pids[@]} - 1; i >= 0; i--)); do
    kill "${stack_pids[i]}" 2>/dev/null || true
    wait "${stack_pids[i]}" 2>/dev/null || true
  done
}
