#!/usr/bin/env python3
"""Writes Tests/Fixtures/tfcheckpoint: a tiny ELECTRA pretraining checkpoint in Google's layout,
saved by TensorFlow's own TF1 saver, and the logits transformers computes from it.

It needs TensorFlow, PyTorch and transformers 4.x (whose `load_tf_weights_in_electra` is the oracle;
transformers 5 dropped it) in one environment (TensorFlow runs in a child process: it and PyTorch cannot
share one), e.g. a throwaway venv:

    python3 -m venv /tmp/tfenv && /tmp/tfenv/bin/pip install tensorflow-cpu "transformers==4.57.1" torch
    /tmp/tfenv/bin/python scripts/make_tf_checkpoint_fixtures.py

Files:

- model.ckpt-7.index, model.ckpt-7.data-00000-of-00001: the variables of google-research/electra's
  pretraining graph (run_pretraining.py, model/modeling.py) for a discriminator of hidden size 32 and
  a generator of hidden size 16 (2 layers each, embedding size 24, so both have an
  embeddings_project), the generator sharing electra/embeddings, plus Adam's slots (`*/adam_m`,
  `*/adam_v`, as model/optimization.py names them) and global_step, written by
  tf.compat.v1.train.Saver (a V2 bundle with name-based keys, as Google's releases).
- vocab.txt: the checkpoint's 120-token vocabulary (special tokens, the novel's frequent words).
- reference.safetensors: fixed inputs and the logits of transformers' ElectraForPreTraining
  (discriminator) and ElectraForMaskedLM (generator) after `load_tf_weights_in_electra`, with the
  configurations in the metadata. The heads (4 and 2) are not recorded in the checkpoint: the test
  passes them as the conversion's options.
"""

import collections
import json
import os
import re

import subprocess
import sys
import types

import numpy as np

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "tfcheckpoint")
NOVEL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "text", "pride-and-prejudice-pg1342.txt")
PREFIX = os.path.join(HERE, "model.ckpt-7")
VARIABLES = os.path.join(HERE, "variables-read-by-tensorflow.npz")  # deleted once read
EMBEDDING, POSITIONS, TYPES = 24, 64, 2
DISCRIMINATOR = dict(hidden=32, layers=2, heads=4, intermediate=64)
GENERATOR = dict(hidden=16, layers=2, heads=2, intermediate=64)


def vocabulary():
    """[PAD] [UNK] [CLS] [SEP] [MASK], punctuation, then the novel's most frequent words, 120 in all."""
    with open(NOVEL, encoding="utf-8") as f:
        text = f.read()[:60000].lower()
    counts = collections.Counter(re.findall(r"[a-z]+", text))
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ",", ";", "'", "\"", "!", "?", "-"]
    tokens += [w for w, _ in counts.most_common(120 - len(tokens))]
    return tokens


def google_variables(vocab_size):
    """(name, shape) of every variable run_pretraining.py creates for ELECTRA with untied generator
    weights and tied embeddings (Google's defaults)."""
    variables = [
        ("electra/embeddings/word_embeddings", [vocab_size, EMBEDDING]),
        ("electra/embeddings/token_type_embeddings", [TYPES, EMBEDDING]),
        ("electra/embeddings/position_embeddings", [POSITIONS, EMBEDDING]),
        ("electra/embeddings/LayerNorm/beta", [EMBEDDING]),
        ("electra/embeddings/LayerNorm/gamma", [EMBEDDING]),
    ]

    def dense(scope, n_in, n_out):
        return [(scope + "/kernel", [n_in, n_out]), (scope + "/bias", [n_out])]

    def layer_norm(scope, n):
        return [(scope + "/beta", [n]), (scope + "/gamma", [n])]

    def transformer(scope, size):
        h, i = size["hidden"], size["intermediate"]
        out = dense(scope + "/embeddings_project", EMBEDDING, h) if h != EMBEDDING else []
        for k in range(size["layers"]):
            layer = f"{scope}/encoder/layer_{k}"
            for part in ("query", "key", "value"):
                out += dense(f"{layer}/attention/self/{part}", h, h)
            out += dense(f"{layer}/attention/output/dense", h, h)
            out += layer_norm(f"{layer}/attention/output/LayerNorm", h)
            out += dense(f"{layer}/intermediate/dense", h, i)
            out += dense(f"{layer}/output/dense", i, h)
            out += layer_norm(f"{layer}/output/LayerNorm", h)
        return out

    variables += transformer("generator", GENERATOR)
    variables += dense("generator_predictions/dense", GENERATOR["hidden"], EMBEDDING)
    variables += layer_norm("generator_predictions/LayerNorm", EMBEDDING)
    variables += [("generator_predictions/output_bias", [vocab_size])]
    variables += transformer("electra", DISCRIMINATOR)
    variables += dense("discriminator_predictions/dense", DISCRIMINATOR["hidden"], DISCRIMINATOR["hidden"])
    variables += dense("discriminator_predictions/dense_1", DISCRIMINATOR["hidden"], 1)
    return variables


