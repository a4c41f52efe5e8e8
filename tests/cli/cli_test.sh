#!/usr/bin/env bash
# The `siaga` command as a user meets it: exit codes, JSON on stdout, one-line errors on stderr.
set -u
siaga="$1"
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SIAGA_CACHE_DIR="$work/cache"
failures=0
passes=0

check() {  # check NAME EXPECTED_EXIT PATTERN -- command...
  local name=$1 expected=$2 pattern=$3
  shift 4
  "$@" >"$work/out" 2>"$work/err"
  local status=$?
  if [ "$expected" = "fail" ]; then
    if [ $status -eq 0 ]; then echo "FAIL $name: exit 0, expected failure"; failures=$((failures + 1)); return; fi
    if [ "$(wc -l <"$work/err")" -ne 1 ]; then echo "FAIL $name: error is not one line:"; cat "$work/err"; failures=$((failures + 1)); return; fi
    if ! grep -q -- "$pattern" "$work/err"; then echo "FAIL $name: stderr lacks '$pattern':"; cat "$work/err"; failures=$((failures + 1)); return; fi
  else
    if [ $status -ne 0 ]; then echo "FAIL $name: exit $status"; cat "$work/err"; failures=$((failures + 1)); return; fi
    if ! grep -q -- "$pattern" "$work/out"; then echo "FAIL $name: stdout lacks '$pattern'"; head -20 "$work/out"; failures=$((failures + 1)); return; fi
  fi
  passes=$((passes + 1))
}

check help ok "Subcommands" -- "$siaga" --help
for command in import route facilities synth-ambon; do
  check "help-$command" ok "Usage" -- "$siaga" "$command" --help
done
check route-builds-graph ok '"type": "LineString"' -- "$siaga" route --from -3.6960,128.1830 --to -3.7106,128.0892
grep -q "building" "$work/err" || { echo "FAIL route-builds-graph: no build note"; failures=$((failures + 1)); }
check route-reuses-graph ok '"schematic": true' -- "$siaga" route --from -3.6960,128.1830 --to -3.6480,128.1960
if grep -q "building" "$work/err"; then echo "FAIL route-reuses-graph: graph was rebuilt"; failures=$((failures + 1)); fi
check route-fields ok '"from_snap_m"' -- "$siaga" route --from -3.6960,128.1830 --to -3.6480,128.1960
check malformed fail "malformed coordinates" -- "$siaga" route --from abc --to -3.6960,128.1830
check malformed-lon fail "longitude is not a number" -- "$siaga" route --from -3.69,12x --to -3.6960,128.1830
check out-of-range fail "latitude out of range" -- "$siaga" route --from 95,128 --to -3.6960,128.1830
check sea fail "from the nearest road" -- "$siaga" route --from -3.7600,128.0500 --to -3.6960,128.1830
check off-island fail "outside the road network" -- "$siaga" route --from -6.2,106.8 --to -3.6960,128.1830
check facilities ok "RSUD dr. M. Haulussy" -- "$siaga" facilities --kind hospital
check facilities-bad-kind fail "kind" -- "$siaga" facilities --kind bakery
check import ok '"components_dropped": 1' -- "$siaga" import --out "$work/island.graph"
printf 'SIAGAGRFgarbage' >"$work/bad.graph"
check corrupt-graph fail "truncated" -- "$siaga" route --osm "$work/none.osm.pbf" --graph "$work/bad.graph" --from -3.6960,128.1830 --to -3.6480,128.1960
check missing-osm fail "not found" -- "$siaga" import --osm "$work/none.osm.pbf" --out "$work/x.graph"
check import-turn-restrictions ok '"via way (not supported)": 1' -- "$siaga" import \
  --osm "$source_dir/tests/data/junctions.osm" --out "$work/junctions.graph"
check import-turn-restrictions-applied ok '"applied": 3' -- "$siaga" import \
  --osm "$source_dir/tests/data/junctions.osm" --out "$work/junctions.graph"
# North up 2–5 then left into 5–4 is forbidden (relation 1): round by 2, 1 and 4, 3 km not 1 km.
check route-turn-restriction ok '"distance_m": 29' -- "$siaga" route \
  --osm "$source_dir/tests/data/junctions.osm" --graph "$work/junctions-route.graph" \
  --from -3.6955,128.109 --to -3.691,128.1045
