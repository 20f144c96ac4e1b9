"""PyTorch side of `electra benchmark model`: ElectraForPreTraining inference on the same shapes.

    .venv-ref/bin/python scripts/benchmark_torch_model.py --size small --batch 32 --length 128 \
        [--repeats 3] [--precision fp32|bf16] [--compile]

A randomly initialised discriminator of Google's size preset (transformers' ElectraConfig), eval mode,
PyTorch at its best (benchmark_common.py: SDPA attention, threads = cores, bf16 autocast for bf16);
times the forward pass on random ids (best of --repeats after a warm-up) and prints
{"seconds": ..., "peak_rss_bytes": ..., "baseline_rss_bytes": ...}: the peak RSS (ru_maxrss) and the
RSS after imports and model construction, before the first forward pass. --length up to 512.
"""
import argparse
import json
import time

import torch
from benchmark_common import add_arguments, autocast, configure, maybe_compile, peak_rss_bytes, resident_bytes, run_compiled, sdpa
from electra_sizes import SIZES
from transformers import ElectraConfig, ElectraForPreTraining


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", choices=SIZES, default="small")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--length", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=3)
    add_arguments(parser)
    args = parser.parse_args()
    if not 1 <= args.length <= 512:
        parser.error("--length must be between 1 and 512 (max_position_embeddings)")
    configure(args)
    model = ElectraForPreTraining(sdpa(ElectraConfig(**SIZES[args.size])))
    model.eval()
    forward = maybe_compile(args, model)
    ids = torch.randint(1000, 30000, (args.batch, args.length))
    mask = torch.ones_like(ids)
    types = torch.zeros_like(ids)

    baseline = resident_bytes()

    def infer():
        with torch.inference_mode(), autocast(args):
            forward(input_ids=ids, attention_mask=mask, token_type_ids=types)

    run_compiled(args, infer)
    best = float("inf")
    for _ in range(args.repeats):
        start = time.perf_counter()
        infer()
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"seconds": best, "peak_rss_bytes": peak_rss_bytes(),
                      "baseline_rss_bytes": baseline}))


if __name__ == "__main__":
    main()
