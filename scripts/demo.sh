#!/usr/bin/env bash
# The main job on the bundled default. Until pretraining lands (issue 5), that is: build, check the
# set-up with `electra doctor`, and measure the kernels against the machine's ceilings.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$electra_root"
swift build -c release "${ELECTRA_SWIFT_FLAGS[@]}"
.build/release/electra doctor
.build/release/electra benchmark kernels "$@"
