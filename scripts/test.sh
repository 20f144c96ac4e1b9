#!/usr/bin/env bash
# Runs the whole test suite (the command CI runs).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$electra_root"
swift build --build-tests "${ELECTRA_SWIFT_FLAGS[@]}"
swift test --skip-build --disable-xctest "${ELECTRA_SWIFT_FLAGS[@]}" "$@"
