"""Generate Hugging Face reference fixtures for the Swift ELECTRA model tests.

Produces ``Tests/Fixtures/model/``:

* ``discriminator/``: a tiny ``ElectraForPreTraining`` (hidden 32, embedding 16,
  2 layers, 4 heads, intermediate 64, max positions 64, full 30,522-token BERT
  uncased vocabulary) written by ``save_pretrained(..., safe_serialization=True)``
  (``config.json`` + ``model.safetensors``) plus a copy of ``vocab.txt``.
* ``generator/``: a tiny ``ElectraForMaskedLM`` (hidden 16, embedding 16, 2
  layers, 2 heads, intermediate 32), same layout. Because embedding_size ==
  hidden_size it has NO ``electra.embeddings_project``; its
  ``generator_lm_head.weight`` is tied to
  ``electra.embeddings.word_embeddings.weight`` and is therefore not stored in
  its ``model.safetensors`` (only ``generator_lm_head.bias`` is).
* ``parity.safetensors``: inputs, forward outputs, losses and gradients of both
  models computed by transformers/PyTorch (float32 CPU, eager attention, eval
  mode, i.e. no dropout). Float tensors are float32, integer tensors int64.

Weights are random (seed SEED) but deliberately "non-trivial" so that the Swift
tests are sensitive to every parameter: Linear/embedding weights ~ N(0, 0.2),
all biases ~ N(0, 0.1), LayerNorm weights ~ 1 + N(0, 0.1). The config keeps
``initializer_range`` 0.02 (the weights are overwritten after construction).
Row 0 of the word embeddings (the [PAD] row, padding_idx=0) is random too.

Contents of ``parity.safetensors`` (B=2, T=12, V=30522):

* ``input_ids`` [2,12], ``attention_mask`` [2,12], ``token_type_ids`` [2,12]:
  row 0 is a full sentence pair with two [MASK]s, row 1 has 9 real tokens (one
  [MASK]) and 3 [PAD]s (id 0, mask 0, token type 0).
* ``disc.logits`` [2,12], ``disc.hidden`` [2,12,32] (encoder last hidden state),
  ``disc.dlogits`` [2,12] = random R. For loss = sum(logits * R) over ALL
  positions (padding included): ``disc.grad.<HF parameter name>`` for every
  parameter, ``disc.grad.embeddings_output`` [2,12,16] (gradient w.r.t. the
  ElectraEmbeddings output, i.e. after its LayerNorm and before
  embeddings_project) and ``disc.grad.word_lookup`` [2,12,16] (gradient w.r.t.
  the word-embedding lookup result, before adding position/type embeddings).
* ``gen.rows`` [3] int64 flattened positions b*12+t (the [MASK] positions),
  ``gen.logits`` [3,V] the MLM logits there,
  ``gen.hidden`` [2,12,16], ``gen.dlogits`` [3,V] = random R. For loss =
  sum(logits.view(-1,V)[rows] * R): ``gen.grad.<name>``,
  ``gen.grad.embeddings_output`` [2,12,16], ``gen.grad.word_lookup`` [2,12,16].
  The generator's LM head weight is tied to the word embeddings, so the single
  shared tensor's gradient (lookup part + LM-head part) is stored once, under
  ``gen.grad.electra.embeddings.word_embeddings.weight``; there is no
  ``gen.grad.generator_lm_head.weight``.
* ``gen.mlm_labels`` [2,12] int64 (-100 except at ``gen.rows``, where they are
  ids of a second random id matrix) and ``gen.mlm_loss`` [1] (the model's own
  CrossEntropyLoss, mean over the 3 labelled positions).
* ``disc.labels`` [2,12] float (random 0/1) and ``disc.bce_loss`` [1] (the
  model's own BCEWithLogitsLoss, mean over positions with attention_mask == 1).

PyTorch semantics worth knowing when comparing gradients: the word embedding is
``nn.Embedding(..., padding_idx=0)``, so the embedding LOOKUP never sends
gradient to row 0. ``disc.grad.electra.embeddings.word_embeddings.weight[0]`` is
therefore exactly zero even though [PAD] tokens occur (and padding positions
carry non-zero R); the generator's row 0 holds only the tied LM-head
contribution. ``*.grad.word_lookup`` lets a test reconstruct the row-0 value an
implementation without padding_idx would produce (sum over [PAD] positions).

The generated files are committed, so the Swift tests do not need Python. To
regenerate them (from the repository root):

    python3 -m venv .venv-ref
    .venv-ref/bin/pip install torch transformers safetensors tokenizers
    .venv-ref/bin/python scripts/make_model_fixtures.py

Output is byte-for-byte deterministic for a given torch/transformers version
(the versions are recorded in config.json and the parity file's metadata).
"""

