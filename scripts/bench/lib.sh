# Shared by the benchmark scripts: build or find huzhud, start it on free loopback ports, stop it.
# Source it after `set -euo pipefail`; it sets ROOT, SCRATCH, BIN, TMP and installs an EXIT trap.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCRATCH="$ROOT/.build-bench"
HUZHUD_PID=""
EXTRA_PIDS=()

find_huzhud() {  # sets BIN: $HUZHUD, or a release build in .build-bench (SKIP_BUILD=1: as it is)
    if [[ -n "${HUZHUD:-}" ]]; then
        BIN=$HUZHUD
    else
        if [[ -z "${SKIP_BUILD:-}" ]]; then
            echo "building huzhud (release) into $SCRATCH …" >&2
            (cd "$ROOT" && swift build -c release --product huzhud --scratch-path "$SCRATCH") >&2
        fi
        BIN="$SCRATCH/release/huzhud"
    fi
    [[ -x "$BIN" ]] || { echo "no huzhud binary at $BIN" >&2; exit 1; }
}

find_bench() {  # sets BENCH: the huzhu-bench load generator, built in release
    if [[ -z "${SKIP_BUILD:-}" ]]; then
        echo "building huzhu-bench (release) …" >&2
        (cd "$ROOT/Benchmarks" && swift build -c release --product huzhu-bench) >&2
    fi
    BENCH="$ROOT/Benchmarks/.build/release/huzhu-bench"
    [[ -x "$BENCH" ]] || { echo "no huzhu-bench at $BENCH" >&2; exit 1; }
}

stop_pid() {  # stop_pid PID SECONDS: SIGTERM, wait up to SECONDS, then SIGKILL
    local pid=$1 limit=$2 i
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < limit * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    echo "pid $pid did not stop in ${limit}s: killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
    local pid
    for pid in "${EXTRA_PIDS[@]}"; do stop_pid "$pid" 10; done
    stop_pid "$HUZHUD_PID" 60  # it stops its embedded PostgreSQL on SIGTERM
    if [[ -n "${KEEP:-}" ]]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
}

TMP=$(mktemp -d /tmp/huzhu-bench.XXXXXX)
chmod 755 "$TMP"  # as root, the embedded PostgreSQL runs as its own user and must reach the data folder
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_huzhud() {  # start_huzhud [extra flags…]: sets CONSOLE_PORT, HTTP_PORT, HUZHUD_PID, HUZHU_ADMIN_PASSWORD
    CONSOLE_PORT=$(free_port)
    HTTP_PORT=$(free_port)
    export HUZHU_ADMIN_PASSWORD="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    "$BIN" run --data-dir "$TMP/data" --console "127.0.0.1:$CONSOLE_PORT" --http "127.0.0.1:$HTTP_PORT" \
        --log-level notice "$@" >"$TMP/huzhud.log" 2>&1 &
    HUZHUD_PID=$!
    local i
    for ((i = 0; i < 3000; i++)); do  # up to 300 s: the first start creates the cluster and maybe the demo county
        grep -q "listening" "$TMP/huzhud.log" && return 0
        kill -0 "$HUZHUD_PID" 2>/dev/null || { echo "huzhud exited:" >&2; tail -20 "$TMP/huzhud.log" >&2; exit 1; }
        sleep 0.1
    done
    echo "huzhud not listening after 300 s:" >&2; tail -20 "$TMP/huzhud.log" >&2; exit 1
}

console() {  # console LINE…: runs lines as admin over the console, prints the answers
    python3 - "$CONSOLE_PORT" "$HUZHU_ADMIN_PASSWORD" "$@" <<'PY'
import socket, sys
port, password, lines = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
s = socket.create_connection(("127.0.0.1", port), timeout=60)
f = s.makefile("rwb")
f.write(f"AUTH admin {password}\n".encode()); f.flush()
login = f.readline().decode()
if not login.startswith("+OK"):
    sys.exit(f"admin login refused: {login}")
for line in lines:
    f.write((line + "\n").encode()); f.flush()
    print(f.readline().decode().rstrip("\r\n"))
PY
}

psql_hub() {  # psql_hub ARGS…: psql on the embedded cluster's hub database
    psql -X -q -h "$TMP/data/pg/run" -U huzhu -d huzhu "$@"
}

machine() {
    echo "$(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
}
