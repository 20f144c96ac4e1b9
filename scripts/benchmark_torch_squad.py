"""PyTorch side of `electra benchmark squad`: ElectraForQuestionAnswering at SQuAD shapes.

    .venv-ref/bin/python scripts/benchmark_torch_squad.py --size small --length 384 --train-batch 8 \
        [--inference-batch 32] [--repeats 2] [--precision fp32|bf16] [--compile]

Times, on random ids (best of --repeats after a warm-up): one fine-tuning update (forward with start
and end positions, backward, AdamW step) at --train-batch × --length; inference latency at batch 1;
inference throughput at --inference-batch. PyTorch at its best (benchmark_common.py: SDPA attention,
threads = cores, bf16 autocast with fp32 master weights and optimizer for --precision bf16, torch.compile
with --compile, exit 3 when it cannot compile). --length up to 512. Prints {"train_seconds",
"latency_seconds", "throughput_seconds", "peak_rss_bytes": ru_maxrss, "baseline_rss_bytes": RSS after
imports and model construction, before the first step}.
"""
import argparse
import json
import time

import torch
from benchmark_common import add_arguments, autocast, configure, maybe_compile, peak_rss_bytes, resident_bytes, run_compiled, sdpa
from electra_sizes import SIZES
from transformers import ElectraConfig, ElectraForQuestionAnswering


def best(args, fn, repeats):
    run_compiled(args, fn)                                  # warm-up (and compilation under --compile)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", choices=SIZES, default="small")
    parser.add_argument("--length", type=int, default=384)
    parser.add_argument("--train-batch", type=int, default=8)
    parser.add_argument("--inference-batch", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=2)
    add_arguments(parser)
    args = parser.parse_args()
    if not 1 <= args.length <= 512:
        parser.error("--length must be between 1 and 512 (max_position_embeddings)")
    configure(args)
    config = sdpa(ElectraConfig(**SIZES[args.size]))
    model = ElectraForQuestionAnswering(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.01)
    forward = maybe_compile(args, model)

    def ids(batch):
        return torch.randint(1000, 30000, (batch, args.length))

    train_ids = ids(args.train_batch)
    starts = torch.randint(0, args.length, (args.train_batch,))
    ends = torch.clamp(starts + 3, max=args.length - 1)

    def update():
        model.train()
        with autocast(args):
            loss = forward(input_ids=train_ids, start_positions=starts, end_positions=ends).loss
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()

    one, many = ids(1), ids(args.inference_batch)
    baseline = resident_bytes()

    def infer(batch):
        model.eval()
        with torch.inference_mode(), autocast(args):
            forward(input_ids=batch)

    print(json.dumps({
        "train_seconds": best(args, update, args.repeats),
        "latency_seconds": best(args, lambda: infer(one), args.repeats * 3),
        "throughput_seconds": best(args, lambda: infer(many), args.repeats),
        "peak_rss_bytes": peak_rss_bytes(),
        "baseline_rss_bytes": baseline,
    }))


if __name__ == "__main__":
    main()
