#!/usr/bin/env bash
# Console PING benchmark: huzhud's console against redis-server, in the same run, with redis-benchmark.
#
#   scripts/bench/console-ping.sh            # builds huzhud (release) into .build-bench, then benchmarks
#
# Settings (environment):
#   HUZHUD=/path/to/huzhud   use this binary, do not build
#   SKIP_BUILD=1             use .build-bench/release/huzhud as it is
#   CLIENTS=50               connections (redis-benchmark -c)
#   REQUESTS=500000          requests, unpipelined run
#   PIPELINED_REQUESTS=2000000
#   PIPELINE=16              depth of the pipelined run (-P)
#   CHUNK=100000             requests per redis-benchmark invocation, unpipelined (see the note below)
#   PIPELINED_CHUNK=500000   the same, pipelined
#   ROUNDS=3                 runs of each (server, mode), redis and huzhud alternating; the table shows
#                            the run with the median rps of each
#   KEEP=1                   keep the temp folder (logs, raw CSV) and print its path
#
# What it does: starts huzhud with a fresh data folder and redis-server (no persistence) on free loopback
# ports, runs `redis-benchmark -t ping_inline -c 50 -n 500000` and `... -P 16 -n 2000000` against each,
# reads rps and p50/p99 from --csv, measures each server's CPU time (utime+stime from /proc/PID/stat,
# all threads) over each run, prints a markdown table with huzhud/redis ratios, and stops both servers.
# Loopback only; every wait is bounded.
#
# Note: the console closes connections that have not logged in after 10 s (authenticationTimeout), and
# redis-benchmark cannot log in (it speaks RESP; AUTH on the console is a text line), so one invocation
# must end within 10 s. Each run is therefore split into invocations of CHUNK requests (new connections
# each), for both servers alike; rps is computed over the whole run, p50/p99 are the invocations' medians.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # ROOT, TMP, find_huzhud, start_huzhud, stop_pid, free_port, cleanup
CLIENTS=${CLIENTS:-50}
REQUESTS=${REQUESTS:-500000}
PIPELINED_REQUESTS=${PIPELINED_REQUESTS:-2000000}
PIPELINE=${PIPELINE:-16}
ROUNDS=${ROUNDS:-3}
CHUNK=${CHUNK:-100000}
PIPELINED_CHUNK=${PIPELINED_CHUNK:-500000}

for tool in redis-server redis-benchmark redis-cli python3; do
    command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install redis-server redis-tools python3)" >&2; exit 1; }
done

