#!/usr/bin/env bash
# The standard comparison (issue 8) in one go: builds once, runs each benchmark against its reference on
# this machine, in this run, and writes the tables as markdown, with the ratios at the top.
#
#   scripts/bench/compare.sh [OUT]     # OUT: markdown file (default docs/benchmarks-latest.md); - for stdout only
#
# 1. console PING vs redis-benchmark -t ping_inline against redis-server   (console-ping.sh)
# 2. SMS IN vs pgbench single-row inserts on the same cluster                (sms-in.sh)
# 3. the labour day plan vs scipy on the same instances                      (labour-bench --export, plan-scipy.py)
# 4. an active client's p99 and the daemon's memory beside 1,000 idle / slow connections (idle-clients.sh)
#
# Builds (once): huzhud in .build-bench, huzhu-bench and labour-bench in Benchmarks/.build (release).
# SKIP_BUILD=1 reuses them. Each step's own settings pass through (ROUNDS, CLIENTS, CONNECTIONS, DURATION,
# IDLE, SLOW, …: see each script); LABOUR_SAMPLES=500 (LABOUR MATCH samples), PLANS=5 (plan runs),
# ONLY="ping sms plan idle" to run a subset. A step that fails is reported and the others still run.
# Needs redis-server/redis-benchmark, pgbench, python3; scipy is optional (the plan step says "skipped").
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # ROOT, TMP, find_huzhud, find_bench, machine

OUT=${1:-$ROOT/docs/benchmarks-latest.md}
ONLY=${ONLY:-ping sms plan idle}
LABOUR_SAMPLES=${LABOUR_SAMPLES:-500}
PLANS=${PLANS:-5}
HERE="$ROOT/scripts/bench"

find_huzhud
find_bench
LABOUR_BENCH="$ROOT/Benchmarks/.build/release/labour-bench"
if [[ $ONLY == *plan* && -z "${SKIP_BUILD:-}" ]]; then
    echo "building labour-bench (release) …" >&2
    (cd "$ROOT/Benchmarks" && swift build -c release --product labour-bench) >&2
fi
export HUZHUD="$BIN" SKIP_BUILD=1   # the steps reuse these builds

STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# step NAME COMMAND…: runs a step, its tables into $TMP/NAME.md, its progress into $TMP/NAME.log
step() {
    local name=$1 status=0
    shift
    echo "== $name: $* ($(date '+%H:%M:%S'), load $(cut -d' ' -f1 /proc/loadavg))" >&2
    "$@" >"$TMP/$name.md" 2> >(tee "$TMP/$name.log" >&2) || status=$?
    if [[ $status -ne 0 ]]; then
        { echo; echo "**failed** (exit $status); the end of its log:"; echo; echo '```'; tail -15 "$TMP/$name.log"; echo '```'; } >>"$TMP/$name.md"
    fi
}

plan_step() {
    [[ -x $LABOUR_BENCH ]] || { echo "no labour-bench at $LABOUR_BENCH" >&2; return 1; }
    "$LABOUR_BENCH" --samples "$LABOUR_SAMPLES" --plans "$PLANS" --export "$TMP/plans"
    echo
    python3 "$HERE/plan-scipy.py" --runs "$PLANS" "$TMP/plans/plan-large.txt" "$TMP/plans/plan-small.txt"
}

[[ $ONLY == *ping* ]] && step ping "$HERE/console-ping.sh"
[[ $ONLY == *sms* ]] && step sms "$HERE/sms-in.sh"
[[ $ONLY == *plan* ]] && step plan plan_step
[[ $ONLY == *idle* ]] && step idle "$HERE/idle-clients.sh"

