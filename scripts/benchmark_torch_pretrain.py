"""PyTorch side of `electra benchmark pretrain`: one ELECTRA pretraining update with transformers.

    .venv-ref/bin/python scripts/benchmark_torch_pretrain.py --size small --batch 32 --length 128 \
        [--repeats 3] [--precision fp32|bf16] [--compile]

PyTorch at its best (benchmark_common.py): SDPA attention, threads = cores, bf16 autocast for bf16.
A generator (ElectraForMaskedLM; hidden 1/4 of the discriminator's for small, 1/3 otherwise, rounded
up to a multiple of 64 as NVIDIA does, heads = width / 64) and a discriminator (ElectraForPreTraining)
share one embedding block. One update as Google and NVIDIA run it: mask 15% of the tokens (85%
[MASK]); the generator's encoder over all tokens but its MLM head only at the masked positions
(gathered first); Gumbel-max sampling there; discriminator loss over all tokens; loss = MLM + 50 ·
discriminator; backward; clip to 1.0; AdamW (torch has no LAMB; the optimizer is a small share).
Train mode (dropout on); --length up to 512 (max_position_embeddings). Prints {"seconds": best update,
"peak_rss_bytes": ru_maxrss, "baseline_rss_bytes": RSS after imports and model construction, before the
first update, "masked_rows": masked positions in the last update}.
"""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F
from benchmark_common import add_arguments, autocast, configure, maybe_compile, peak_rss_bytes, resident_bytes, run_compiled, sdpa
from electra_sizes import SIZES
from transformers import ElectraConfig, ElectraForMaskedLM, ElectraForPreTraining


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
    d = sdpa(ElectraConfig(**SIZES[args.size]))
    fraction = 0.25 if args.size == "small" else 1 / 3
    g_hidden = 64 * math.ceil(d.hidden_size * fraction / 64)
    g = sdpa(ElectraConfig(**{**SIZES[args.size], "hidden_size": g_hidden, "intermediate_size": 4 * g_hidden,
                              "num_attention_heads": g_hidden // 64}))
    discriminator = ElectraForPreTraining(d)
    generator = ElectraForMaskedLM(g)
    generator.electra.embeddings = discriminator.electra.embeddings
    generator.generator_lm_head.weight = discriminator.electra.embeddings.word_embeddings.weight
    parameters = list({id(p): p for p in list(discriminator.parameters()) + list(generator.parameters())}.values())
    optimizer = torch.optim.AdamW(parameters, lr=1e-4, weight_decay=0.01)
    discriminator.train()
    generator.train()
    generator_encoder = maybe_compile(args, generator.electra)
    discriminator_run = maybe_compile(args, discriminator)
    ids = torch.randint(1000, 30000, (args.batch, args.length))
    mask = torch.ones_like(ids)
    rows = []
    baseline = resident_bytes()

    def update():
        chosen = torch.rand(ids.shape) < 0.15
        if not chosen.any():                                # tiny shapes: keep the MLM loss defined
            chosen[0, 0] = True
        masked_ids = torch.where(chosen & (torch.rand(ids.shape) < 0.85), torch.full_like(ids, 103), ids)
        with autocast(args):
            hidden = generator_encoder(input_ids=masked_ids, attention_mask=mask).last_hidden_state
            at_masks = hidden[chosen]                       # the head runs at masked rows only
            logits = generator.generator_lm_head(generator.generator_predictions(at_masks))
            mlm = F.cross_entropy(logits.float(), ids[chosen])
        with torch.no_grad():
            gumbel = -torch.log(-torch.log(torch.rand_like(logits, dtype=torch.float32).clamp(1e-9, 1)))
            sampled = (logits.float() + gumbel).argmax(-1)
        fake = ids.clone()
        fake[chosen] = sampled
        replaced = (fake != ids).float()
        with autocast(args):
            disc = discriminator_run(input_ids=fake, attention_mask=mask).logits
            disc_loss = F.binary_cross_entropy_with_logits(disc.float(), replaced)
        loss = mlm + 50 * disc_loss
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(parameters, 1.0)
        optimizer.step()
        rows.append(int(chosen.sum()))

    run_compiled(args, update)
    best = float("inf")
    for _ in range(args.repeats):
        start = time.perf_counter()
        update()
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"seconds": best, "peak_rss_bytes": peak_rss_bytes(),
                      "baseline_rss_bytes": baseline, "masked_rows": float(rows[-1])}))


if __name__ == "__main__":
    main()
