#!/usr/bin/env bash
# Idle and slow clients (issue 8): "1,000 idle or slow-reading connections must not raise an active
# client's p99 more than 2×, nor grow memory without bound." Prints markdown tables and PASS/FAIL lines.
#
#   scripts/bench/idle-clients.sh          # builds huzhud and huzhu-bench (release), then measures
#
# One active client (1 connection, paced: PING at PING_RATE/s, then QUERY at QUERY_RATE/s, DURATION s
# each) is measured with no other connections; beside IDLE idle connections (logged in, then silent);
# beside SLOW slow readers (logged in, each keeping SLOW_PIPELINE `SLOW_REQUEST` requests outstanding —
# HELP's JSON answer is about 17 KiB — and reading SLOW_READ_BPS bytes a second through a 16 KiB receive
# buffer: 1,000 of them at 100 B/s take 100 KB/s of answers, about 6 HELPs a second); beside SLOW
# readers that read BUSY_READ_BPS (1 KiB/s: together up to 1 MB/s, some 30-60 HELPs a second);
# beside DEEP slow readers that ask for far more (DEEP_PIPELINE outstanding: megabytes each, more than
# the kernel's socket buffers take, so what the daemon keeps for them shows in its RSS); and with none
# again.
# huzhu-bench samples the daemon's VmRSS every 100 ms (before the extra connections open, once they are
# open, the peak, at the end, SETTLE s after they closed) and the machine's TCP buffer memory.
# The measured run starts once the daemon and its PostgreSQL are quiet again after the extra connections'
# first requests (under a third of a core over a second; "settled after" in the table): the steady state.
#
# Verdicts: p99 beside the idle and the slow connections (both read rates) ≤ 2 × the baseline (the lower
# p99 of the runs before and after, per request kind: a baseline disturbed by other work must not make a
# pass); memory: the peak over the RSS before ≤ IDLE_BUDGET_KIB per idle and SLOW_BUDGET_KIB per slow
# connection (deep ones too), not still growing at the end of the run (≤ max(16 MiB, 10 %) over the RSS
# once open), and the RSS_LIMIT_MB safety stop not reached (the machine is shared: past it the slow
# readers stop).
#
# Settings (environment): IDLE=1000 SLOW=1000 DURATION=20 PING_RATE=1000 QUERY_RATE=100
# QUERY="MEMBER FIND 张" SLOW_REQUEST=HELP SLOW_PIPELINE=16 SLOW_READ_BPS=100 BUSY_READ_BPS=1024 DEEP=20
# DEEP_PIPELINE=1024 SETTLE=5 RSS_LIMIT_MB=4096 IDLE_BUDGET_KIB=64 SLOW_BUDGET_KIB=256, SKIP_BUILD=1,
# HUZHUD=/path/to/huzhud, KEEP=1.
#
# Limits: the console accepts 512 connections by default (--console-max-connections); the daemon is
# started with IDLE or SLOW + 100, whichever is larger. The extra connections log in as a staff account
# whose stored hash has 1,000 PBKDF2 rounds instead of 600,000 (written with psql), so that 1,000 logins
# take seconds, not minutes; what a logged-in session costs afterwards does not depend on it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IDLE=${IDLE:-1000}
SLOW=${SLOW:-1000}
DURATION=${DURATION:-20}
PING_RATE=${PING_RATE:-1000}
QUERY_RATE=${QUERY_RATE:-100}
QUERY=${QUERY:-MEMBER FIND 张}
SLOW_REQUEST=${SLOW_REQUEST:-HELP}
SLOW_PIPELINE=${SLOW_PIPELINE:-16}
DEEP=${DEEP:-20}
DEEP_PIPELINE=${DEEP_PIPELINE:-1024}
SLOW_READ_BPS=${SLOW_READ_BPS:-100}
BUSY_READ_BPS=${BUSY_READ_BPS:-1024}
SETTLE=${SETTLE:-5}
RSS_LIMIT_MB=${RSS_LIMIT_MB:-4096}
IDLE_BUDGET_KIB=${IDLE_BUDGET_KIB:-64}
SLOW_BUDGET_KIB=${SLOW_BUDGET_KIB:-256}

ulimit -n $((IDLE + SLOW + 4096)) 2>/dev/null || ulimit -n "$(ulimit -Hn)"
find_huzhud
find_bench
MAX_CONNECTIONS=$(( (IDLE > SLOW ? IDLE : SLOW) + 100 ))
echo "starting huzhud with the demo county, --console-max-connections $MAX_CONNECTIONS …" >&2
start_huzhud --demo --console-max-connections "$MAX_CONNECTIONS"

