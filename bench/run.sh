#!/usr/bin/env bash
# Reproduces the page figures of docs/BENCHMARKS.md on this machine: the server on CPU 1,
# wrk on CPU 0, through ../shared/bench/loadtest. Usage: bench/run.sh [rounds] [duration]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5} dur=${2:-10s}
loadtest=../shared/bench/loadtest
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
go build -o "$work/citypact" ./cmd/citypact
db="sqlite:$work/citypact.db"
"$work/citypact" migrate --database "$db" >/dev/null
echo "benchmark passphrase 2026" | "$work/citypact" user add --database "$db" --admin --email bench@example.org --name Bench --password-stdin >/dev/null

start=$(date +%s%N)
taskset -c 1 "$work/citypact" serve --database "$db" --addr 127.0.0.1:18090 --log-level warn &
pid=$!
until curl -fs http://127.0.0.1:18090/readyz >/dev/null; do sleep 0.01; done
echo "start to /readyz: $(( ($(date +%s%N) - start) / 1000000 )) ms (existing database)"

"$loadtest" --rounds "$rounds" --duration "$dur" --pid $pid \
  home=http://127.0.0.1:18090/ healthz=http://127.0.0.1:18090/healthz
echo "resident memory after the page load: $(grep VmHWM /proc/$pid/status)"

echo "20 concurrent sign-ins (argon2id, 19 MiB each) for $dur, with the home page measured beside them:"
taskset -c 0 wrk -t1 -c20 -d"$dur" -s bench/signin.lua http://127.0.0.1:18090/signin > "$work/signin.txt" &
sleep 1
taskset -c 0 wrk -t1 -c8 -d5s --latency http://127.0.0.1:18090/ | grep -E 'Requests/sec|50%|99%'
wait %2 2>/dev/null || true
grep -E 'Requests/sec|Latency|Non-2xx' "$work/signin.txt"
echo "peak resident memory: $(grep VmHWM /proc/$pid/status)"