roads="$source_dir/tests/data/roads"
check import-roads ok '"no road class (no `highway` value)": 2' -- "$siaga" import \
  --roads "$roads/inventory.geojson" --mapping "$roads/inventory-mapping.json" --out "$work/inv.graph"
check import-roads-no-crs fail "no coordinate reference system" -- "$siaga" import \
  --roads "$roads/no-crs.csv" --out "$work/x.graph"
check import-roads-bad-mapping fail "road mapping" -- "$siaga" import \
  --roads "$roads/inventory.geojson" --mapping "$roads/mixed.geojson" --out "$work/x.graph"

hazards="$(dirname "$0")/../../geodata/ambon/hazards-illustrative.geojson"
check route-vehicle ok '"vehicle": "fire_truck"' -- "$siaga" route --from -3.6960,128.1830 --to -3.6700,128.2000 --vehicle fire_truck --hazards "$hazards"
check route-hazard-on-route ok '"on_route"' -- "$siaga" route --from -3.6960,128.1830 --to -3.6700,128.2000 --vehicle fire_truck --hazards "$hazards"
check route-no-route fail "closed to ambulance" -- "$siaga" route --from -3.6960,128.1830 --to -3.6700,128.2000 --vehicle ambulance --hazards "$hazards"
check route-unknown-vehicle fail "unknown vehicle 'tank'" -- "$siaga" route --from -3.6960,128.1830 --to -3.6700,128.2000 --vehicle tank
check route-unknown-zone fail "unknown hazard zone 'nope'" -- "$siaga" route --from -3.6960,128.1830 --to -3.6700,128.2000 --hazards "$hazards" --active nope
printf 'from_lat,from_lon,to_lat,to_lon\n-3.6960,128.1830,-3.7106,128.0892\n-3.7600,128.0500,-3.6960,128.1830\nbad line\n' >"$work/pairs.csv"
check batch ok "^unreachable,point" -- "$siaga" route --batch "$work/pairs.csv" --vehicle ambulance
if [ "$(wc -l <"$work/out")" -ne 3 ] || ! head -1 "$work/out" | grep -Eq '^[0-9.]+,[0-9.]+$' || ! tail -1 "$work/out" | grep -q '^error,'; then
  echo "FAIL batch: expected 3 answers in order"; cat "$work/out"; failures=$((failures + 1)); fi
check isochrone ok '"band_minutes":8' -- "$siaga" isochrone --from -3.6950,128.1800 --minutes 4,8 --vehicle fire_truck
check isochrone-bad-minutes fail "bad --minutes" -- "$siaga" isochrone --from -3.6950,128.1800 --minutes 4,x
check graph-export ok '"edges": ' -- "$siaga" graph export --out "$work/edges.geojson" --hazards "$hazards" --active flood-wai-tomu-25cm
if ! grep -q '"time_s_fire_truck"' "$work/edges.geojson"; then echo "FAIL graph-export: no per-vehicle times"; failures=$((failures + 1)); fi
check graph-export-bad-ext fail "must end in .gpkg or .geojson" -- "$siaga" graph export --out "$work/edges.txt"