col() {  # col FILE PATTERN COLUMN: a column of the first table row matching PATTERN
    awk -F'|' -v p="$2" -v c="$3" '$0 ~ p { v = $c; gsub(/^ +| +$|\*/, "", v); print v; exit }' "$1" 2>/dev/null
}
summary() {
    echo "| comparison | Huzhu | reference | ratio (same run) |"
    echo "| --- | ---: | ---: | --- |"
    if [[ -f $TMP/ping.md ]]; then
        local mode label hz redis
        for mode in unpipelined "-P "; do
            label=unpipelined
            [[ $mode != unpipelined ]] && label="pipelined $(col "$TMP/ping.md" "^[|] -P " 2 | cut -d, -f1)"
            hz="$mode.*[|] huzhud [|]" redis="$mode.*[|] redis [|]"
            printf '| console PING (%s) vs redis-server, redis-benchmark -t ping_inline | %s req/s, p99 %s ms | %s req/s, p99 %s ms | %s (rps: Huzhu ÷ Redis) |\n' \
                "$label" "$(col "$TMP/ping.md" "$hz" 4)" "$(col "$TMP/ping.md" "$hz" 6)" \
                "$(col "$TMP/ping.md" "$redis" 4)" "$(col "$TMP/ping.md" "$redis" 6)" "$(col "$TMP/ping.md" "$hz" 8)"
        done
    fi
    if [[ -f $TMP/sms.md ]]; then
        printf '| SMS IN vs pgbench single-row INSERT, same cluster | %s msg/s, p99 %s ms | %s tps, p99 %s | %s (Huzhu ÷ pgbench) |\n' \
            "$(col "$TMP/sms.md" "SMS IN [(]huzhud[)]" 8)" "$(col "$TMP/sms.md" "SMS IN [(]huzhud[)]" 11)" \
            "$(col "$TMP/sms.md" "pgbench single-row" 4 | sed 's/tps //')" "$(col "$TMP/sms.md" "pgbench single-row" 6 | sed 's/p99 ms //') ms" \
            "$(sed -n 's/^SMS IN ÷ pgbench inserts: //p' "$TMP/sms.md")"
    fi
    if [[ -f $TMP/plan.md ]]; then
        if grep -q "^plan vs scipy: skipped" "$TMP/plan.md"; then
            echo "| day plan vs scipy | | | skipped: pip install scipy |"
        fi
        for instance in large small; do
            local row="^[|] $instance [(]"
            grep -q "^| $instance (" "$TMP/plan.md" || continue
            printf '| day plan %s, %s: solver | %s ms | dense %s ms, sparse %s ms | %s (dense), %s (sparse) (scipy time ÷ Huzhu time); totals equal: %s |\n' \
                "$(col "$TMP/plan.md" "$row" 2)" "$(col "$TMP/plan.md" "$row" 3)" "$(col "$TMP/plan.md" "$row" 4)" \
                "$(col "$TMP/plan.md" "$row" 5)" "$(col "$TMP/plan.md" "$row" 6)" "$(col "$TMP/plan.md" "$row" 7)" \
                "$(col "$TMP/plan.md" "$row" 8)" "$(col "$TMP/plan.md" "$row" 10)"
        done
    fi
    if [[ -f $TMP/idle.md ]]; then
        printf '| 1,000 idle / slow connections beside an active client | %s | p99 ≤ 2× and bounded memory | %s |\n' \
            "$(grep -c '^PASS' "$TMP/idle.md" || true) PASS, $(grep -c '^FAIL' "$TMP/idle.md" || true) FAIL" \
            "$(sed -n 's/^idle\/slow clients: //p' "$TMP/idle.md")"
    fi
}

report() {
    echo "# Benchmarks: the standard comparison"
    echo
    echo "Written by \`scripts/bench/compare.sh\` at $STARTED (took $(( SECONDS / 60 )) min)."
    echo
    echo "- machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) memory, Linux $(uname -r)"
    echo "- load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews every figure)"
    echo "- commit: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- Sources Plugins 2>/dev/null || echo ' (with uncommitted changes)') on $(git -C "$ROOT" rev-parse --abbrev-ref HEAD)"
    echo "- $(swift --version 2>/dev/null | head -1); PostgreSQL $("$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/postgres" --version | awk '{ print $3 }'); $(redis-server --version | awk '{ print $1, $3 }' | tr -d 'v='); python3 $(python3 -c 'import platform; print(platform.python_version())')$(python3 -c 'import scipy; print(", scipy", scipy.__version__)' 2>/dev/null || echo ', no scipy')"
    echo
    summary
    local name title
    for name in ping sms plan idle; do
        [[ -f $TMP/$name.md ]] || continue
        case $name in
            ping) title="Console PING vs Redis (scripts/bench/console-ping.sh)" ;;
            sms) title="SMS IN vs pgbench (scripts/bench/sms-in.sh)" ;;
            plan) title="Day plan vs scipy (labour-bench --export, scripts/bench/plan-scipy.py)" ;;
            idle) title="Idle and slow clients (scripts/bench/idle-clients.sh)" ;;
        esac
        echo
        echo "## $title"
        echo
        cat "$TMP/$name.md"
    done
}

if [[ $OUT == - ]]; then
    report
else
    report >"$OUT"
    cat "$OUT"
    echo "written to $OUT" >&2
fi
