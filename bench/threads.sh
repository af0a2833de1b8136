#!/usr/bin/env bash
# Reproduces the thread-page figures of docs/BENCHMARKS.md: a hub of 10,000 users, 100,000 answers
# and 200,000 subscriptions (bench/genboards) on SQLite, served on CPU 1, wrk on CPU 0, 64
# connections. A question with 20 answers is measured at one URL, which visitors get from the page
# cache (kept a minute at most), and at URLs that never repeat (a counter the handler ignores but
# the cache keys on): the work of a thread page nobody asked for since the last answer.
#
# Usage: bench/threads.sh [rounds] [duration]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3} dur=${2:-10s}
bench=$(cd ../shared/bench && pwd)
port=18093 base=http://127.0.0.1:18093
work=$(mktemp -d /tmp/citypact-threads.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/citypact" ./cmd/citypact
go run ./bench/genboards --database "sqlite:$work/citypact.db" 2>&1 | tail -1

page=/threads/$((${THREAD:-2500}))
cat >"$work/fresh.lua" <<EOF2
dofile("$bench/wrk-json.lua")
n = math.random(1, 1e9)
request = function() n = n + 1; return wrk.format(nil, "$page?r=" .. n) end
EOF2

taskset -c 1 "$work/citypact" serve --database "sqlite:$work/citypact.db" --addr 127.0.0.1:$port --log-level warn &
pid=$!
until curl -fs $base/readyz >/dev/null; do sleep 0.1; done
curl -fs -o /dev/null -w "thread page: %{http_code}, %{size_download} bytes\n" $base$page

"$bench/loadtest" --rounds "$rounds" --duration "$dur" --pid $pid \
  thread=$base$page board=$base/boards/bench-questions
for _ in $(seq "$rounds"); do
  echo "thread (uncached): $(taskset -c 0 wrk -t1 -c64 -d"$dur" --timeout 10s --latency -s "$work/fresh.lua" $base/ | grep '^{')"
done
echo "peak resident memory: $(grep VmHWM /proc/$pid/status)"