fleet="$(dirname "$0")/../../geodata/ambon/fleet-sample.json"
check synth-fleet ok '"sample":true' -- "$siaga" synth-fleet --out "$work/fleet.json"
cmp -s "$work/fleet.json" "$fleet" || { echo "FAIL synth-fleet: differs from the committed sample fleet"; failures=$((failures + 1)); }
check broker-config ok "persistence true" -- "$siaga" broker-config --port 1999 --dir "$work/broker"
check broker-credentials ok '"users":' -- "$siaga" broker-credentials --dir "$work/creds"
grep -q "^user AMB-01$" "$work/creds/acl" && grep -q "^topic write siaga/v1/units/AMB-01/#$" "$work/creds/acl" || { echo "FAIL broker-credentials: ACL"; failures=$((failures + 1)); }
grep -q '^AMB-01:\$7\$' "$work/creds/passwords" || { echo "FAIL broker-credentials: passwords not hashed"; failures=$((failures + 1)); }
[ "$(stat -c %a "$work/creds/credentials.json")" = 600 ] || { echo "FAIL broker-credentials: credentials readable by others"; failures=$((failures + 1)); }
check broker-credentials-region ok '"users":' -- "$siaga" broker-credentials --dir "$work/creds-81.71" --region 81.71
grep -q "^topic write siaga/v2/81.71/units/AMB-01/#$" "$work/creds-81.71/acl" || { echo "FAIL broker-credentials-region: ACL"; failures=$((failures + 1)); }
grep -q "^user AMB-01@81.71$" "$work/creds-81.71/acl" || { echo "FAIL broker-credentials-region: the region's user name"; failures=$((failures + 1)); }
check broker-credentials-bad-region fail "not a Kepmendagri area code" -- "$siaga" broker-credentials --dir "$work/creds-x" --region 81/71
check broker-config-auth ok "allow_anonymous false" -- "$siaga" broker-config --port 1999 --dir "$work/broker" --password-file "$work/creds/passwords" --acl-file "$work/creds/acl"
check broker-certificate ok '"certificate":' -- "$siaga" broker-certificate --dir "$work/tls"
openssl x509 -in "$work/tls/broker.crt" -noout -ext subjectAltName 2>/dev/null | grep -q "IP Address:127.0.0.1" || { echo "FAIL broker-certificate: no subjectAltName 127.0.0.1"; failures=$((failures + 1)); }
[ "$(stat -c %a "$work/tls/broker.key")" = 600 ] || { echo "FAIL broker-certificate: key readable by others"; failures=$((failures + 1)); }
check broker-certificate-bad-host fail "not a host name" -- "$siaga" broker-certificate --dir "$work/tls2" --host "x';rm -rf /"
check broker-config-tls ok "certfile $work/tls/broker.crt" -- "$siaga" broker-config --port 1999 --dir "$work/broker" --tls-cert "$work/tls/broker.crt" --tls-key "$work/tls/broker.key"
check broker-config-tls-half fail "go together" -- "$siaga" broker-config --port 1999 --dir "$work/broker" --tls-cert "$work/tls/broker.crt"
check track-bad-credentials fail "no MQTT user nobody" -- "$siaga" track --mqtt 127.0.0.1:9 --state "$work/st9" --credentials "$work/creds/credentials.json" --mqtt-user nobody
check units-no-state fail "no state directory" -- "$siaga" units --state "$work/nowhere"
printf '{"units":[{"id":"A B","type":"ambulance","home":{"lat":-3.7,"lon":128.2}}]}' >"$work/bad-fleet.json"
check units-bad-fleet fail "unit 1: id" -- "$siaga" units --fleet "$work/bad-fleet.json" --state "$work"
printf '{"units":[{"id":"A1","type":"tank","home":{"lat":-3.7,"lon":128.2}}]}' >"$work/bad-fleet.json"
check units-bad-type fail "type \"tank\"" -- "$siaga" units --fleet "$work/bad-fleet.json" --state "$work"
check fleet-sim-too-many fail "fewer than --units" -- "$siaga" fleet-sim --units 1000 --duration 1
check track-bad-endpoint fail "is not HOST:PORT" -- "$siaga" track --mqtt 127.0.0.1:99999 --state "$work/st"

