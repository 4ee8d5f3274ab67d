#!/usr/bin/env bash
# PostgreSQL outage under load: SMS flow in at ~RATE/s while the daemon's PostgreSQL is stopped for
# OUTAGE seconds and started again. Checks that the daemon stays up, answers UNAVAILABLE meanwhile (so
# gateways retry), reconnects by itself, and loses nothing it acknowledged.
#
#   scripts/chaos/pg-outage.sh       # RATE=500 OUTAGE=10 SKIP_BUILD=1 HUZHUD=… KEEP=1
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bench/lib.sh"
RATE=${RATE:-500}
OUTAGE=${OUTAGE:-10}
PG_CTL=$(ls /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -1)
[[ -x "$PG_CTL" ]] || PG_CTL=$(command -v pg_ctl)

find_huzhud
find_bench
echo "starting huzhud with the demo county …" >&2
start_huzhud --demo --quiet-hours 00:00-00:00
DAEMON_PID=$HUZHUD_PID
GW_PASSWORD="gw-$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')"
console "USER ADD outagegw role=gateway password=$GW_PASSWORD" >/dev/null
psql_hub -At -c "SELECT phone FROM member WHERE is_demo AND phone IS NOT NULL ORDER BY id LIMIT 20000" >"$TMP/phones.txt"
PGDATA="$TMP/data/pg/data"
PG_OWNER=$(stat -c %U "$PGDATA")
as_owner() { if [[ $(id -un) == "$PG_OWNER" ]]; then "$@"; else setpriv --reuid="$PG_OWNER" --regid="$PG_OWNER" --clear-groups "$@"; fi; }

probe() {  # one SMS IN through the console: prints the answer line
    python3 - "$CONSOLE_PORT" "$GW_PASSWORD" "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
f = s.makefile("rwb")
f.write(f"AUTH outagegw {sys.argv[2]}\n".encode()); f.flush(); f.readline()
f.write(f'SMS IN 13912345678 "帮助" id=probe-{sys.argv[3]} gateway=probe\n'.encode()); f.flush()
print(f.readline().decode().strip())
PY
}

DURATION=$((OUTAGE + 30))
"$BENCH" --port "$CONSOLE_PORT" --user outagegw --password "$GW_PASSWORD" --scenario sms-in --connections 8 --rate "$RATE" \
    --duration "$DURATION" --reconnect --warmup 10 --phones "$TMP/phones.txt" --record "$TMP/answered.tsv" \
    --label "SMS IN with a ${OUTAGE}s PostgreSQL outage" >"$TMP/bench.md" 2>"$TMP/bench.err" & BENCH_PID=$!
sleep 10  # load before the outage (a chosen moment, not synchronisation)

echo "stopping PostgreSQL for ${OUTAGE}s …" >&2
as_owner "$PG_CTL" -D "$PGDATA" stop -m fast -w >/dev/null
t_stop=$(date +%s.%N)
sleep "$OUTAGE"
as_owner "$PG_CTL" -D "$PGDATA" start -w -l "$TMP/data/pg/server.log" >/dev/null
t_start=$(date +%s.%N)
RECOVERED=""
for ((i = 0; i < 600; i++)); do
    answer=$(probe "after-$i" || true)
    if [[ $answer == *'"ok":true'* || $answer == +* ]]; then
        RECOVERED=$(awk -v a="$t_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
        break
    fi
    sleep 0.1
done
wait "$BENCH_PID" || true

STILL_UP=no
kill -0 "$DAEMON_PID" 2>/dev/null && [[ $HUZHUD_PID == "$DAEMON_PID" ]] && STILL_UP=yes
awk -F'\t' '$2 == "ok" { print $1 }' "$TMP/answered.tsv" >"$TMP/ok_ids.txt"
read -r ANSWERED LOST < <(psql_hub -At -F' ' -c "CREATE TEMP TABLE ok_ids (id text)" -c "\copy ok_ids FROM '$TMP/ok_ids.txt'" \
    -c "SELECT count(*), count(*) FILTER (WHERE i.id IS NULL OR NOT i.answered) FROM ok_ids o
        LEFT JOIN sms_inbound i ON i.gateway = 'bench' AND i.gateway_id = o.id" | tail -1)
REFUSED=$(awk -F'\t' '$2 != "ok"' "$TMP/answered.tsv" | wc -l)
UNAVAILABLE=$(awk -F'\t' '$2 == "UNAVAILABLE"' "$TMP/answered.tsv" | wc -l)
CODES=$(awk -F'\t' '$2 != "ok" { n[$2]++ } END { for (c in n) printf "%s %d, ", c, n[c] }' "$TMP/answered.tsv")

echo
echo "Machine: $(machine); huzhud $("$BIN" --version 2>/dev/null || echo '?'); PostgreSQL stopped for ${OUTAGE}s under ${RATE}/s SMS IN"
echo
cat "$TMP/bench.md"
echo
echo "| check | result |"
echo "| --- | --- |"
echo "| the daemon stayed up (same process) | $STILL_UP |"
echo "| answers during the outage, by error code | ${CODES%, } |"
echo "| first good answer after PostgreSQL came back | ${RECOVERED:-never} s |"
echo "| messages answered with an error (gateways retry these) | $REFUSED ($UNAVAILABLE UNAVAILABLE) |"
echo "| acknowledged messages missing from the store | $LOST of $ANSWERED |"
if [[ $STILL_UP == yes && $LOST == 0 && -n $RECOVERED && $UNAVAILABLE -gt 0 ]]; then echo; echo PASS; else echo; echo FAIL; exit 1; fi
