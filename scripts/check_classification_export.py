"""Check that transformers loads what `electra finetune classify|ner` writes and computes the same outputs.

Runs the Swift CLI (.build/release/electra; build it first) on small synthetic data with the tiny model
fixture, then loads each output directory with transformers' AutoModelForSequenceClassification /
AutoModelForTokenClassification and its tokenizer (vocab.txt) and compares:

* sentence-pair classification and regression: the logits `electra predict --task classify` writes
  (JSON lines) against transformers' logits for the same texts (max |diff| must be < 1e-4);
* token classification: the tags `electra predict --task ner` writes against transformers' argmax at
  each word's first sub-token (must be identical);
* config.json: architectures, id2label/label2id and problem_type as transformers reads them.

Run from the repository root:  .venv-ref/bin/python scripts/check_classification_export.py
"""

import json
import os
import subprocess
import sys
import tempfile

import torch
from transformers import AutoModelForSequenceClassification, AutoModelForTokenClassification, BertTokenizer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ELECTRA = os.path.join(ROOT, ".build", "release", "electra")
MODEL = os.path.join(ROOT, "Tests", "Fixtures", "model", "discriminator")
CONLL = os.path.join(ROOT, "Tests", "Fixtures", "ner", "conll2003-sample.txt")
POSITIVE, NEGATIVE = ["great", "lovely", "fun", "good"], ["awful", "dull", "poor", "bad"]


def electra(*args):
    subprocess.run([ELECTRA, *args], check=True, stdout=subprocess.DEVNULL)


def write_csv(path, count, regression):
    with open(path, "w") as f:
        f.write("first,second,label\n")
        for k in range(count):
            words = POSITIVE if k % 2 else NEGATIVE
            label = (4.5 if k % 2 else 0.5) + 0.25 * (k % 3) if regression else ("yes" if k % 2 else "no")
            f.write(f"the film was {words[k % 4]},the {['book', 'song', 'meal'][k % 3]} was {words[(k + 1) % 4]} too,{label}\n")


def check_sequence(work, regression):
    train, dev = os.path.join(work, "train.csv"), os.path.join(work, "dev.csv")
    write_csv(train, 40, regression)
    write_csv(dev, 10, regression)
    out = os.path.join(work, "model")
    electra("finetune", "classify", "--train", train, "--dev", dev, "--text-column", "first", "--pair-column", "second",
            "--model", MODEL, "--output", out, "--epochs", "3", "--batch-size", "8", "--max-seq-length", "32",
            "--learning-rate", "2e-3")
    predictions = os.path.join(work, "dev.jsonl")
    electra("predict", "--task", "classify", "--model", out, "--input", dev, "--text-column", "first",
            "--pair-column", "second", "--output", predictions)
    swift = [json.loads(line)["logits"] for line in open(predictions)]
    model = AutoModelForSequenceClassification.from_pretrained(out).eval()
    tokenizer = BertTokenizer.from_pretrained(out)
    rows = [line.rstrip("\n").split(",") for line in open(dev)][1:]
    batch = tokenizer([r[0] for r in rows], [r[1] for r in rows], padding=True, truncation="longest_first",
                      max_length=128, return_tensors="pt")
    with torch.no_grad():
        logits = model(**batch).logits
    diff = (logits - torch.tensor(swift)).abs().max().item()
    config = model.config
    print(f"{'regression' if regression else 'classification'}: {config.architectures} problem_type {config.problem_type} "
          f"id2label {config.id2label}; logits of {len(rows)} pairs, max |diff| {diff:.2e}")
    assert diff < 1e-4, diff
    assert config.problem_type == ("regression" if regression else "single_label_classification")
    if not regression:
        assert config.id2label == {0: "no", 1: "yes"} and config.label2id == {"no": 0, "yes": 1}


def check_tokens(work):
    out = os.path.join(work, "ner")
    electra("finetune", "ner", "--train", CONLL, "--dev", CONLL, "--model", MODEL, "--output", out, "--epochs", "5",
            "--batch-size", "2", "--max-seq-length", "64", "--learning-rate", "2e-3")
    predicted = os.path.join(work, "predicted.txt")
    electra("predict", "--task", "ner", "--model", out, "--input", CONLL, "--output", predicted)
    swift = [line.split()[-1] for line in open(predicted) if line.strip()]
    model = AutoModelForTokenClassification.from_pretrained(out).eval()
    tokenizer = BertTokenizer.from_pretrained(out)
    sentences, words = [], []
    for line in open(CONLL):
        if line.startswith("-DOCSTART-"):
            continue
        if not line.strip():
            if words:
                sentences.append(words)
            words = []
        else:
            words.append(line.split()[0])
    if words:
        sentences.append(words)
    reference = []
    for words in sentences:
        ids, first = [tokenizer.cls_token_id], []
        for word in words:
            pieces = tokenizer.encode(word, add_special_tokens=False) or [tokenizer.unk_token_id]
            first.append(len(ids))
            ids += pieces
        ids.append(tokenizer.sep_token_id)
        with torch.no_grad():
            logits = model(input_ids=torch.tensor([ids])).logits[0]
        reference += [model.config.id2label[int(logits[i].argmax())] for i in first]
    same = sum(a == b for a, b in zip(swift, reference))
    print(f"token classification: {model.config.architectures}, {len(model.config.id2label)} tags; "
          f"{same} of {len(reference)} word tags agree")
    assert len(swift) == len(reference) and same == len(reference)


if __name__ == "__main__":
    if not os.path.exists(ELECTRA):
        sys.exit(f"{ELECTRA} is missing: build with `swift build -c release` first")
    with tempfile.TemporaryDirectory() as work:
        for name, regression in (("classification", False), ("regression", True)):
            os.makedirs(os.path.join(work, name))
            check_sequence(os.path.join(work, name), regression)
        check_tokens(work)
    print("transformers loads the exported directories and agrees")
