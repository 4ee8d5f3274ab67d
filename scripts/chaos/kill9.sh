#!/usr/bin/env bash
# kill -9 under load: SMS flow in at ~RATE/s and notifications flow out through the relay while the daemon
# is killed at random moments, ROUNDS times, and restarted each time. Then checks what must hold:
#   1. every inbound message that got a reply is in the store, with its parse and its reply;
#   2. every outbox message reached the gateway at least once, and no message id reached it with two texts;
#   3. after each restart, what was queued before it drained within 5 s.
#
#   scripts/chaos/kill9.sh          # ROUNDS=20 RATE=1000 NOTIFY_RATE=20 SKIP_BUILD=1 HUZHUD=… KEEP=1
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bench/lib.sh"
ROUNDS=${ROUNDS:-20}
RATE=${RATE:-1000}
NOTIFY_RATE=${NOTIFY_RATE:-20}
HERE="$ROOT/scripts/chaos"

find_huzhud
find_bench
FLAGS=(--quiet-hours 00:00-00:00 --sms-gateway-rate 1000)
echo "starting huzhud with the demo county …" >&2
start_huzhud --demo "${FLAGS[@]}"
GW_PASSWORD="gw-$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')"
lines=("USER ADD chaosgw role=gateway password=$GW_PASSWORD" "USER ADD relaygw role=gateway password=$GW_PASSWORD")
for ((i = 0; i < 100; i++)); do lines+=("MEMBER ADD 通知$i village=1 phone=1370000$(printf %04d $i)"); done
console "${lines[@]}" | grep -v '^+OK' | head -3 >&2 || true
FIRST_MEMBER=$(psql_hub -At -c "SELECT min(id) FROM member WHERE name LIKE '通知%' AND NOT is_demo")
LAST_MEMBER=$(psql_hub -At -c "SELECT max(id) FROM member WHERE name LIKE '通知%' AND NOT is_demo")
psql_hub -At -c "SELECT phone FROM member WHERE is_demo AND phone IS NOT NULL ORDER BY id LIMIT 20000" >"$TMP/phones.txt"

SMSC_PORT=$(free_port)
python3 "$HERE/sendsms-standin.py" "$SMSC_PORT" "$TMP/sent.tsv" & EXTRA_PIDS+=($!)
HUZHU_PASSWORD=$GW_PASSWORD python3 "$ROOT/scripts/sms/huzhu-relay" --port "$CONSOLE_PORT" --user relaygw --batch 100 --interval 0.2 \
    kannel --sendsms "http://127.0.0.1:$SMSC_PORT/cgi-bin/sendsms" --kannel-user chaos \
    --dlr-url "http://127.0.0.1:$HTTP_PORT/gateway/kannel/dlr?token=none" >"$TMP/relay.log" 2>&1 & EXTRA_PIDS+=($!)

SECONDS_TOTAL=$((ROUNDS * 6 + 10))
"$BENCH" --port "$CONSOLE_PORT" --user chaosgw --password "$GW_PASSWORD" --scenario sms-in --connections 8 --rate "$RATE" \
    --duration "$SECONDS_TOTAL" --reconnect --warmup 10 --phones "$TMP/phones.txt" --record "$TMP/answered.tsv" \
    --label "SMS IN under kill -9" >"$TMP/bench.md" 2>"$TMP/bench.err" & BENCH_PID=$!
python3 "$HERE/notifier.py" "$CONSOLE_PORT" "$HUZHU_ADMIN_PASSWORD" "$FIRST_MEMBER" "$LAST_MEMBER" "$NOTIFY_RATE" "$SECONDS_TOTAL" & NOTIFIER_PID=$!
EXTRA_PIDS+=("$NOTIFIER_PID")