# The dispatcher's question offline (every unit at home) and from a running server.
check nearest-offline ok '"unit_id": "AMB-' -- "$siaga" nearest --at -3.6960,128.1830 --type medical --fleet "$fleet"
check nearest-offline-k ok '"rank": 2' -- "$siaga" nearest --at -3.6960,128.1830 --type fire --k 2 --fleet "$fleet"
check nearest-table ok "^1\. AMB-" -- "$siaga" nearest --at -3.6960,128.1830 --type medical --fleet "$fleet" --table
check nearest-bad-type fail 'unknown incident type "alien"' -- "$siaga" nearest --at -3.6960,128.1830 --type alien --fleet "$fleet"
check nearest-sea fail "from the nearest road" -- "$siaga" nearest --at -3.7600,128.0500 --type medical --fleet "$fleet"
check nearest-no-server fail "is \`siaga serve\` running" -- "$siaga" nearest --at -3.6960,128.1830 --type medical --server 127.0.0.1:9
"$siaga" serve --listen 127.0.0.1:0 --mqtt none --state "$work/serve-state" >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
for _ in $(seq 300); do grep -q '"ready":true' "$work/serve.out" && break; sleep 0.1; done
server=$(grep -o '"listen":"http://[^"]*"' "$work/serve.out" | cut -d/ -f3 | tr -d '"')
check nearest-server ok '"not_available"' -- "$siaga" nearest --at -3.6960,128.1830 --type medical --server "$server"
check nearest-server-refuses fail "the server refused: unknown incident type" -- "$siaga" nearest --at -3.6960,128.1830 --type alien --server "$server"
check serve-busy-port fail "cannot listen on" -- timeout 60 "$siaga" serve --listen "$server" --mqtt none --state "$work/serve-state2"
check promote-unpaired fail "not part of a hot-standby pair" -- "$siaga" promote --server "$server"
check promote-no-server fail "no answer from 127.0.0.1:9" -- "$siaga" promote --server 127.0.0.1:9
check serve-standby-no-broker fail "needs a broker" -- timeout 60 "$siaga" serve --listen 127.0.0.1:0 --mqtt none --standby-of "http://$server" --state "$work/serve-state5"
check serve-bad-region fail "not a Kepmendagri area code" -- timeout 60 "$siaga" serve --listen 127.0.0.1:0 --mqtt none --region 81.7 --state "$work/serve-state3"
# Maluku Tengah's server beside it, asking the first for mutual aid on every recommendation.
"$siaga" serve --listen 127.0.0.1:0 --mqtt none --region 81.01 --neighbour "http://$server" \
  --state "$work/serve-state4" >"$work/region.out" 2>"$work/region.err" &
region_pid=$!
for _ in $(seq 300); do grep -q '"ready":true' "$work/region.out" && break; sleep 0.1; done
grep -q '"topics":"siaga/v2/81.01"' "$work/region.out" || { echo "FAIL serve-region: topics"; cat "$work/region.out"; failures=$((failures + 1)); }
region_server=$(grep -o '"listen":"http://[^"]*"' "$work/region.out" | cut -d/ -f3 | tr -d '"')
check nearest-mutual-aid ok '"neighbour": "http://'"$server"'"' -- "$siaga" nearest --at -3.6960,128.1830 --type medical --server "$region_server"
kill -TERM $region_pid; wait $region_pid
# A 112 call through the server's API, then read back from its history by the command line.
incident=$(curl -s -X POST "http://$server/v1/incidents" -H 'Idempotency-Key: cli-1' \
  -d '{"lat":-3.6930,"lon":128.1820,"class":"medical","note":"collapsed at the market"}' |
  grep -o '"id":"112-[0-9-]*"' | cut -d'"' -f4)
[ -n "$incident" ] || { echo "FAIL incident-create: no id"; failures=$((failures + 1)); }
curl -s -X POST "http://$server/v1/incidents/$incident/units" -d '{"unit_id":"AMB-01"}' >"$work/sent.json"
grep -q '"dispatched":\["AMB-01"\]' "$work/sent.json" || { echo "FAIL incident-dispatch:"; cat "$work/sent.json"; failures=$((failures + 1)); }
# Live coverage and move-ups from the running server's units (they have no fixes here: none
# available, nothing covered, nothing to move).
curl -s "http://$server/v1/coverage/live" | grep -q '"scenario":"baseline"' ||
  { echo "FAIL coverage-live"; failures=$((failures + 1)); }
curl -s "http://$server/v1/moveups" | grep -q '"moveups":\[' ||
  { echo "FAIL moveups"; failures=$((failures + 1)); }
curl -s -X POST "http://$server/v1/incidents/$incident/close" -d '{"cancel":true}' | grep -q '"status":"cancelled"' ||
  { echo "FAIL incident-close"; failures=$((failures + 1)); }
kill -TERM $serve_pid; wait $serve_pid
serve_status=$?
if [ $serve_status -ne 0 ] || ! grep -q '"stopped":true' "$work/serve.out"; then
  echo "FAIL serve-stops: exit $serve_status"; cat "$work/serve.err"; failures=$((failures + 1)); fi
