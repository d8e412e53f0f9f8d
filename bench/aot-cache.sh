#!/usr/bin/env bash
# The distribution with and without its AOT cache (lib/hookline.aot), in alternating pairs
# (on/off, then off/on, ...) so that a machine's drift hits both alike. docs/benchmarks.md,
# "Start-up and the first 2,000 messages: the AOT cache", has the figures and how to read them.
#
#   bench/aot-cache.sh startup [PAIRS]   ms from starting bin/hookline until GET /health answers 200,
#                                        and the JVM's CPU (utime+stime) by then; default 10 pairs
#   bench/aot-cache.sh fanout [PAIRS]    the peers harness's hookline/fanout.mjs (SUBS=100 MSGS=2000,
#                                        closed loop, sqlite ack + logger as shipped); default 6 pairs.
#                                        PEERS: a copy of ../shared/peers with `npm ci` run in hookline/
#                                        (default /tmp/peers); prints its JSON lines prefixed by on/off
#
# HOOKLINE_DIST: the archive (default: distribution/target/hookline-*.tar.gz); JAVA_HOME as for bin/hookline.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode=${1:?startup or fanout}
pairs=${2:-}
dist=${HOOKLINE_DIST:-$(ls "$root"/distribution/target/hookline-*.tar.gz | head -1)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xzf "$dist" -C "$work"
home=$(ls -d "$work"/hookline-*/)
[ -f "$home/lib/hookline.aot" ] || { echo "$dist has no lib/hookline.aot (built on a JDK older than 25?)" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

startup() { # $1 = on|off; prints "on|off wall_ms cpu_ms"
  local port data pid t0 t1 cpu ticks
  port=$(free_port); data=$(mktemp -d -p "$work")
  t0=$(date +%s%N)
  HOOKLINE_AOT=$1 "$home/bin/hookline" --host 127.0.0.1 --port "$port" --data "$data" >"$work/server.log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/health"; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.01
  done
  t1=$(date +%s%N)
  ticks=$(getconf CLK_TCK)
  cpu=$(awk -v t="$ticks" '{ print int(($14 + $15) * 1000 / t) }' "/proc/$pid/stat")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  echo "$1 $(((t1 - t0) / 1000000)) $cpu"
}

fanout() { # $1 = on|off; prints "on|off <the harness's JSON line>"
  local line
  line=$(cd "${PEERS:-/tmp/peers}/hookline" && HOOKLINE_DIST="$dist" HOOKLINE_AOT=$1 SUBS=100 MSGS=2000 RATE=0 WINDOW=50 \
    STORAGE=sqlite CLIENT=js timeout -k 5 140 node fanout.mjs)
  echo "$1 $line"
}

case "$mode" in
  startup) pairs=${pairs:-10} ;;
  fanout) pairs=${pairs:-6} ;;
  *) echo "startup or fanout" >&2; exit 2 ;;
esac
for i in $(seq 1 "$pairs"); do
  if [ $((i % 2)) = 1 ]; then order="on off"; else order="off on"; fi
  for aot in $order; do "$mode" "$aot"; done
done
