#!/usr/bin/env bash
# The main job on the bundled default: prepare the bundled novel with the shipped BERT vocabulary,
# pretrain an ELECTRA-small-shaped model on it for a few minutes, and export the discriminator and
# generator as Hugging Face model directories. Afterwards:
#   .build/release/electra detect --model runs/demo/export/discriminator "the man went to the store to buy milk"
# Environment: ELECTRA_DEMO_STEPS (default 120 updates of 32 sequences), ELECTRA_DEMO_RUN (runs/demo),
# ELECTRA_DEMO_PRECISION (bf16, which runs in fp32 where the machine has no bf16 path; or fp32).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$electra_root"
run="${ELECTRA_DEMO_RUN:-runs/demo}"
steps="${ELECTRA_DEMO_STEPS:-120}"
precision="${ELECTRA_DEMO_PRECISION:-bf16}"
swift build -c release "${ELECTRA_SWIFT_FLAGS[@]}"
electra=.build/release/electra
$electra doctor
rm -rf "$run"
$electra prepare data/text/pride-and-prejudice-pg1342.txt --format paragraphs --max-seq-length 128 --shards 2 \
    --output "$run/shards"
$electra pretrain --model-size small --data "$run/shards" --output "$run" --max-seq-length 128 --batch-size 32 \
    --steps "$steps" --warmup-steps $((steps / 10)) --learning-rate 2e-3 --checkpoint-every 40 --log-every 10 \
    --precision "$precision"
$electra export "$run" --output "$run/export"
echo
echo "Done. The losses above fell as the generator learned to fill masks and the discriminator to spot replacements."
echo "Try the discriminator on a sentence with a wrong word:"
echo "  $electra detect --model $run/export/discriminator \"the man went to the store to buy a piano of milk\""
