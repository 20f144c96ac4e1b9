"""Check a model directory exported by the Swift ELECTRA project against transformers.

Usage (from the repository root):

    .venv-ref/bin/python scripts/check_export.py DIR --inputs FILE [--rtol 1e-4] [--ignore-padding] [--strict]

DIR is a Hugging Face style model directory (config.json + model.safetensors)
written by the Swift side. The architecture is taken from config.json
``architectures`` (ElectraForPreTraining or ElectraForMaskedLM) and the model is
loaded with ``from_pretrained(DIR, attn_implementation="eager")`` from the local
directory only (no hub access), then run in eval mode (no dropout).

FILE is a safetensors file written by the Swift side with:

* ``input_ids`` [B,T] (any integer dtype),
* ``attention_mask`` [B,T] (optional; default all ones),
* ``token_type_ids`` [B,T] (optional; default all zeros),
* ``expected_logits``: [B,T] for ElectraForPreTraining, [B,T,V] for
  ElectraForMaskedLM; alternatively [N] / [N,V] together with an integer
  ``rows`` [N] tensor of flattened positions b*T+t to compare only those rows.

The script prints the loading report (missing / unexpected / mismatched keys)
and max |logits - expected_logits|. It exits 0 when

    max|diff| <= rtol * max(1, max|expected_logits|)

and no weight was newly initialized (a missing or shape-mismatched key), else 1.
Unexpected keys are reported but only fail the check with ``--strict``.
``--ignore-padding`` compares only positions with attention_mask == 1.
"""

import argparse
import json
import os
import sys

import torch
import transformers
from safetensors.torch import load_file

SUPPORTED = ("ElectraForPreTraining", "ElectraForMaskedLM")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", help="model directory (config.json + model.safetensors)")
    ap.add_argument("--inputs", required=True, help="safetensors with input_ids, attention_mask, "
                    "token_type_ids, expected_logits [, rows]")
    ap.add_argument("--rtol", type=float, default=1e-4,
                    help="tolerance relative to max(1, max|expected|) (default 1e-4)")
    ap.add_argument("--ignore-padding", action="store_true",
                    help="compare only positions with attention_mask == 1")
    ap.add_argument("--strict", action="store_true", help="also fail on unexpected keys")
    args = ap.parse_args(argv)

    config_path = os.path.join(args.dir, "config.json")
    if not os.path.isfile(config_path):
        print(f"error: {config_path} not found", file=sys.stderr)
        return 1
    with open(config_path, encoding="utf-8") as f:
        config = json.load(f)
    archs = config.get("architectures") or []
    arch = next((a for a in archs if a in SUPPORTED), None)
    if arch is None:
        print(f"error: config.json architectures {archs} contains none of {SUPPORTED}", file=sys.stderr)
        return 1
    cls = getattr(transformers, arch)

    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    try:
        # ignore_mismatched_sizes=True: a wrongly shaped tensor is reported in
        # mismatched_keys (and freshly initialized) instead of raising.
        model, info = cls.from_pretrained(
            args.dir, attn_implementation="eager", output_loading_info=True, local_files_only=True,
            ignore_mismatched_sizes=True)
    except Exception as exc:  # noqa: BLE001 - report any loading failure as a check failure
        print(f"FAIL: from_pretrained raised {type(exc).__name__}: {exc}")
        return 1
    model.eval()
    print(f"loaded {arch} from {args.dir} (transformers {transformers.__version__}, torch {torch.__version__})")

    ok = True
    for kind in ("missing_keys", "unexpected_keys", "mismatched_keys", "error_msgs"):
        items = sorted(str(x) for x in (info.get(kind) or []))
        print(f"{kind}: {len(items)}")
        for x in items:
            print(f"  {x}")
        if items and (kind in ("missing_keys", "mismatched_keys", "error_msgs")
                      or (kind == "unexpected_keys" and args.strict)):
            ok = False
    if not ok:
        print("FAIL: weights were newly initialized or failed to load" +
              (" (or unexpected keys with --strict)" if args.strict else ""))

    if arch == "ElectraForMaskedLM" and model.config.tie_word_embeddings:
        head = model.generator_lm_head.weight
        emb = model.electra.embeddings.word_embeddings.weight
        if head is not emb:
            print("note: config ties generator_lm_head.weight to the word embeddings, but the checkpoint holds a "
                  "different generator_lm_head.weight, so transformers loaded the two untied")

    data = load_file(args.inputs)
    for key in ("input_ids", "expected_logits"):
        if key not in data:
            print(f"error: {args.inputs} has no '{key}' tensor", file=sys.stderr)
            return 1
    input_ids = data["input_ids"].to(torch.int64)
    if input_ids.dim() != 2:
        print(f"error: input_ids must be [B,T], got {list(input_ids.shape)}", file=sys.stderr)
        return 1
    batch, seq = input_ids.shape
    attention_mask = data.get("attention_mask", torch.ones_like(input_ids)).to(torch.int64)
    token_type_ids = data.get("token_type_ids", torch.zeros_like(input_ids)).to(torch.int64)
    expected = data["expected_logits"].to(torch.float32)

    with torch.no_grad():
        logits = model(input_ids=input_ids, attention_mask=attention_mask,
                       token_type_ids=token_type_ids).logits.to(torch.float32)

    # Flatten positions to rows: [B*T] (discriminator) or [B*T, V] (generator).
    flat = logits.reshape(batch * seq, *logits.shape[2:])
    keep = torch.arange(batch * seq)
    if "rows" in data:
        keep = data["rows"].to(torch.int64).reshape(-1)
        exp_flat = expected.reshape(keep.numel(), *logits.shape[2:])
    else:
        if tuple(expected.shape) != tuple(logits.shape):
            print(f"error: expected_logits shape {list(expected.shape)} != model logits shape "
                  f"{list(logits.shape)} (pass 'rows' to compare a subset)", file=sys.stderr)
            return 1
        exp_flat = expected.reshape(flat.shape)
    got = flat[keep]
    if args.ignore_padding:
        real = attention_mask.reshape(-1)[keep] == 1
        got, exp_flat = got[real], exp_flat[real]

    diff = (got - exp_flat).abs()
    max_diff = diff.max().item() if diff.numel() else 0.0
    max_expected = exp_flat.abs().max().item() if exp_flat.numel() else 0.0
    tol = args.rtol * max(1.0, max_expected)
    where = ""
    if diff.numel():
        idx = int(diff.reshape(-1).argmax())
        where = f" at flat index {idx}"
    print(f"compared {got.numel()} logits over {got.shape[0]} positions; "
          f"max|expected| = {max_expected:.6g}")
    print(f"max |diff| = {max_diff:.3e}{where}; tolerance = {tol:.3e} (rtol {args.rtol:g})")
    if not torch.isfinite(got).all() or not torch.isfinite(exp_flat).all():
        print("FAIL: non-finite logits")
        ok = False
    elif max_diff > tol:
        print("FAIL: logits differ")
        ok = False
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
