#!/usr/bin/env bash
# SMS IN benchmark: farmers' messages end to end (parse, store, reply) through the console, beside pgbench
# doing single-row inserts on the same PostgreSQL cluster, in the same run; prints a markdown table.
#
#   scripts/bench/sms-in.sh                 # builds huzhud and huzhu-bench (release), then measures
#
# Settings (environment): CONNECTIONS=8, DURATION=30 (seconds per measured run), PHONES=20000 (demo
# members' numbers the messages come from), SKIP_BUILD=1, HUZHUD=/path/to/huzhud, KEEP=1.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CONNECTIONS=${CONNECTIONS:-8}
DURATION=${DURATION:-30}
PHONES=${PHONES:-20000}
command -v pgbench >/dev/null || { echo "needs pgbench (apt-get install postgresql-client)" >&2; exit 1; }

find_huzhud
find_bench
echo "starting huzhud with the demo county …" >&2
start_huzhud --demo
GATEWAY_PASSWORD="gw-$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')"
ANSWER=$(console "USER ADD benchgw role=gateway password=$GATEWAY_PASSWORD")
[[ $ANSWER == +OK* ]] || { echo "could not create the gateway account: $ANSWER" >&2; exit 1; }
psql_hub -At -c "SELECT phone FROM member WHERE phone IS NOT NULL ORDER BY id LIMIT $PHONES" >"$TMP/phones.txt"
echo "$(wc -l <"$TMP/phones.txt") phones" >&2

# pgbench's equivalent: one row per message into a table shaped like sms_inbound's essentials.
psql_hub -c "CREATE TABLE bench_insert (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, phone text NOT NULL,
             text text NOT NULL, gateway_id text, received_at timestamptz NOT NULL DEFAULT now())"
cat >"$TMP/insert.sql" <<'SQL'
\set n random(1, 1000000000)
INSERT INTO bench_insert (phone, text, gateway_id) VALUES ('+8613800138000', '找人 插秧 5亩 明天 3人', :n);
SQL

echo "huzhu-bench sms-in, $CONNECTIONS connections, ${DURATION}s …" >&2
"$BENCH" --port "$CONSOLE_PORT" --user benchgw --password "$GATEWAY_PASSWORD" --scenario sms-in \
    --connections "$CONNECTIONS" --duration "$DURATION" --phones "$TMP/phones.txt" --server-pid "$HUZHUD_PID" \
    --label "SMS IN (huzhud)" >"$TMP/huzhu.md"
cat "$TMP/huzhu.md" >&2

echo "pgbench, $CONNECTIONS clients, ${DURATION}s …" >&2
pgbench -n -h "$TMP/data/pg/run" -U huzhu -c "$CONNECTIONS" -j 2 -T "$DURATION" -f "$TMP/insert.sql" \
    --log --log-prefix="$TMP/pgbench" huzhu >"$TMP/pgbench.out" 2>&1 || { cat "$TMP/pgbench.out" >&2; exit 1; }
PG_TPS=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$TMP/pgbench.out" | head -1)
# Per-transaction log lines: client_id transaction_no time_us script_no time_epoch time_us_part.
PG_P99=$(cat "$TMP"/pgbench.* 2>/dev/null | awk '{ print $3 }' | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", v[int(NR * 0.99)] / 1000 }')
PG_P50=$(cat "$TMP"/pgbench.* 2>/dev/null | awk '{ print $3 }' | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", v[int(NR * 0.50)] / 1000 }')

HZ_RPS=$(awk -F'|' 'NR == 3 { gsub(/ /, "", $8); print $8 }' "$TMP/huzhu.md")
echo
echo "Machine: $(machine)"
echo
cat "$TMP/huzhu.md"
echo
echo "| pgbench single-row INSERT | clients $CONNECTIONS | tps $PG_TPS | p50 ms $PG_P50 | p99 ms $PG_P99 |"
echo
awk -v a="$HZ_RPS" -v b="$PG_TPS" 'BEGIN { printf "SMS IN ÷ pgbench inserts: %.2f×\n", a / b }'
