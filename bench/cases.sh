#!/usr/bin/env bash
# Reproduces the daily-update figures of docs/BENCHMARKS.md: 1,000 cities × 1,000 days of four
# metrics (bench/gencases), served on CPU 1, wrk on CPU 0, 64 connections, on SQLite and then on
# PostgreSQL. Each page and the series API are measured twice: at one URL, which visitors get from
# the page or series cache, and spread over the areas with URLs that never repeat, which is the
# work of a page nobody has asked for since the last import.
#
# Usage: bench/cases.sh [rounds] [duration] [postgres-url]
# Without a URL, PostgreSQL is a throwaway cluster (initdb and pg_ctl on the PATH or in
# /usr/lib/postgresql/*/bin, run as the postgres user when root); without those, only SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3} dur=${2:-5s} pgurl=${3:-${CITYPACT_BENCH_POSTGRES:-}}
bench=$(cd ../shared/bench && pwd)
conns=64 port=18091 base=http://127.0.0.1:18091
work=$(mktemp -d /tmp/citypact-cases.XXXXXX)
chmod 755 "$work"
pgctl=()
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  wait 2>/dev/null || true
  if [ ${#pgctl[@]} -gt 0 ]; then "${pgctl[@]}" stop -m immediate >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/citypact" ./cmd/citypact
go build -o "$work/gencases" ./bench/gencases

# Lua scripts for wrk: each request a URL not seen before (a random area, and a counter the
# handlers ignore but the page cache keys on; for the API, whose cache key is the parsed query, a
# random metric and start day), and wrk-json.lua's one-line report.
areas=1000 first=18262 # 2020-01-01, gencases' first day
cat >"$work/common.lua" <<EOF
dofile("$bench/wrk-json.lua")
math.randomseed(os.time() * 1000 + math.floor(os.clock() * 1e6))
n = math.random(1, 1e9)
function area() return string.format("A%04d", math.random(1, $areas)) end
EOF
cat >"$work/area.lua" <<EOF
dofile("$work/common.lua")
request = function() n = n + 1; return wrk.format(nil, "/areas/" .. area() .. "?r=" .. n) end
EOF
cat >"$work/compare.lua" <<EOF
dofile("$work/common.lua")
request = function()
  n = n + 1
  local seen, list = {}, {}
  while #list < 8 do local a = area(); if not seen[a] then seen[a] = true; list[#list + 1] = a end end
  return wrk.format(nil, "/compare?areas=" .. table.concat(list, ",") .. "&r=" .. n)
end
EOF
cat >"$work/updates.lua" <<EOF
dofile("$work/common.lua")
request = function() n = n + 1; return wrk.format(nil, "/updates?r=" .. n) end
EOF
cat >"$work/series.lua" <<EOF
dofile("$work/common.lua")
local metrics = {"new_cases", "total_cases", "new_deaths", "total_deaths"}
request = function()
  local from = os.date("!%Y-%m-%d", ($first + math.random(0, 99)) * 86400)
  return wrk.format(nil, "/api/v1/areas/" .. area() .. "/series?metric=" .. metrics[math.random(1, 4)] ..
    "&kind=avg7&from=" .. from)
end
EOF

# run NAME URL [LUA]: one wrk run, one line of results (as loadtest prints them) into results.txt.
# The timeout is the Limiter's longest wait, so that slow answers under overload are measured
# rather than cut off at wrk's default of 2 s.
run() {
  local name=$1 url=$2 script=${3:-$bench/wrk-json.lua} s0 s1 t0 t1 out
  s0=$(srv_ticks) t0=$(date +%s%N)
  out=$(taskset -c 0 wrk -t1 -c$conns -d"$dur" --timeout 10s --latency -s "$script" "$url" | grep '^{')
  s1=$(srv_ticks) t1=$(date +%s%N)
  python3 - "$name" "$out" "$((s1 - s0))" "$(getconf CLK_TCK)" "$((t1 - t0))" <<'EOF' | tee -a "$work/results.txt"
import json, sys
name, m, ticks, hz, ns = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
errs = sum(m[k] for k in ("err_connect", "err_read", "err_write", "err_status", "err_timeout"))
cpu = ticks / hz
print(json.dumps({"name": name, "rps": m["rps"], "p50_ms": m["p50_ms"], "p99_ms": m["p99_ms"], "errors": errs,
                  "kb_per_req": m["bytes"] / max(1, m["requests"]) / 1024, "srv_cpu_pct": 100 * cpu / (ns / 1e9),
                  "req_per_srv_cpu_s": m["requests"] / cpu if cpu else 0}))
EOF
}
srv_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }

# measure ENGINE DSN: generate, serve on CPU 1, and run every target in rotating order.
measure() {
  local engine=$1 dsn=$2
  echo "== $engine"
  "$work/gencases" --database "$dsn"
  taskset -c 1 "$work/citypact" serve --database "$dsn" --addr 127.0.0.1:$port --log-level error &
  pid=$!
  until curl -fs $base/readyz >/dev/null; do sleep 0.05; done
  local eight=A0001,A0126,A0251,A0376,A0501,A0626,A0751,A0876
  local targets=(
    "area|$base/areas/A0001|"
    "area-spread|$base/|$work/area.lua"
    "compare|$base/compare?areas=$eight|"
    "compare-spread|$base/|$work/compare.lua"
    "updates-spread|$base/|$work/updates.lua"
    "series|$base/api/v1/areas/A0001/series?metric=new_cases&kind=avg7|"
    "series-spread|$base/|$work/series.lua"
  )
  for t in "${targets[@]}"; do # warm up: fill the caches of the fixed URLs, open the pools
    IFS='|' read -r _ url _ <<<"$t"; curl -fs -o /dev/null "$url"
  done
  : >"$work/results.txt"
  for ((r = 0; r < rounds; r++)); do
    for ((k = 0; k < ${#targets[@]}; k++)); do
      IFS='|' read -r name url script <<<"${targets[$(((k + r) % ${#targets[@]}))]}"
      run "$engine $name" "$url" "$script" >/dev/null
    done
  done
  echo "resident memory: $(grep VmHWM /proc/$pid/status)"
  kill $pid; wait $pid 2>/dev/null || true
  python3 - "$work/results.txt" <<'EOF'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    m = json.loads(line); rows.setdefault(m.pop("name"), []).append(m)
keys = ["rps", "p50_ms", "p99_ms", "errors", "kb_per_req", "srv_cpu_pct", "req_per_srv_cpu_s"]
print("| target | " + " | ".join(keys) + " | p99/p50 |\n|---|" + "---:|" * (len(keys) + 1))
for name, rs in rows.items():
    cells = []
    for k in keys:
        v = [x[k] for x in rs]
        cells.append(f"{statistics.median(v):.1f} ({min(v):.1f}-{max(v):.1f})")
    ratio = statistics.median(x["p99_ms"] / x["p50_ms"] for x in rs if x["p50_ms"] > 0)
    print(f"| {name} | " + " | ".join(cells) + f" | {ratio:.1f} |")
EOF
}

# A throwaway PostgreSQL cluster, as internal/dbtest starts one: no durability, loopback only.
start_postgres() {
  local bin as=() dir
  bin=$(dirname "$(command -v initdb 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -1)")
  [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ] || return 1
  dir=$work/pg
  mkdir "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir" && as=(runuser -u postgres --) || return 1; fi
  "${as[@]}" "$bin/initdb" -D "$dir/data" -N -E UTF8 --locale=C.UTF-8 -A trust -U postgres >/dev/null
  pgctl=("${as[@]}" "$bin/pg_ctl" -D "$dir/data")
  "${pgctl[@]}" start -w -t 60 -l "$dir/log" -o "-c listen_addresses=127.0.0.1 -p 18432 -k $dir -c fsync=off \
    -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
  pgurl="postgres://postgres@127.0.0.1:18432/postgres?sslmode=disable"
}

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(go version | cut -d' ' -f3), $(date -u +%F)"
echo "$rounds rounds of $dur per target, $conns connections, server on CPU 1, wrk on CPU 0; medians (min-max)"
measure sqlite "sqlite:$work/cases.db"
if [ -n "$pgurl" ] || start_postgres; then
  measure postgres "$pgurl"
else
  echo "PostgreSQL: no URL given and no initdb/pg_ctl found; SKIPPING the PostgreSQL figures"
fi
