"""PyTorch side of `electra benchmark model`: ElectraForPreTraining inference on the same shapes.

    .venv-ref/bin/python scripts/benchmark_torch_model.py --size small --batch 32 --length 128 [--repeats 3]

Builds a randomly initialised discriminator of Google's size preset (transformers' ElectraConfig),
eager attention, eval mode, float32, torch's default threads; times the forward pass on random ids
(best of --repeats after one warm-up) and prints {"seconds": ..., "peak_rss_bytes": ...}.
"""
import argparse
import json
import resource
import time

import torch
from electra_sizes import SIZES
from transformers import ElectraConfig, ElectraForPreTraining



def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", choices=SIZES, default="small")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--length", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--attention", default="eager", help="transformers attn_implementation (eager or sdpa)")
    args = parser.parse_args()
    torch.manual_seed(0)
    config = ElectraConfig(**SIZES[args.size])
    config._attn_implementation = args.attention
    model = ElectraForPreTraining(config)
    model.eval()
    ids = torch.randint(1000, 30000, (args.batch, args.length))
    mask = torch.ones_like(ids)
    types = torch.zeros_like(ids)
    best = float("inf")
    with torch.inference_mode():
        model(input_ids=ids, attention_mask=mask, token_type_ids=types)
        for _ in range(args.repeats):
            start = time.perf_counter()
            model(input_ids=ids, attention_mask=mask, token_type_ids=types)
            best = min(best, time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": best, "peak_rss_bytes": float(peak)}))


if __name__ == "__main__":
    main()
