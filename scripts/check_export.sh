#!/usr/bin/env bash
# Checks that transformers loads the model directories this project writes and computes the same
# logits: the model-directory round-trip test writes a discriminator and a generator with their
# logits, then scripts/check_export.py loads each in transformers (no missing or newly initialised
# weights allowed) and compares. Needs the reference venv (.venv-ref, see the README's Fixtures).
#
#   scripts/check_export.sh            # writes into runs/export-check
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$electra_root"
python=${ELECTRA_REFERENCE_PYTHON:-.venv-ref/bin/python}
if ! "$python" -c "import torch, transformers, safetensors" 2>/dev/null; then
    echo "check_export: $python cannot import torch, transformers and safetensors; create the venv with" >&2
    echo "  python3 -m venv .venv-ref && .venv-ref/bin/pip install torch transformers safetensors tokenizers" >&2
    exit 2
fi
out=runs/export-check
rm -rf "$out" && mkdir -p "$out"
swift build -c release --build-tests -Xswiftc -enable-testing "${ELECTRA_SWIFT_FLAGS[@]}"
ELECTRA_EXPORT_CHECK_DIR="$PWD/$out" swift test -c release --skip-build --disable-xctest -Xswiftc -enable-testing \
    "${ELECTRA_SWIFT_FLAGS[@]}" --filter saveAndLoadRoundTrip
for role in discriminator generator; do
    "$python" scripts/check_export.py "$out/$role" --inputs "$out/$role-inputs.safetensors" --strict
done
echo "check_export: transformers loads both directories and computes the same logits"