PASSWORD="st-$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')"
ANSWER=$(console "USER ADD benchstaff role=staff password=$PASSWORD")
[[ $ANSWER == +OK* ]] || { echo "could not create the staff account: $ANSWER" >&2; exit 1; }
HASH=$(python3 -c 'import base64, hashlib, os, sys
salt = os.urandom(16)
key = hashlib.pbkdf2_hmac("sha256", sys.argv[1].encode(), salt, 1000)
print("pbkdf2-sha256$1000$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(key).decode())' "$PASSWORD")
psql_hub -c "UPDATE staff_account SET password_hash = '$HASH' WHERE username = 'benchstaff'" >/dev/null

# The answers' sizes (JSON), for the record.
read -r HELP_BYTES QUERY_BYTES < <(python3 - "$CONSOLE_PORT" "$PASSWORD" "$SLOW_REQUEST" "$QUERY" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
f = s.makefile("rwb")
sizes = []
for line in ["AUTH benchstaff " + sys.argv[2], "FORMAT json", sys.argv[3], sys.argv[4]]:
    f.write((line + "\n").encode()); f.flush()
    sizes.append(len(f.readline()))
if not sizes[0]: sys.exit("login failed")
print(sizes[2], sizes[3])
PY
)

# phase NAME SCENARIO RATE [huzhu-bench flags…]: one measured run; its output in $TMP/NAME.out
phase() {
    local name=$1 scenario=$2 rate=$3
    shift 3
    echo "$name: $scenario at $rate/s for ${DURATION}s $* …" >&2
    "$BENCH" --port "$CONSOLE_PORT" --user benchstaff --password "$PASSWORD" --scenario "$scenario" --query "$QUERY" \
        --connections 1 --rate "$rate" --duration "$DURATION" --server-pid "$HUZHUD_PID" --db-pid "$DB_PID" --rss-limit-mb "$RSS_LIMIT_MB" \
        --settle "$SETTLE" --slow-request "$SLOW_REQUEST" --slow-pipeline "$SLOW_PIPELINE" --slow-read-bps "$SLOW_READ_BPS" \
        --label "$name" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" || { cat "$TMP/$name.err" >&2; echo "FAILED" >"$TMP/$name.out"; }
    sed -n 3p "$TMP/$name.out" >&2
}
field() {  # field NAME COLUMN: a column of the result row (| run | connections | pipeline | requests | errors | seconds | rps | p50 | p90 | p99 | …)
    awk -F'|' -v c="$2" 'NR == 3 { gsub(/ /, "", $c); print $c }' "$TMP/$1.out"
}
value() {  # value NAME KEY: KEY=… from the "extra …" or "server_rss_kib …" lines
    tr ' ' '\n' <"$TMP/$1.out" | sed -n "s/^$2=//p" | head -1
}

DB_PID=$(head -1 "$TMP/data/pg/data/postmaster.pid")  # the embedded cluster's postmaster
RSS_START=$(awk '/^VmRSS:/ { print $2 }' "/proc/$HUZHUD_PID/status")
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
rate_of() { [[ $1 == query ]] && echo "$QUERY_RATE" || echo "$PING_RATE"; }
for kind in ping query; do phase "base1-$kind" "$kind" "$(rate_of $kind)"; done
for kind in ping query; do
    phase "idle-$kind" "$kind" "$(rate_of $kind)" --idle "$IDLE"
    phase "slow-$kind" "$kind" "$(rate_of $kind)" --slow "$SLOW"
    phase "busy-$kind" "$kind" "$(rate_of $kind)" --slow "$SLOW" --slow-read-bps "$BUSY_READ_BPS"
done
phase deep-ping ping "$PING_RATE" --slow "$DEEP" --slow-pipeline "$DEEP_PIPELINE"
for kind in ping query; do phase "base2-$kind" "$kind" "$(rate_of $kind)"; done
sleep "$SETTLE"
RSS_END=$(awk '/^VmRSS:/ { print $2 }' "/proc/$HUZHUD_PID/status")
HWM_END=$(awk '/^VmHWM:/ { print $2 }' "/proc/$HUZHUD_PID/status")

mib() { awk -v k="$1" 'BEGIN { if (k == "") print "–"; else printf "%.1f", k / 1024 }'; }
beside() {
    case $1 in
        idle) echo "$IDLE idle" ;;
        slow) echo "$SLOW slow readers ($SLOW_PIPELINE deep, $SLOW_READ_BPS B/s)" ;;
        busy) echo "$SLOW slow readers ($SLOW_PIPELINE deep, $BUSY_READ_BPS B/s)" ;;
        deep) echo "$DEEP slow readers ($DEEP_PIPELINE deep, $SLOW_READ_BPS B/s)" ;;
        *) echo none ;;
    esac
}
echo
echo "Machine: $(machine); load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Active client: 1 connection, PING at $PING_RATE/s and \`$QUERY\` (answer $QUERY_BYTES bytes) at $QUERY_RATE/s, ${DURATION} s each."
echo "Idle: logged-in connections that never send. Slow readers: logged-in connections each keeping N \`$SLOW_REQUEST\` ($HELP_BYTES bytes each) outstanding, reading B bytes a second."
echo "huzhud --console-max-connections $MAX_CONNECTIONS (default 512). RSS of huzhud at the start: $(mib "$RSS_START") MiB; at the end: $(mib "$RSS_END") MiB; VmHWM $(mib "$HWM_END") MiB."
echo
echo "| active client | beside it | settled after s | requests | errors | p50 ms | p99 ms | p99 ÷ baseline | RSS MiB before → open → end (peak) → after | TCP buffers MiB (peak, machine) |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |"
VERDICTS=()
for kind in ping query; do
    b1=$(field "base1-$kind" 11); b2=$(field "base2-$kind" 11)
    base=$(awk -v a="$b1" -v b="$b2" 'BEGIN { if (b == "" || (a != "" && a + 0 < b + 0)) print a; else print b }')
    label=PING
    [[ $kind == query ]] && label="\`$QUERY\`"
    for name in base1 idle slow busy deep base2; do
        run="$name-$kind"
        [[ -f $TMP/$run.out ]] || continue
        p99=$(field "$run" 11)
        errors=$(field "$run" 6)
        ratio=$(awk -v a="$p99" -v b="$base" 'BEGIN { if (b > 0 && a != "") printf "%.2f×", a / b; else print "–" }')
        memory="$(mib "$(value "$run" before)")"
        [[ $name != base* ]] &&
            memory+=" → $(mib "$(value "$run" open)") → $(mib "$(value "$run" end)") ($(mib "$(value "$run" peak)")) → $(mib "$(value "$run" after)")"
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$(beside $name)" "$(value "$run" settled_after_s)" \
            "$(field "$run" 5)" "$errors" "$(field "$run" 9)" "$p99" "$ratio" "$memory" "$(mib "$(value "$run" tcp_mem_kib_peak)")"
        if [[ $name == idle || $name == slow || $name == busy ]]; then  # the requirement: 1,000 idle or slow connections
            verdict=$(awk -v a="$p99" -v b="$base" -v e="$errors" 'BEGIN { print (a != "" && a <= 2 * b && e == 0) ? "PASS" : "FAIL" }')
            VERDICTS+=("$verdict p99 $label beside $(beside $name): $p99 ms vs baseline $base ms (${ratio}; limit 2×), ${errors:-?} errors")
        fi
    done