import hashlib
import os
import shutil

import safetensors
import torch
import transformers
from safetensors import safe_open
from fixture_common import TINY_ELECTRA, TensorCollector, canonicalize_metadata_order, randomize_parameters, seed_torch, write_fixture
from transformers import ElectraConfig, ElectraForMaskedLM, ElectraForPreTraining

SEED = 20261126
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(REPO_ROOT, "Tests", "Fixtures", "model")
VOCAB_PATH = os.path.join(
    REPO_ROOT, "Sources", "ElectraTokenizer", "Resources", "bert-base-uncased-vocab.txt"
)
SCRIPT_NAME = "scripts/make_model_fixtures.py"

WEIGHT_STD = 0.2
BIAS_STD = 0.1
LAYERNORM_STD = 0.1

B, T = 2, 12
PAD, UNK, CLS, SEP, MASK = 0, 100, 101, 102, 103

seed_torch(SEED)

COMMON = TINY_ELECTRA
DISC_CONFIG = ElectraConfig(**COMMON)
GEN_CONFIG = ElectraConfig(**{**COMMON, "hidden_size": 16, "num_attention_heads": 2, "intermediate_size": 32})


def build(cls, config, gen):
    """Construct ``cls`` from ``config`` and overwrite every parameter from ``gen``."""
    model = cls._from_config(config, attn_implementation="eager")
    assert model.config._attn_implementation == "eager"
    # named_parameters() lists a tied tensor once, in a fixed order.
    randomize_parameters(model.named_parameters(), gen, WEIGHT_STD, BIAS_STD, LAYERNORM_STD)
    model.eval()
    return model


def vocab_id(vocab, word):
    return vocab.index(word)


# ---------------------------------------------------------------------------
# Models
gen_rng = torch.Generator().manual_seed(SEED)
disc = build(ElectraForPreTraining, DISC_CONFIG, gen_rng)
generator = build(ElectraForMaskedLM, GEN_CONFIG, gen_rng)
assert generator.generator_lm_head.weight is generator.electra.embeddings.word_embeddings.weight
assert disc.electra.embeddings.word_embeddings.padding_idx == PAD
assert not hasattr(generator.electra, "embeddings_project")
assert hasattr(disc.electra, "embeddings_project")

# ---------------------------------------------------------------------------
# Inputs
with open(VOCAB_PATH, encoding="utf-8") as f:
    vocab = [line.rstrip("\n") for line in f]
assert len(vocab) == 30522 and vocab[CLS] == "[CLS]" and vocab[MASK] == "[MASK]"
w = lambda s: [vocab_id(vocab, x) for x in s.split()]  # noqa: E731

# Row 0: [CLS] the quick [MASK] fox jumps [SEP] over the [MASK] dog [SEP]
row0 = [CLS] + w("the quick") + [MASK] + w("fox jumps") + [SEP] + w("over the") + [MASK] + w("dog") + [SEP]
tt0 = [0] * 7 + [1] * 5
# Row 1: [CLS] hello world [SEP] how are you [MASK] [SEP] [PAD] [PAD] [PAD]
row1 = [CLS] + w("hello world") + [SEP] + w("how are you") + [MASK] + [SEP] + [PAD] * 3
tt1 = [0] * 4 + [1] * 5 + [0] * 3
input_ids = torch.tensor([row0, row1], dtype=torch.int64)
token_type_ids = torch.tensor([tt0, tt1], dtype=torch.int64)
attention_mask = (torch.arange(T)[None, :] < torch.tensor([[12], [9]])).to(torch.int64)
assert input_ids.shape == (B, T) and token_type_ids.shape == (B, T)
assert ((input_ids == PAD) == (attention_mask == 0)).all()