# The planner's simulation, and a stream file it refuses naming the field.
check simulate ok '"simulated_days_per_second"' -- "$siaga" simulate --days 3 --seed 2
check simulate-both-md ok "^| moveup |" -- "$siaga" simulate --days 1 --load 2 --policy both --format md
check simulate-flood ok '"flood_kecamatan"' -- "$siaga" simulate --days 1 --flood-day --png "$work/simulate.png"
sed 's/"reports_per_day": 4.04/"reports_per_day": 0/' "$source_dir/tools/dispatch/incident-stream-ambon.json" >"$work/stream.json"
check simulate-bad-rate fail '"reports_per_day" must be > 0' -- "$siaga" simulate --scenario "$work/stream.json"
check simulate-bad-days fail "days must be > 0" -- "$siaga" simulate --days 0
check drill-no-server fail "does not answer /health" -- "$siaga" drill --server 127.0.0.1:9 --mqtt 127.0.0.1:9 --no-crews --minutes 0.1
check report ok '"calls": 1' -- "$siaga" report --state "$work/serve-state" --png "$work/report.png"
head -c 4 "$work/report.png" | grep -q PNG || { echo "FAIL report: no PNG"; failures=$((failures + 1)); }
check report-md ok "^# Response times" -- "$siaga" report --state "$work/serve-state" --format md
check report-csv ok "^group_kind,group,interval" -- "$siaga" report --state "$work/serve-state" --format csv --from 2020-01-01
check report-bad-date fail "neither a date" -- "$siaga" report --state "$work/serve-state" --from yesterday
check report-no-history fail "no incident history" -- "$siaga" report --state "$work/nowhere"
check export-csv ok "^$incident,.*\"AMB-01\"" -- "$siaga" incidents export --state "$work/serve-state"
check export-geojson ok '"FeatureCollection"' -- "$siaga" incidents export --state "$work/serve-state" --format geojson
# The trackers' listener of a running server: Traccar Client (OsmAnd), OwnTracks (HTTP) and a
# Traccar server's forwarding, each device mapped to its unit in the fleet file.
python3 - "$source_dir/geodata/ambon/fleet-sample.json" "$work/fleet-trackers.json" <<'PY'
import json, sys
fleet = json.load(open(sys.argv[1]))
trackers = {"AMB-01": [{"id": "48241179", "secret": "amb01-phone-secret-2026"}],
            "POL-01": [{"id": "jane/phone", "secret": "jane-phone-secret-2026"}],
            "DMK-01": [{"id": "358240051111110"}]}
for unit in fleet["units"]:
    unit.pop("owntracks", None)
    if unit["id"] in trackers: unit["trackers"] = trackers[unit["id"]]
fleet["forwarders"] = [{"name": "traccar-dinkes", "secret": "dinkes-traccar-secret-2026"}]
json.dump(fleet, open(sys.argv[2], "w"))
PY
"$siaga" serve --listen 127.0.0.1:0 --mqtt none --state "$work/trackers-state" --fleet "$work/fleet-trackers.json" \
  --trackers-listen 127.0.0.1:0 >"$work/trackers.out" 2>"$work/trackers.err" &
serve_pid=$!
for _ in $(seq 300); do grep -q '"ready":true' "$work/trackers.out" && break; sleep 0.1; done
server=$(grep -o '"listen":"http://[^"]*"' "$work/trackers.out" | cut -d/ -f3 | tr -d '"')
trackers=$(grep -o '"trackers":"http://[^"]*"' "$work/trackers.out" | cut -d/ -f3 | tr -d '"')
now=$(date +%s)
tracker_status() {  # tracker_status NAME EXPECTED_STATUS curl-arguments...
  local name=$1 expected=$2
  shift 2
  local got
  got=$(curl -s -o "$work/tracker-body" -w '%{http_code}' "$@")
  if [ "$got" = "$expected" ]; then passes=$((passes + 1)); else
    echo "FAIL $name: HTTP $got, expected $expected"; cat "$work/tracker-body"; failures=$((failures + 1)); fi
}
tracker_status trackers-osmand 200 "http://$trackers/?id=48241179&lat=-3.6954&lon=128.1814&timestamp=$((now - 30))&speed=10&key=amb01-phone-secret-2026"
tracker_status trackers-osmand-wrong-key 401 "http://$trackers/?id=48241179&lat=-3.6954&lon=128.1814&timestamp=$((now - 20))&key=guess-guess-guess"
tracker_status trackers-owntracks 200 -X POST "http://$trackers/owntracks" -u jane:jane-phone-secret-2026 \
  -H 'X-Limit-U: jane' -H 'X-Limit-D: phone' -H 'Content-Type: application/json' \
  -d "{\"_type\":\"location\",\"lat\":-3.6930,\"lon\":128.1820,\"tst\":$((now - 30)),\"acc\":10}"