def write_checkpoint(vocab_size):
    """Saves the variables (random values, LayerNorm gammas near 1) with Adam's slots and global_step,
    then reads every variable back with TensorFlow's reader into VARIABLES (npz).

    Runs in a process of its own: TensorFlow and PyTorch cannot share one (their bundled LLVMs
    register the same options), so transformers' loader reads the variables TensorFlow read."""
    import tensorflow as tf

    rng = np.random.default_rng(2024)
    tf.compat.v1.disable_eager_execution()
    graph = tf.Graph()
    with graph.as_default():
        for name, shape in google_variables(vocab_size):
            if name.endswith("/gamma"):
                value = 1 + 0.1 * rng.standard_normal(shape)
            elif name.endswith("/bias") or name.endswith("/beta") or name.endswith("output_bias"):
                value = 0.1 * rng.standard_normal(shape)
            else:
                value = 0.2 * rng.standard_normal(shape)
            tf.compat.v1.get_variable(name, initializer=value.astype(np.float32), trainable=True)
            for slot in ("adam_m", "adam_v"):
                tf.compat.v1.get_variable(name + "/" + slot, initializer=(0.01 * rng.standard_normal(shape)).astype(np.float32),
                                          trainable=False)
        tf.compat.v1.get_variable("global_step", initializer=np.int64(7), trainable=False)
        saver = tf.compat.v1.train.Saver(write_version=tf.compat.v1.train.SaverDef.V2)
        with tf.compat.v1.Session(graph=graph) as session:
            session.run(tf.compat.v1.global_variables_initializer())
            saver.save(session, PREFIX, write_meta_graph=False, write_state=False)
    reader = tf.train.load_checkpoint(PREFIX)
    names = sorted(reader.get_variable_to_shape_map())
    np.savez(VARIABLES, **{name: reader.get_tensor(name) for name in names})
    with open(VARIABLES + ".version", "w") as f:
        f.write(tf.__version__)


def tensorflow_from_npz():
    """A stand-in `tensorflow` module for `load_tf_weights_in_electra`, serving the variables that
    TensorFlow's own reader read from the checkpoint (tf.train.list_variables / load_variable)."""
    variables = dict(np.load(VARIABLES))
    train = types.SimpleNamespace(
        list_variables=lambda path: [(name, list(variables[name].shape)) for name in sorted(variables)],
        load_variable=lambda path, name: variables[name])
    return types.ModuleType("tensorflow"), train, variables


def main():
    if sys.argv[1:] == ["--write-checkpoint"]:
        write_checkpoint(len(vocabulary()))
        return
    os.makedirs(HERE, exist_ok=True)
    tokens = vocabulary()
    with open(os.path.join(HERE, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(tokens) + "\n")
    subprocess.run([sys.executable, os.path.abspath(__file__), "--write-checkpoint"], check=True)
    module, train, variables = tensorflow_from_npz()
    module.train = train
    with open(VARIABLES + ".version") as f:
        tensorflow_version = f.read()
    os.remove(VARIABLES + ".version")
    os.remove(VARIABLES)

    os.environ["USE_TF"] = "0"  # transformers' PyTorch side only; the loader gets the stand-in below
    import torch
    import transformers
    from fixture_common import seed_torch, write_fixture
    from transformers import ElectraConfig, ElectraForMaskedLM, ElectraForPreTraining
    from transformers.models.electra.modeling_electra import load_tf_weights_in_electra

    sys.modules["tensorflow"] = module
    seed_torch(0)
    common = dict(vocab_size=len(tokens), embedding_size=EMBEDDING, max_position_embeddings=POSITIONS,
                  type_vocab_size=TYPES, hidden_act="gelu", layer_norm_eps=1e-12)

    def config(size):
        return ElectraConfig(hidden_size=size["hidden"], num_hidden_layers=size["layers"], num_attention_heads=size["heads"],
                             intermediate_size=size["intermediate"], **common)

    discriminator = ElectraForPreTraining(config(DISCRIMINATOR))
    load_tf_weights_in_electra(discriminator, discriminator.config, PREFIX, discriminator_or_generator="discriminator")
    generator = ElectraForMaskedLM(config(GENERATOR))
    load_tf_weights_in_electra(generator, generator.config, PREFIX, discriminator_or_generator="generator")
    discriminator.eval()
    generator.eval()

    # The loader leaves a parameter it does not find at its random initial value: check that every
    # one came from the checkpoint (the generator's output layer is tied to its word embeddings).
    word = variables["electra/embeddings/word_embeddings"]
    assert np.array_equal(discriminator.electra.embeddings.word_embeddings.weight.detach().numpy(), word)
    assert np.array_equal(generator.generator_lm_head.weight.detach().numpy(), word)
    assert np.array_equal(generator.electra.encoder.layer[1].output.dense.weight.detach().numpy(),
                          variables["generator/encoder/layer_1/output/dense/kernel"].T)
    assert np.array_equal(discriminator.discriminator_predictions.dense_prediction.weight.detach().numpy(),
                          variables["discriminator_predictions/dense_1/kernel"].T)

    g = torch.Generator().manual_seed(5)
    input_ids = torch.randint(5, len(tokens), (2, 12), generator=g)
    input_ids[:, 0] = 2
    input_ids[0, 11] = 3
    input_ids[1, 8] = 3
    input_ids[1, 9:] = 0
    input_ids[0, 4] = 4
    attention_mask = (input_ids != 0).long()
    attention_mask[0] = 1
    token_type_ids = torch.zeros_like(input_ids)
    token_type_ids[0, 6:] = 1
    with torch.no_grad():
        disc = discriminator(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).logits
        gen = generator(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).logits
    tensors = dict(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids,
                   discriminator_logits=disc, generator_logits=gen)
    metadata = dict(discriminator=json.dumps(DISCRIMINATOR), generator=json.dumps(GENERATOR),
                    embedding_size=str(EMBEDDING), tensorflow=tensorflow_version, torch=torch.__version__,
                    transformers=transformers.__version__, seed="2024")
    write_fixture({k: v.contiguous() for k, v in tensors.items()}, os.path.join(HERE, "reference.safetensors"), metadata)
    for name in sorted(os.listdir(HERE)):
        print(name, os.path.getsize(os.path.join(HERE, name)))


if __name__ == "__main__":
    main()
