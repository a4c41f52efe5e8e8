#!/usr/bin/env bash
# run_fuzz.sh FUZZER SEED_CORPUS WORK_DIR SECONDS
# Replays the committed seeds (regression inputs included), then fuzzes for SECONDS with new
# inputs kept in WORK_DIR/corpus. A crash, leak, sanitizer report or timeout fails the test and
# leaves its input in WORK_DIR (crash-*, leak-*, timeout-*): add it to the seed corpus with the
# fix. The last lines say how many inputs were tried.
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3 seconds=$4
mkdir -p "$work/corpus"
"$fuzzer" -runs=0 "$seeds"
"$fuzzer" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
  -artifact_prefix="$work/" "$work/corpus" "$seeds" 2>&1 | tail -n 25
exit "${PIPESTATUS[0]}"
