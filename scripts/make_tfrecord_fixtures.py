#!/usr/bin/env python3
"""Writes the TFRecord fixtures of Tests/Fixtures/tfrecord with TensorFlow's own writer.

Run it in a throwaway environment (the tests themselves need no Python):

    python3 -m venv /tmp/tfenv && /tmp/tfenv/bin/pip install tensorflow-cpu
    /tmp/tfenv/bin/python scripts/make_tfrecord_fixtures.py

Files (ids of the BERT uncased vocabulary: [PAD]=0, [CLS]=101, [SEP]=102, [MASK]=103):

- electra-128.tfrecord: records as ELECTRA's build_pretraining_dataset.py writes them: input_ids,
  input_mask, segment_ids, padded to 128.
- bert-64.tfrecord: records as BERT's create_pretraining_data.py writes them, padded to 64: the same
  three features plus masked_lm_positions/masked_lm_ids/masked_lm_weights (20 predictions, padded
  with zeros) and next_sentence_labels, with the input masked (80% [MASK], 10% random, 10% kept),
  features added in a shuffled order.
- expected.json: for each file, the examples as they must come out (unmasked ids, segment-B start),
  and the TensorFlow version that wrote them.
"""

import collections
import json
import os
import random

import tensorflow as tf

CLS, SEP, MASK, VOCAB = 101, 102, 103, 30522
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "tfrecord")


def int_feature(values):
    return tf.train.Feature(int64_list=tf.train.Int64List(value=list(values)))


def float_feature(values):
    return tf.train.Feature(float_list=tf.train.FloatList(value=list(values)))


def make_example(rng, max_len, total):
    """[CLS] A [SEP] (B [SEP]) of `total` tokens; ids spread over the vocabulary, some above 28996."""
    body = total - 2
    two_segments = body >= 4 and rng.random() < 0.7
    if two_segments:
        body -= 1
        a_len = rng.randint(1, body - 1)
        a = [rng.randrange(999, VOCAB) for _ in range(a_len)]
        b = [rng.randrange(999, VOCAB) for _ in range(body - a_len)]
        tokens = [CLS] + a + [SEP] + b + [SEP]
        b_start = a_len + 2
    else:
        tokens = [CLS] + [rng.randrange(999, VOCAB) for _ in range(body)] + [SEP]
        b_start = len(tokens)
    tokens[1] = 29500  # outside the cased vocabulary (28,996 tokens)
    return tokens, b_start


def padded(values, length):
    return values + [0] * (length - len(values))


def electra_record(tokens, b_start, max_len):
    segments = [0] * b_start + [1] * (len(tokens) - b_start)
    features = collections.OrderedDict()
    features["input_ids"] = int_feature(padded(tokens, max_len))
    features["input_mask"] = int_feature(padded([1] * len(tokens), max_len))
    features["segment_ids"] = int_feature(padded(segments, max_len))
    return tf.train.Example(features=tf.train.Features(feature=features))


def bert_record(rng, tokens, b_start, max_len, max_predictions=20):
    segments = [0] * b_start + [1] * (len(tokens) - b_start)
    candidates = [i for i, t in enumerate(tokens) if t not in (CLS, SEP)]
    rng.shuffle(candidates)
    positions = sorted(candidates[:min(max_predictions, max(1, round(len(tokens) * 0.15)))])
    masked = list(tokens)
    for p in positions:
        draw = rng.random()
        masked[p] = MASK if draw < 0.8 else (tokens[p] if draw < 0.9 else rng.randrange(999, VOCAB))
    entries = [
        ("input_ids", int_feature(padded(masked, max_len))),
        ("input_mask", int_feature(padded([1] * len(tokens), max_len))),
        ("segment_ids", int_feature(padded(segments, max_len))),
        ("masked_lm_positions", int_feature(padded(positions, max_predictions))),
        ("masked_lm_ids", int_feature(padded([tokens[p] for p in positions], max_predictions))),
        ("masked_lm_weights", float_feature(padded([1.0] * len(positions), max_predictions))),
        ("next_sentence_labels", int_feature([rng.randint(0, 1)])),
    ]
    rng.shuffle(entries)
    features = collections.OrderedDict(entries)
    return tf.train.Example(features=tf.train.Features(feature=features))


def main():
    os.makedirs(HERE, exist_ok=True)
    rng = random.Random(12345)
    expected = {"tensorflow": tf.__version__, "files": {}}

    lengths = [128, 5, 77, 128, 40, 3, 100, 64]
    examples = [make_example(rng, 128, n) for n in lengths]
    with tf.io.TFRecordWriter(os.path.join(HERE, "electra-128.tfrecord")) as writer:
        for tokens, b_start in examples:
            writer.write(electra_record(tokens, b_start, 128).SerializeToString())
    expected["files"]["electra-128.tfrecord"] = [{"tokens": t, "segment_b_start": b} for t, b in examples]

    lengths = [64, 30, 12, 64, 51]
    examples = [make_example(rng, 64, n) for n in lengths]
    with tf.io.TFRecordWriter(os.path.join(HERE, "bert-64.tfrecord")) as writer:
        for tokens, b_start in examples:
            writer.write(bert_record(rng, tokens, b_start, 64).SerializeToString())
    expected["files"]["bert-64.tfrecord"] = [{"tokens": t, "segment_b_start": b} for t, b in examples]

    with open(os.path.join(HERE, "expected.json"), "w") as out:  # one example a line
        out.write('{"tensorflow": %s, "files": {\n' % json.dumps(expected["tensorflow"]))
        for index, (name, rows) in enumerate(expected["files"].items()):
            out.write(' %s: [\n  ' % json.dumps(name) + ",\n  ".join(json.dumps(row) for row in rows) + "\n ]")
            out.write(",\n" if index + 1 < len(expected["files"]) else "\n")
        out.write("}}\n")


if __name__ == "__main__":
    main()
