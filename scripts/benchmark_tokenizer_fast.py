"""Hugging Face's Rust tokenizer on the same text, for `electra benchmark tokenizer`.

    .venv-ref/bin/python scripts/benchmark_tokenizer_fast.py --vocab VOCAB --text FILE [--cased]

Encodes every non-empty line of FILE with `BertTokenizerFast` (the `tokenizers` library), on one
core (RAYON_NUM_THREADS=1, TOKENIZERS_PARALLELISM=false, set before import), without special tokens,
with offsets (as electra computes them), and prints {"seconds": best of 3, "bytes": UTF-8 bytes}.
"""
import argparse
import json
import os
import time

os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

from tokenizers import BertWordPieceTokenizer  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vocab", required=True)
    parser.add_argument("--text", required=True)
    parser.add_argument("--cased", action="store_true")
    args = parser.parse_args()
    with open(args.text, encoding="utf-8", errors="replace", newline="") as f:
        lines = [line for line in f.read().splitlines() if line.strip()]
    tokenizer = BertWordPieceTokenizer(args.vocab, lowercase=not args.cased, strip_accents=None if args.cased else True)
    total_bytes = sum(len(line.encode("utf-8")) for line in lines)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for line in lines:
            tokenizer.encode(line, add_special_tokens=False)
        best = min(best, time.perf_counter() - start)
    batch_best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        tokenizer.encode_batch(lines, add_special_tokens=False)
        batch_best = min(batch_best, time.perf_counter() - start)
    print(json.dumps({"seconds": best, "batch_seconds": batch_best, "bytes": total_bytes, "lines": len(lines)}))


if __name__ == "__main__":
    main()