mask_rows = (input_ids.view(-1) == MASK).nonzero().view(-1).tolist()
rows = torch.tensor(sorted(mask_rows), dtype=torch.int64)  # three rows keep the file under 5 MB
assert len(rows) == 3 and attention_mask.view(-1)[rows].all()

_collector = TensorCollector()
tensors = _collector.tensors
put = _collector.put




put("input_ids", input_ids)
put("attention_mask", attention_mask)
put("token_type_ids", token_type_ids)


def run_with_grads(model, prefix, select):
    """Forward + backward of sum(select(logits) * R); stores outputs and gradients."""
    captured = {}

    def emb_hook(_module, _inputs, output):
        output.retain_grad()
        captured["embeddings_output"] = output

    def word_hook(_module, _inputs, output):
        output.retain_grad()
        captured["word_lookup"] = output

    def enc_hook(_module, _inputs, output):
        captured["hidden"] = output.last_hidden_state

    emb = model.electra.embeddings
    handles = [
        emb.register_forward_hook(emb_hook),
        emb.word_embeddings.register_forward_hook(word_hook),
        model.electra.encoder.register_forward_hook(enc_hook),
    ]
    model.zero_grad(set_to_none=True)
    out = model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
    for h in handles:
        h.remove()
    logits = select(out.logits)
    R = torch.randn(logits.shape, generator=gen_rng)
    (logits * R).sum().backward()

    put(f"{prefix}.logits", logits)
    put(f"{prefix}.hidden", captured["hidden"])
    put(f"{prefix}.dlogits", R)
    for name, p in model.named_parameters():
        assert p.grad is not None, name
        put(f"{prefix}.grad.{name}", p.grad)
    put(f"{prefix}.grad.embeddings_output", captured["embeddings_output"].grad)
    put(f"{prefix}.grad.word_lookup", captured["word_lookup"].grad)
    return logits


# Discriminator: loss = sum(logits * R) over every position.
disc_logits = run_with_grads(disc, "disc", lambda lg: lg)
assert disc_logits.shape == (B, T)
assert (tensors["disc.grad.electra.embeddings.word_embeddings.weight"][PAD] == 0).all()

# Generator: loss = sum(logits[rows] * R).
V = GEN_CONFIG.vocab_size
gen_logits = run_with_grads(generator, "gen", lambda lg: lg.reshape(-1, V)[rows])
assert gen_logits.shape == (len(rows), V)
put("gen.rows", rows)

# Plain losses via the models' own loss code.
with torch.no_grad():
    second_ids = torch.randint(1000, V, (B, T), generator=gen_rng)  # "original" ids
    mlm_labels = torch.full((B * T,), -100, dtype=torch.int64)
    mlm_labels[rows] = second_ids.view(-1)[rows]
    mlm_labels = mlm_labels.view(B, T)
    out = generator(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids,
                    labels=mlm_labels)
    put("gen.mlm_labels", mlm_labels)
    put("gen.mlm_loss", out.loss.reshape(1))
    # Cross-check: identical to the logits stored above.
    assert torch.allclose(out.logits.reshape(-1, V)[rows], tensors["gen.logits"], atol=0, rtol=0)

    disc_labels = torch.randint(0, 2, (B, T), generator=gen_rng).to(torch.float32)
    out = disc(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids,
               labels=disc_labels)
    put("disc.labels", disc_labels)
    put("disc.bce_loss", out.loss.reshape(1))
    ref = torch.nn.functional.binary_cross_entropy_with_logits(
        tensors["disc.logits"][attention_mask == 1], disc_labels[attention_mask == 1])
    assert torch.allclose(ref, out.loss, atol=1e-6), (ref, out.loss)

