"""PyTorch side of `electra benchmark pretrain`: one ELECTRA pretraining update with transformers.

    .venv-ref/bin/python scripts/benchmark_torch_pretrain.py --size small --batch 32 --length 128 [--repeats 3]

A generator (ElectraForMaskedLM, hidden size 1/4 of the discriminator's for small, 1/3 otherwise)
and a discriminator (ElectraForPreTraining) share one embedding block, as in ELECTRA. One update:
mask 15% of the tokens (85% [MASK]), generator MLM loss at the masked positions, Gumbel-max sampling,
discriminator loss over all tokens, loss = MLM + 50 · discriminator, backward, clip to 1.0, AdamW
step (torch has no LAMB; the optimizer is a small share of the time). Eager attention, float32,
train mode (dropout on). Prints {"seconds": best update time, "peak_rss_bytes": ...}.
"""
import argparse
import json
import resource
import time

import torch
from electra_sizes import SIZES
from transformers import ElectraConfig, ElectraForMaskedLM, ElectraForPreTraining



def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", choices=SIZES, default="small")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--length", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.manual_seed(0)
    d = ElectraConfig(**SIZES[args.size])
    d._attn_implementation = "eager"
    fraction = 0.25 if args.size == "small" else 1 / 3
    g_hidden = round(d.hidden_size * fraction)
    g = ElectraConfig(**{**SIZES[args.size], "hidden_size": g_hidden, "intermediate_size": 4 * g_hidden,
                         "num_attention_heads": max(1, g_hidden // 64)})
    g._attn_implementation = "eager"
    discriminator = ElectraForPreTraining(d)
    generator = ElectraForMaskedLM(g)
    generator.electra.embeddings = discriminator.electra.embeddings
    generator.generator_lm_head.weight = discriminator.electra.embeddings.word_embeddings.weight
    parameters = {id(p): p for p in list(discriminator.parameters()) + list(generator.parameters())}.values()
    optimizer = torch.optim.AdamW(list(parameters), lr=1e-4, weight_decay=0.01)
    discriminator.train()
    generator.train()
    ids = torch.randint(1000, 30000, (args.batch, args.length))
    mask = torch.ones_like(ids)

    def update():
        chosen = torch.rand(ids.shape) < 0.15
        masked_ids = torch.where(chosen & (torch.rand(ids.shape) < 0.85), torch.full_like(ids, 103), ids)
        labels = torch.where(chosen, ids, torch.full_like(ids, -100))
        out = generator(input_ids=masked_ids, attention_mask=mask, labels=labels)
        with torch.no_grad():
            logits = out.logits[chosen]
            gumbel = -torch.log(-torch.log(torch.rand_like(logits).clamp(1e-9, 1)))
            sampled = (logits + gumbel).argmax(-1)
        fake = ids.clone()
        fake[chosen] = sampled
        replaced = (fake != ids).float()
        disc = discriminator(input_ids=fake, attention_mask=mask, labels=replaced)
        loss = out.loss + 50 * disc.loss
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(list(parameters), 1.0)
        optimizer.step()

    update()
    best = float("inf")
    for _ in range(args.repeats):
        start = time.perf_counter()
        update()
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"seconds": best, "peak_rss_bytes": float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)}))


if __name__ == "__main__":
    main()