grep -qx '\[\]' "$work/tracker-body" || { echo "FAIL trackers-owntracks: not answered []"; failures=$((failures + 1)); }
tracker_status trackers-traccar 200 -X POST "http://$trackers/traccar" -H 'Authorization: Bearer dinkes-traccar-secret-2026' \
  -H 'Content-Type: application/json' \
  -d "{\"position\":{\"latitude\":-3.6960,\"longitude\":128.1830,\"speed\":0,\"course\":0,\"fixTime\":\"$(date -u -d @$((now - 30)) +%Y-%m-%dT%H:%M:%S.000+00:00)\"},\"device\":{\"uniqueId\":\"358240051111110\"}}"
tracker_status trackers-not-on-console 404 "http://$server/osmand?id=48241179&lat=-3.6954&lon=128.1814&timestamp=$now&key=amb01-phone-secret-2026"
curl -s "http://$server/v1/units" >"$work/units.json"
for unit in AMB-01 POL-01 DMK-01; do
  python3 -c "import json,sys; u=[u for u in json.load(open(sys.argv[1]))['units'] if u['id']==sys.argv[2]][0]; sys.exit(0 if u.get('fix') else 1)" "$work/units.json" "$unit" ||
    { echo "FAIL trackers-$unit: no fix in /v1/units"; head -c 600 "$work/units.json"; failures=$((failures + 1)); }
done
kill -TERM $serve_pid; wait $serve_pid || { echo "FAIL trackers-serve-stops"; cat "$work/trackers.err"; failures=$((failures + 1)); }
printf '{"incident_types":[{"name":"x","unit_types":["tank"]}]}' >"$work/bad-types.json"
check serve-bad-types fail "unknown vehicle 'tank'" -- timeout 60 "$siaga" serve --mqtt none --state "$work/s3" --incident-types "$work/bad-types.json"

# Planners' scenarios.
scenarios="$(dirname "$0")/../../geodata/ambon/scenarios"
check coverage ok '"share":' -- "$siaga" coverage --scenario "$scenarios/baseline.json" --out "$work/coverage.geojson" --png "$work/coverage.png" --target medical
grep -q '"minutes_medical"' "$work/coverage.geojson" || { echo "FAIL coverage: no minutes per street"; failures=$((failures + 1)); }
grep -q '"share_medical"' "$work/coverage-areas.geojson" || { echo "FAIL coverage: no areas file"; failures=$((failures + 1)); }
head -c 4 "$work/coverage.png" | grep -q PNG || { echo "FAIL coverage: no PNG"; failures=$((failures + 1)); }
check coverage-compare ok '"share_lost":' -- "$siaga" coverage --scenario "$scenarios/baseline.json" --compare "$scenarios/flood-wai-batu-merah.json"
# A target the scenario lacks is refused before the roads are read: here there are none to read.
check coverage-bad-target fail 'no target "alien"' -- "$siaga" coverage --scenario "$scenarios/baseline.json" --png "$work/x.png" --target alien --osm "$work/none.osm.pbf" --graph "$work/none.graph"
check plan-bad-target fail 'no target "alien"' -- "$siaga" plan-stations --scenario "$scenarios/baseline.json" --target alien --osm "$work/none.osm.pbf" --graph "$work/none.graph"
check coverage-no-file fail "cannot read scenario" -- "$siaga" coverage --scenario "$work/none.json"
check plan-stations ok '"suggested_sites"' -- "$siaga" plan-stations --scenario "$scenarios/baseline.json" --add 1 --target fire-nfpa-1710

echo "cli: $passes passed, $failures failed"
[ $failures -eq 0 ]
