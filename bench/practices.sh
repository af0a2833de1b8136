#!/usr/bin/env bash
# Reproduces the practice-page figures of docs/BENCHMARKS.md: the demo hub on SQLite, served on
# CPU 1, wrk on CPU 0, 64 connections. A practice page (Taipei's SOP practice, with its tags,
# SDG target, version and the question that links it) is measured at one URL, which visitors get
# from the page cache, and at URLs that never repeat (a counter the handler ignores but the cache
# keys on), which is the work of a page nobody has asked for since the last publish; then a
# library search.
#
# Usage: bench/practices.sh [rounds] [duration]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3} dur=${2:-10s}
bench=$(cd ../shared/bench && pwd)
port=18092 base=http://127.0.0.1:18092
work=$(mktemp -d /tmp/citypact-practices.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/citypact" ./cmd/citypact

page=/practices/taipei-epidemic-prevention-sops
cat >"$work/fresh.lua" <<EOF2
dofile("$bench/wrk-json.lua")
n = math.random(1, 1e9)
request = function() n = n + 1; return wrk.format(nil, "$page?r=" .. n) end
EOF2
cat >"$work/search.lua" <<EOF2
dofile("$bench/wrk-json.lua")
n = math.random(1, 1e9)
local words = {"screening", "clinic", "mask", "quarantine", "campaign", "disinfection", "support", "travel"}
request = function() n = n + 1; return wrk.format(nil, "/library?q=" .. words[n % #words + 1] .. "&r=" .. n) end
EOF2

taskset -c 1 "$work/citypact" serve --demo --database "sqlite:$work/citypact.db" --addr 127.0.0.1:$port --log-level warn &
pid=$!
until curl -fs $base/readyz >/dev/null; do sleep 0.1; done
curl -fs -o /dev/null -w "practice page: %{http_code}, %{size_download} bytes\n" $base$page

"$bench/loadtest" --rounds "$rounds" --duration "$dur" --pid $pid \
  practice=$base$page "library-search=$base/library?q=screening+clinic"
for script in fresh search; do
  for _ in $(seq "$rounds"); do
    echo "$script (uncached): $(taskset -c 0 wrk -t1 -c64 -d"$dur" --timeout 10s --latency -s "$work/$script.lua" $base/ | grep '^{')"
  done
done
echo "peak resident memory: $(grep VmHWM /proc/$pid/status)"