# ---------------------------------------------------------------------------
# Save models
os.makedirs(OUT_DIR, exist_ok=True)
for sub, model in (("discriminator", disc), ("generator", generator)):
    d = os.path.join(OUT_DIR, sub)
    if os.path.isdir(d):
        shutil.rmtree(d)
    model.save_pretrained(d, safe_serialization=True)
    shutil.copyfile(VOCAB_PATH, os.path.join(d, "vocab.txt"))




for sub in ("discriminator", "generator"):
    canonicalize_metadata_order(os.path.join(OUT_DIR, sub, "model.safetensors"))

# Save parity file
metadata = {
    "generator": SCRIPT_NAME,
    "seed": str(SEED),
    "torch_version": torch.__version__,
    "transformers_version": transformers.__version__,
    "safetensors_version": safetensors.__version__,
    "attn_implementation": "eager",
    "init": f"weights N(0,{WEIGHT_STD}); biases N(0,{BIAS_STD}); LayerNorm weight 1+N(0,{LAYERNORM_STD})",
    "disc.loss": "sum(disc.logits * disc.dlogits) over all B*T positions (padding included)",
    "gen.loss": "sum(logits.view(-1, vocab)[gen.rows] * gen.dlogits)",
    "gen.tied": ("generator_lm_head.weight is tied to electra.embeddings.word_embeddings.weight; the gradient of "
                 "the shared tensor (lookup + LM head) is stored once as "
                 "gen.grad.electra.embeddings.word_embeddings.weight"),
    "padding_idx": ("word_embeddings has padding_idx=0: the lookup sends no gradient to row 0 "
                    "(disc row 0 is exactly 0; gen row 0 is the LM-head part only)"),
    "embeddings_output": ("grad w.r.t. ElectraEmbeddings output (after LayerNorm, before embeddings_project); "
                          "word_lookup: grad w.r.t. word_embeddings(input_ids)"),
    "gen.mlm_loss": "ElectraForMaskedLM loss with labels gen.mlm_labels (mean CE over the 3 labelled rows)",
    "disc.bce_loss": "ElectraForPreTraining loss with labels disc.labels and attention_mask (mean over real tokens)",
}
parity_path = os.path.join(OUT_DIR, "parity.safetensors")
loaded = write_fixture(tensors, parity_path, metadata)

for sub, model in (("discriminator", disc), ("generator", generator)):
    d = os.path.join(OUT_DIR, sub)
    with safe_open(os.path.join(d, "model.safetensors"), "pt") as f:
        keys = sorted(f.keys())
        for k in keys:
            assert f.get_tensor(k).dtype == torch.float32, k
    params = dict(model.named_parameters())
    assert set(keys) == set(params) | ({"generator_lm_head.bias"} & set(keys)), (sub, set(keys) ^ set(params))
    # Every stored parameter has a gradient in the parity file.
    prefix = "disc" if sub == "discriminator" else "gen"
    for k in keys:
        assert f"{prefix}.grad.{k}" in loaded, k
    print(f"{sub}: {len(keys)} tensors in model.safetensors")
    # Reload through transformers and check the logits reproduce.
    cls = type(model)
    reloaded, info = cls.from_pretrained(d, attn_implementation="eager", output_loading_info=True)
    assert not info["missing_keys"] and not info["unexpected_keys"] and not info["mismatched_keys"], info
    with torch.no_grad():
        lg = reloaded(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).logits
    lg = lg if sub == "discriminator" else lg.reshape(-1, V)[rows]
    assert torch.equal(lg, loaded[f"{prefix}.logits"]), sub

total = 0
for root, _dirs, files in sorted(os.walk(OUT_DIR)):
    for fn in sorted(files):
        p = os.path.join(root, fn)
        size = os.path.getsize(p)
        total += size
        with open(p, "rb") as fh:
            digest = hashlib.sha256(fh.read()).hexdigest()[:16]
        print(f"{os.path.relpath(p, REPO_ROOT):60s} {size:>10d}  sha256:{digest}")
print(f"total {total} bytes; {len(loaded)} tensors in parity.safetensors")
print("disc.logits", loaded["disc.logits"])
print("gen.mlm_loss", loaded["gen.mlm_loss"].item(), "disc.bce_loss", loaded["disc.bce_loss"].item())
assert total < 12 * 1024 * 1024