echo "| round | killed after s | restart to listening s | queued before restart | drained in s |" >"$TMP/rounds.md"
echo "| ---: | ---: | ---: | ---: | ---: |" >>"$TMP/rounds.md"
worst_drain=0
for ((round = 1; round <= ROUNDS; round++)); do
    wait_s=$(awk -v r=$RANDOM 'BEGIN { printf "%.1f", 2 + r % 30 / 10 }')
    sleep "$wait_s"  # a random moment under load (this is the chaos, not synchronisation)
    kill -KILL "$HUZHUD_PID"
    wait "$HUZHUD_PID" 2>/dev/null || true
    t0=$(date +%s.%N)
    mv "$TMP/huzhud.log" "$TMP/huzhud.$round.log"
    "$BIN" run --data-dir "$TMP/data" --console "127.0.0.1:$CONSOLE_PORT" --http "127.0.0.1:$HTTP_PORT" --log-level notice \
        "${FLAGS[@]}" >"$TMP/huzhud.log" 2>&1 &
    HUZHUD_PID=$!
    for ((i = 0; i < 1200; i++)); do grep -q listening "$TMP/huzhud.log" 2>/dev/null && break; sleep 0.05; done
    grep -q listening "$TMP/huzhud.log" || { echo "round $round: huzhud did not come back:" >&2; tail "$TMP/huzhud.log" >&2; exit 1; }
    t1=$(date +%s.%N)
    before=$(psql_hub -At -c "SELECT coalesce(max(id), 0) FROM sms_outbox")
    pending=$(psql_hub -At -c "SELECT count(*) FROM sms_outbox WHERE id <= $before AND status IN ('queued', 'leased')")
    drained=""
    for ((i = 0; i < 200; i++)); do
        left=$(psql_hub -At -c "SELECT count(*) FROM sms_outbox WHERE id <= $before AND status IN ('queued', 'leased')")
        if [[ $left == 0 ]]; then drained=$(awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'); break; fi
        sleep 0.05
    done
    drained=${drained:-">10"}
    awk -v d="$drained" -v w="$worst_drain" 'BEGIN { exit !(d == ">10" || d + 0 > w + 0) }' && worst_drain=$drained
    printf '| %d | %s | %.2f | %d | %s |\n' "$round" "$wait_s" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" "$pending" "$drained" >>"$TMP/rounds.md"
    echo "round $round/$ROUNDS: back in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s, $pending queued, drained in $drained s" >&2
done

echo "waiting for the load to end …" >&2
wait "$BENCH_PID" || true
wait "$NOTIFIER_PID" || true  # nothing may be queued after the drain check starts
for ((i = 0; i < 600; i++)); do  # the outbox drains once the notifier stops
    [[ $(psql_hub -At -c "SELECT count(*) FROM sms_outbox WHERE status IN ('queued', 'leased')") == 0 ]] && break
    sleep 0.1
done

# 1. Answered inbound messages are stored with their parse and reply.
awk -F'\t' '$2 == "ok" { print $1 }' "$TMP/answered.tsv" >"$TMP/ok_ids.txt"
psql_hub -c "CREATE TEMP TABLE ok_ids (id text)" -c "\copy ok_ids FROM '$TMP/ok_ids.txt'" \
    -c "SELECT count(*) AS answered, count(*) FILTER (WHERE i.id IS NULL OR NOT i.answered OR i.intent = '') AS lost
        FROM ok_ids o LEFT JOIN sms_inbound i ON i.gateway = 'bench' AND i.gateway_id = o.id" -At -F' ' >"$TMP/check1.txt"
read -r ANSWERED LOST_INBOUND < <(tail -1 "$TMP/check1.txt")
# 2. Outbox messages reached the gateway at least once, never with two texts for one id.
awk -F'\t' '{ print $1 "\t" $3 }' "$TMP/sent.tsv" | sort -u >"$TMP/sent_pairs.tsv"
CONFLICTS=$(cut -f1 "$TMP/sent_pairs.tsv" | uniq -d | wc -l)
DUPLICATES=$(($(wc -l <"$TMP/sent.tsv") - $(cut -f1 "$TMP/sent.tsv" | sort -u | wc -l)))
psql_hub -At -c "SELECT id FROM sms_outbox WHERE status NOT IN ('suppressed') ORDER BY id" >"$TMP/outbox_ids.txt"
NEVER_SENT=$(comm -23 <(sort "$TMP/outbox_ids.txt") <(cut -f1 "$TMP/sent.tsv" | sort -u) | wc -l)
OUTBOX=$(wc -l <"$TMP/outbox_ids.txt")

echo
echo "Machine: $(machine); huzhud $("$BIN" --version 2>/dev/null || echo '?'); $ROUNDS rounds, SMS IN at ${RATE}/s target, notifications at ${NOTIFY_RATE}/s"
echo
cat "$TMP/bench.md"
echo
cat "$TMP/rounds.md"
echo
echo "| check | result |"
echo "| --- | --- |"
echo "| answered inbound messages missing their stored parse or reply | $LOST_INBOUND of $ANSWERED |"
echo "| outbox messages never delivered to the gateway | $NEVER_SENT of $OUTBOX |"
echo "| message ids delivered with two different texts | $CONFLICTS |"
echo "| duplicate deliveries (allowed: at least once) | $DUPLICATES |"
echo "| slowest drain after a restart | $worst_drain s (target 5 s) |"
if [[ $LOST_INBOUND == 0 && $NEVER_SENT == 0 && $CONFLICTS == 0 ]] && awk -v w="$worst_drain" 'BEGIN { exit !(w != ">10" && w + 0 <= 5) }'; then
    echo; echo "PASS"
else
    echo; echo "FAIL"; exit 1
fi
