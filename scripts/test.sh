#!/usr/bin/env bash
# Runs the whole test suite (the command CI runs). Tests build in release mode with testing enabled:
# the training tests run real (small) pretraining, which a debug build would make ten times slower.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$electra_root"
swift build -c release --build-tests -Xswiftc -enable-testing "${ELECTRA_SWIFT_FLAGS[@]}"
swift test -c release --skip-build --disable-xctest -Xswiftc -enable-testing "${ELECTRA_SWIFT_FLAGS[@]}" "$@"