done

# Memory, for each run with extra connections: the peak over the RSS before, per extra connection.
for run in idle-ping idle-query slow-ping slow-query busy-ping busy-query deep-ping; do
    name=${run%-*}
    count=$IDLE budget=$IDLE_BUDGET_KIB
    [[ $name == slow || $name == busy ]] && count=$SLOW budget=$SLOW_BUDGET_KIB
    [[ $name == deep ]] && count=$DEEP budget=$SLOW_BUDGET_KIB
    if [[ $(head -1 "$TMP/$run.out") == FAILED ]]; then VERDICTS+=("FAIL memory beside $(beside $name) ($run): the run failed"); continue; fi
    read -r before open end peak exceeded <<<"$(value "$run" before) $(value "$run" open) $(value "$run" end) $(value "$run" peak) $(value "$run" limit_exceeded)"
    VERDICTS+=("$(awk -v b="$before" -v o="$open" -v e="$end" -v p="$peak" -v x="$exceeded" -v n="$count" -v budget="$budget" -v what="$(beside $name) ($run)" '
        BEGIN {
            per = (p - b) / n; growth = e - o; allowed = (o - b) * 0.10; if (allowed < 16384) allowed = 16384
            ok = per <= budget && growth <= allowed && x == 0
            printf "%s memory beside %s: peak %.1f MiB over the %.1f MiB before = %.1f KiB per connection (budget %d KiB); %+.1f MiB from open to end (allowed %.1f)%s\n",
                ok ? "PASS" : "FAIL", what, (p - b) / 1024, b / 1024, per, budget, growth / 1024, allowed / 1024, x ? "; STOPPED at the RSS limit" : ""
        }')")
done
echo
for line in "${VERDICTS[@]}"; do echo "$line"; done
echo
for run in idle-ping idle-query slow-ping slow-query busy-ping busy-query deep-ping; do grep -h '^extra ' "$TMP/$run.out" | sed "s/^/$run: /" || true; done
if printf '%s\n' "${VERDICTS[@]}" | grep -q '^FAIL'; then echo "idle/slow clients: FAIL"; else echo "idle/slow clients: PASS"; fi
