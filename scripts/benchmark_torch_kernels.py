"""PyTorch side of `electra benchmark kernels`: times the same items on the same shapes.

Run by the Swift benchmark once per round (interleaved with its own measurements), as
    .venv-ref/bin/python scripts/benchmark_torch_kernels.py --tokens 4096
It prints one JSON object: {"<item name> <shape>": seconds, ...}, each the fastest of several calls,
with the item names and shapes exactly as the Swift side prints them.
"""
import argparse
import json
import time

import torch


def fastest(fn, budget=0.2, max_calls=50):
    fn()
    best = float("inf")
    start = time.perf_counter()
    calls = 0
    while calls < 3 or (time.perf_counter() - start < budget and calls < max_calls):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
        calls += 1
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=4096)
    args = parser.parse_args()
    T = args.tokens
    torch.manual_seed(1)
    times = {}

    def rand(*shape):
        return torch.rand(*shape) * 2 - 1

    for hidden, inner in [(256, 1024), (768, 3072)]:
        x, w1, dy = rand(T, hidden), rand(inner, hidden), rand(T, inner)
        y, dx, dw = torch.empty(T, inner), torch.empty(T, hidden), torch.empty(inner, hidden)
        w2, z = rand(hidden, inner), torch.empty(T, hidden)
        times[f"x·Wᵀ (forward) {T}×{hidden} · ({inner}×{hidden})ᵀ"] = fastest(lambda: torch.matmul(x, w1.t(), out=y))
        times[f"dY·W (input grad) {T}×{inner} · {inner}×{hidden}"] = fastest(lambda: torch.matmul(dy, w1, out=dx))
        times[f"dYᵀ·x (weight grad) ({T}×{inner})ᵀ · {T}×{hidden}"] = fastest(lambda: torch.matmul(dy.t(), x, out=dw))
        times[f"x·Wᵀ (forward) {T}×{inner} · ({hidden}×{inner})ᵀ"] = fastest(lambda: torch.matmul(dy, w2.t(), out=z))

    # Element-wise kernels through ATen's out= variants, so that torch, like electra, writes into
    # buffers allocated once (a fresh 50 MB result per call would mostly time page faults).
    aten = torch.ops.aten
    hidden, inner, heads, seq = 768, 3072, 12, 128
    batch = T // seq
    ln_x, ln_w, ln_b, ln_g = rand(T, hidden), rand(hidden), rand(hidden), rand(T, hidden)
    ln_y, mean, rstd = aten.native_layer_norm(ln_x, [hidden], ln_w, ln_b, 1e-12)
    times[f"layer norm forward {T}×{hidden}"] = fastest(
        lambda: aten.native_layer_norm(ln_x, [hidden], ln_w, ln_b, 1e-12))
    times[f"layer norm backward {T}×{hidden}"] = fastest(
        lambda: aten.native_layer_norm_backward(ln_g, ln_x, [hidden], mean, rstd, ln_w, ln_b, [True, True, True]))

    g_x, g_g = rand(T, inner), rand(T, inner)
    g_y, g_dx = torch.empty(T, inner), torch.empty(T, inner)
    times[f"GELU forward {T}×{inner}"] = fastest(lambda: aten.gelu.out(g_x, out=g_y))
    times[f"GELU backward {T}×{inner}"] = fastest(lambda: aten.gelu_backward.grad_input(g_g, g_x, grad_input=g_dx))

    # Hugging Face's attention softmax: scores · scale + mask, then softmax (three kernels).
    scores, s_g = rand(batch, heads, seq, seq), rand(batch, heads, seq, seq)
    mask = torch.zeros(batch, 1, 1, seq)
    scaled, probs, s_dx = torch.empty_like(scores), torch.empty_like(scores), torch.empty_like(scores)

    def softmax_forward():
        torch.mul(scores, 0.125, out=scaled)
        scaled.add_(mask)
        aten._softmax.out(scaled, -1, False, out=probs)

    softmax_forward()
    times[f"softmax forward {batch}×{heads}×{seq}×{seq}"] = fastest(softmax_forward)

    def softmax_backward():
        aten._softmax_backward_data.out(s_g, probs, -1, torch.float32, grad_input=s_dx)
        s_dx.mul_(0.125)

    times[f"softmax backward {batch}×{heads}×{seq}×{seq}"] = fastest(softmax_backward)
    print(json.dumps(times))


if __name__ == "__main__":
    with torch.no_grad():
        main()
