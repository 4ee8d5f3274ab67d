#!/usr/bin/env bash
# Fuzzes the console line parser and the SMS reader (normaliser, router, every intent's parser) with
# libFuzzer and AddressSanitizer, each for a set time, starting from the committed seed corpus.
#
#   scripts/fuzz/run.sh [seconds per target, default 300] [target…: console-line sms]
#
# The targets are compiled straight from the sources they test with `swiftc -sanitize=fuzzer,address` (no
# NIO or PostgresNIO: the files under test use neither), as one module, so `import HuzhuKit` lines are
# dropped from the copies. New inputs libFuzzer finds go to scripts/fuzz/corpus/<target>/ (commit the
# interesting ones); a crash leaves crash-<hash> in the work folder and the script exits non-zero: turn it
# into a regression test (Tests/HuzhuConsoleTests or Tests/HuzhuSMSTests), fix, run again.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SECONDS_PER_TARGET=${1:-300}
shift || true
TARGETS=("${@:-console-line}")
[[ $# -eq 0 ]] && TARGETS=(console-line sms)
WORK=${FUZZ_WORK:-$ROOT/.build-fuzz}
mkdir -p "$WORK"

sources() {  # the files each target compiles
    case $1 in
        console-line)
            echo "$ROOT/Sources/HuzhuConsole/CommandLineParser.swift $ROOT/Sources/HuzhuKit/HuzhuError.swift $ROOT/scripts/fuzz/ConsoleLineFuzz.swift" ;;
        sms)
            echo "$(ls "$ROOT"/Sources/HuzhuKit/SMS/*.swift "$ROOT"/Sources/HuzhuKit/SMS/Language/*.swift "$ROOT"/Sources/HuzhuSMS/*.swift \
                "$ROOT"/Plugins/{Labour,Culture,Market}/*SMS.swift | tr '\n' ' ') $ROOT/Sources/HuzhuKit/HuzhuError.swift \
                $ROOT/Sources/HuzhuKit/JSONValue.swift $ROOT/Sources/HuzhuKit/PhoneNumber.swift $ROOT/Sources/HuzhuKit/Store/Actor.swift \
                $ROOT/scripts/fuzz/SMSFuzz.swift" ;;
        *) echo "unknown target $1 (console-line, sms)" >&2; exit 2 ;;
    esac
}

status=0
for target in "${TARGETS[@]}"; do
    dir="$WORK/$target"
    rm -rf "$dir/src" "$dir/fuzz" && mkdir -p "$dir/src" "$dir/new"
    for file in $(sources "$target"); do
        sed -e '/^import Huzhu[A-Za-z]*$/d' "$file" >"$dir/src/$(basename "$(dirname "$file")")-$(basename "$file")"
    done
    echo "compiling $target …" >&2
    # ld.gold warns once per ASan helper symbol; the warnings are harmless and drown the output.
    swiftc -sanitize=fuzzer,address -parse-as-library -O -suppress-warnings -module-name Fuzz"${target//-/}" "$dir"/src/*.swift -o "$dir/fuzz" 2>&1 \
        | grep -v "Cannot export local symbol" >&2 || true
    [[ -x "$dir/fuzz" ]] || { echo "$target did not compile" >&2; exit 1; }
    echo "fuzzing $target for ${SECONDS_PER_TARGET}s …" >&2
    (cd "$dir" && ./fuzz -max_total_time="$SECONDS_PER_TARGET" -max_len=2048 -print_final_stats=1 \
        "$dir/new" "$ROOT/scripts/fuzz/corpus/$target" 2>"$dir/log.txt") || status=$?
    grep -E "^stat::number_of_executed_units|^stat::average_exec_per_sec|^stat::new_units_added|SUMMARY|ERROR" "$dir/log.txt" \
        | sed "s/^/$target: /" || true
    ls "$dir"/crash-* 2>/dev/null | sed "s/^/$target: crash input: /" || true
done
exit $status
