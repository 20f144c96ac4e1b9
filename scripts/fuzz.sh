#!/usr/bin/env bash
# Coverage-guided fuzzing of the readers of user files (Fuzz/Targets): libFuzzer with AddressSanitizer.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Builds electra-fuzz with libFuzzer in .build-fuzz, then runs each target (default: all of
# safetensors, shard, squad, model-files, checkpoint, tfrecord, wikipedia, tfcheckpoint, pytorch, classification) for SECONDS_PER_TARGET
# (default: $ELECTRA_FUZZ_SECONDS, else 30), starting from its seeds (Fuzz/Seeds/TARGET), the inputs earlier runs
# kept (.build-fuzz/corpus/TARGET) and the inputs of fixed crashes (Tests/Fixtures/fuzz/TARGET), with
# the words of its format (Fuzz/Dictionaries/TARGET.dict).
# Exits non-zero when a target crashes, traps, hangs or allocates too much, naming the input that did
# it (under .build-fuzz/findings/TARGET/). To reproduce one without libFuzzer:
#   swift build --product electra-fuzz && .build/debug/electra-fuzz TARGET FILE
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$electra_root"

seconds="${1:-${ELECTRA_FUZZ_SECONDS:-30}}"
if [ $# -gt 0 ]; then shift; fi
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(safetensors shard squad model-files checkpoint tfrecord wikipedia tfcheckpoint pytorch classification)
scratch=.build-fuzz

# libFuzzer (libclang_rt.fuzzer) ships with swift.org toolchains on Linux; Xcode's toolchain lacks it.
probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
printf '@_cdecl("LLVMFuzzerTestOneInput")\npublic func f(_ d: UnsafePointer<UInt8>, _ n: Int) -> CInt { 0 }\n' > "$probe/probe.swift"
if ! swiftc -sanitize=fuzzer,address -parse-as-library "$probe/probe.swift" -o "$probe/probe" >"$probe/log" 2>&1; then
    echo "fuzz.sh: this Swift toolchain cannot link with -sanitize=fuzzer,address, so nothing was fuzzed:" >&2
    grep -v "warning:" "$probe/log" | head -5 >&2
    echo "fuzz.sh: use a swift.org toolchain for Linux, which ships libFuzzer (libclang_rt.fuzzer)" >&2
    exit 1
fi

# `--sanitize fuzzer` makes SwiftPM link the executable with libFuzzer's `main`; `-sanitize=fuzzer,address`
# instruments every module for coverage and AddressSanitizer (one flag: swiftc keeps only the last
# -sanitize=); ELECTRA_LIBFUZZER leaves out the replay tool's own `main`; the custom mutator
# (Fuzz/Targets/NumberMutator.swift) finds libFuzzer's own mutation through the exported LLVMFuzzerMutate.
echo "fuzz.sh: building electra-fuzz with libFuzzer and AddressSanitizer in $scratch"
start=$SECONDS
mkdir -p "$scratch/logs"
if ! swift build -c release --scratch-path "$scratch" --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address \
        -Xswiftc -DELECTRA_LIBFUZZER -Xlinker --export-dynamic-symbol=LLVMFuzzerMutate --product electra-fuzz \
        "${ELECTRA_SWIFT_FLAGS[@]}" >"$scratch/logs/build.log" 2>&1; then
    grep -E "error:" "$scratch/logs/build.log" | head -20 >&2
    echo "fuzz.sh: the fuzz build failed; its log: $scratch/logs/build.log" >&2
    exit 1
fi
binary="$scratch/release/electra-fuzz"
echo "fuzz.sh: built in $((SECONDS - start)) s"

# The Swift runtime's backtracer would hold each crash for seconds; libFuzzer prints its own stack.
# Leak checks are off: Foundation itself leaks small buffers (Data(contentsOf:) of an empty file).
export SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
failed=()
for target in "${targets[@]}"; do
    corpus="$scratch/corpus/$target" findings="$scratch/findings/$target" log="$scratch/logs/$target.log"
    mkdir -p "$corpus" "$findings" "$(dirname "$log")"
    inputs=("$corpus" "Fuzz/Seeds/$target")
    [ -d "Tests/Fixtures/fuzz/$target" ] && inputs+=("Tests/Fixtures/fuzz/$target")
    options=(-max_total_time="$seconds" -timeout=20 -malloc_limit_mb=1024 -rss_limit_mb=2048 -print_final_stats=1
             -artifact_prefix="$findings/")
    [ -f "Fuzz/Dictionaries/$target.dict" ] && options+=(-dict="Fuzz/Dictionaries/$target.dict")
    echo "fuzz.sh: $target for ${seconds} s"
    if ELECTRA_FUZZ_TARGET="$target" "$binary" "${inputs[@]}" "${options[@]}" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
        echo "fuzz.sh: $target: ${runs:-?} inputs (${speed:-?}/s), no crash"
    else
        finding=$(ls -t "$findings" | head -1)
        echo "fuzz.sh: $target FAILED; the input: ${finding:+$findings/}${finding:-(none written)}; the log: $log" >&2
        grep -m1 -E "ERROR: |Fatal error|Swift runtime failure|out-of-memory|timeout" "$log" >&2 || tail -20 "$log" >&2
        failed+=("$target")
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz.sh: crashes in: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz.sh: no crash in ${targets[*]}"
