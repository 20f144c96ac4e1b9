#!/usr/bin/env bash
# Builds the release `electra` binary for this processor: .build/release/electra.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$electra_root"
swift build -c release "${ELECTRA_SWIFT_FLAGS[@]}" "$@"