cpu_ticks() {  # utime+stime of a process, all threads, in clock ticks
    # Fields after the ")" that ends the command name: state is field 3, utime 14, stime 15.
    awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

HZ=$(getconf CLK_TCK)
find_huzhud
# PING works before login; redis-benchmark's 50 connections never log in, hence the higher cap.
start_huzhud --console-max-unauthenticated 100
REDIS_PORT=$(free_port)
# The console answers an inline PING with +PONG\r\n, as Redis does.
printf 'PING\r\n' | timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$CONSOLE_PORT; cat >&3; head -c 7 <&3" | grep -q '+PONG' \
    || { echo "huzhud does not answer PING on $CONSOLE_PORT" >&2; exit 1; }

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    --dir "$TMP" --logfile "$TMP/redis.log" &
REDIS_PID=$!
EXTRA_PIDS+=("$REDIS_PID")
for ((i = 0; i < 100; i++)); do
    redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break
    sleep 0.1
done
redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG || { echo "redis-server did not start" >&2; exit 1; }

# run SERVER PORT PID PIPELINE REQUESTS -> "rps p50 p99 cpu_us_per_request worst_p99" (or "FAILED reason")
# The requests go in invocations of at most CHUNK (the console hangs up on connections that have not logged
# in after 10 s): rps is all requests over the summed time of the invocations, p50 and p99 are the medians
# of the invocations' values, worst_p99 the largest. Both servers are measured the same way.
run() {
    local name=$1 port=$2 pid=$3 depth=$4 requests=$5 chunk out cpu0 cpu1 line status left n lines=""
    chunk=$CHUNK
    [[ $depth != 1 ]] && chunk=$PIPELINED_CHUNK
    cpu0=$(cpu_ticks "$pid")
    left=$requests
    while ((left > 0)); do
        n=$((left < chunk ? left : chunk))
        out="$TMP/$name-P$depth-$RANDOM.csv"
        status=0
        timeout 120 redis-benchmark -h 127.0.0.1 -p "$port" -t ping_inline -c "$CLIENTS" -n "$n" -P "$depth" --csv \
            >"$out" 2>"$out.err" || status=$?
        line=$(grep '^"PING_INLINE"' "$out" | tail -1 || true)
        if [[ $status -ne 0 || -z "$line" ]]; then
            echo "FAILED exit=$status: $(tr '\n' ' ' <"$out.err" | cut -c1-200)"
            return
        fi
        # "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
        lines+="$n,$(echo "$line" | tr -d '"')"$'\n'
        left=$((left - n))
    done
    cpu1=$(cpu_ticks "$pid")
    printf '%s' "$lines" | awk -F, -v t=$((cpu1 - cpu0)) -v hz="$HZ" -v total="$requests" '
        function median(a, k,   i, j, x) {  # sorts a[1..k] in place
            for (i = 2; i <= k; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
            return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
        }
        { k++; seconds += $1 / $3; p50[k] = $6; p99[k] = $8; if ($8 > worst) worst = $8 }
        END { printf "%.0f %.3f %.3f %.3f %.3f\n", total / seconds, median(p50, k), median(p99, k), t / hz / total * 1e6, worst }'
}

median() {  # the line with the median rps (first field) of the lines on stdin; FAILED lines sort first
    sort -k1,1g | awk '{ line[NR] = $0 } END { print line[int((NR + 1) / 2)] }'
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "warming up …" >&2
run huzhud "$CONSOLE_PORT" "$HUZHUD_PID" 1 20000 >/dev/null
run redis "$REDIS_PORT" "$REDIS_PID" 1 20000 >/dev/null

# Rounds alternate redis and huzhud, so that whatever else the machine does falls on both alike.
declare -A R
for mode in 1 "$PIPELINE"; do
    requests=$REQUESTS
    [[ $mode != 1 ]] && requests=$PIPELINED_REQUESTS
    redis_runs=() huzhud_runs=()
    for ((round = 1; round <= ROUNDS; round++)); do
        echo "redis-benchmark -t ping_inline -c $CLIENTS -n $requests -P $mode, round $round/$ROUNDS …" >&2
        redis_runs+=("$(run redis "$REDIS_PORT" "$REDIS_PID" "$mode" "$requests")")
        echo "  redis:  ${redis_runs[-1]}" >&2
        huzhud_runs+=("$(run huzhud "$CONSOLE_PORT" "$HUZHUD_PID" "$mode" "$requests")")
        echo "  huzhud: ${huzhud_runs[-1]}" >&2
    done
    R[redis,$mode]=$(printf '%s\n' "${redis_runs[@]}" | median)
    R[huzhud,$mode]=$(printf '%s\n' "${huzhud_runs[@]}" | median)
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f×", a / b; else print "–" }'; }

echo
echo "load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg) (other processes skew these figures)"
echo "redis-benchmark -t ping_inline -c $CLIENTS; huzhud $("$BIN" --version 2>/dev/null || echo '?'), $(redis-server --version | awk '{print $3}' | tr -d 'v='); $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"
echo
echo "| run | server | requests/s | p50 ms | p99 ms (worst chunk) | server CPU µs/request | huzhud ÷ redis (rps) | huzhud ÷ redis (CPU/request) |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for mode in 1 "$PIPELINE"; do
    label="unpipelined, -n $REQUESTS"
    [[ $mode != 1 ]] && label="-P $mode, -n $PIPELINED_REQUESTS"
    for server in redis huzhud; do
        read -r rps p50 p99 cpu worst <<<"${R[$server,$mode]}"
        if [[ $rps == FAILED ]]; then
            echo "| $label | $server | ${R[$server,$mode]} | | | | | |"
            continue
        fi
        read -r redis_rps _ _ redis_cpu _ <<<"${R[redis,$mode]}"
        r="" c=""
        if [[ $server == huzhud ]]; then r=$(ratio "$rps" "$redis_rps"); c=$(ratio "$cpu" "$redis_cpu"); fi
        printf '| %s | %s | %s | %s | %s (%s) | %s | %s | %s |\n' "$label" "$server" "$rps" "$p50" "$p99" "$worst" "$cpu" "$r" "$c"
    done
done
