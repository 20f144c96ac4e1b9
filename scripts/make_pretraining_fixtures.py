"""Generate a reference fixture for ONE full ELECTRA pretraining step.

Produces ``Tests/Fixtures/pretraining/step.safetensors``: the inputs, outputs,
losses, gradients and one hand-computed LAMB update of a single
generator + discriminator pretraining step computed with transformers/PyTorch
(float32 CPU, eager attention, eval mode = no dropout), with the masking and the
generator "sampling" given as fixed tensors so that a Swift implementation can
reproduce the step exactly and compare losses, gradients and the optimizer
update.

Models (full 30,522-token BERT uncased vocabulary, embedding_size 16, max
positions 64, 2 token types, 2 layers, layer_norm_eps 1e-12, gelu):

* discriminator: ``ElectraForPreTraining`` with hidden 32, 4 heads,
  intermediate 64 (has ``electra.embeddings_project`` 16->32);
* generator: ``ElectraForMaskedLM`` with hidden 8, 1 head, intermediate 32
  (has its own ``electra.embeddings_project`` 16->8).

Embedding sharing: after construction the generator's ``electra.embeddings``
module is replaced by the discriminator's module object
(``generator.electra.embeddings = disc.electra.embeddings``), so word, position
and token-type embeddings AND the embeddings LayerNorm are the very same tensors
in both models and the gradients of both losses accumulate into them. The
generator's ``generator_lm_head.weight`` is then explicitly re-tied to the
shared word-embedding tensor (transformers does not re-tie automatically after a
module swap; the script asserts the identity right before the forward pass).

Weights are random (seed SEED): Linear/embedding weights ~ N(0, 0.2), biases ~
N(0, 0.1), LayerNorm weights ~ 1 + N(0, 0.1). The discriminator's parameters are
drawn first (in ``named_parameters()`` order), then the generator's non-shared
parameters, from one ``torch.Generator``. Row 0 ([PAD]) of the word embeddings
is random too.

Step (B=2, T=12, K=5, V=16384: the first 16,384 tokens of BERT's vocabulary, which hold every
word used, so that the file stays small):

1. ``input_ids`` [2,12] int64: row 0 is a full sentence pair, row 1 has 9 real
   tokens and 3 trailing [PAD]=0. ``attention_mask`` [2,12] (1 on real tokens),
   ``token_type_ids`` [2,12] (0 up to and including the first [SEP], 1 after it,
   0 on padding).
2. ``masked_positions`` [K] int64: flattened positions b*T+t (none on
   [CLS]/[SEP]/[PAD]). ``masked_input_ids`` [2,12]: the generator input; [MASK]
   (103) at 4 of them, the original token kept at 1 of them (the "keep" case).
3. Generator forward on ``masked_input_ids`` (same attention_mask /
   token_type_ids). ``gen_logits`` [K,V] = logits.view(-1,V)[masked_positions].
   ``mlm_loss`` [1] = mean over the K rows of cross-entropy against the ORIGINAL
   ids ``input_ids.view(-1)[masked_positions]``.
4. ``sampled_ids`` [K] int64: fixed "sampled" replacement tokens (3 differ from
   the original token, 2 equal it). ``fake_input_ids`` [2,12] = input_ids with
   input_ids.view(-1)[masked_positions] = sampled_ids. ``disc_labels`` [2,12]
   float = 1 where fake_input_ids != input_ids else 0 (so a sampled token equal
   to the original is NOT replaced). No gradient flows through sampling.
5. Discriminator forward on ``fake_input_ids``: ``disc_logits`` [2,12];
   ``disc_loss`` [1] = BCEWithLogits mean over positions with attention_mask==1
   (the model's own loss with labels=disc_labels).
6. ``total_loss`` [1] = 1.0 * mlm_loss + 50.0 * disc_loss; one backward pass.

Saved parameters/gradients (all float32):

* ``param.disc.<HF name>`` and ``grad.disc.<HF name>`` for every parameter of
  the discriminator. The shared embedding block appears ONLY here, under the
  discriminator's names ``electra.embeddings.*``, and its gradients include the
  generator's contribution (lookup + embeddings LayerNorm), plus, for
  ``electra.embeddings.word_embeddings.weight``, the tied generator LM-head
  weight gradient.
* ``param.gen.<HF name>`` and ``grad.gen.<HF name>`` for every generator
  parameter that is not shared (``electra.embeddings_project.*``,
  ``electra.encoder.*``, ``generator_predictions.*``,
  ``generator_lm_head.bias``). There is no ``*.gen.generator_lm_head.weight`` and
  no ``*.gen.electra.embeddings.*``.
* padding_idx: the word embedding is ``nn.Embedding(..., padding_idx=0)``, so
  the lookups (generator AND discriminator) send no gradient to row 0; row 0 of
  ``grad.disc.electra.embeddings.word_embeddings.weight`` is the tied LM-head
  contribution only.

LAMB (one step, computed by hand in float64 from the float32 params/grads):
global gradient norm over ALL gradients (disc + non-shared gen, each tensor
once) -> ``global_grad_norm`` [1]; clip factor c = min(1, 1/(norm + 1e-6)),
g = c * grad. lr 1e-3, beta1 0.878, beta2 0.974, eps 1e-6, weight decay 0.01
for parameters whose name contains neither "LayerNorm" nor "bias". Step 1 with
bias correction: m_hat = g, v_hat = g^2; u = m_hat / (sqrt(v_hat) + eps)
(+ wd * w if decayed). Trust ratio r = ||w|| / ||u|| if both > 0 else 1, but
r = 1 for "LayerNorm"/"bias" parameters (skip adaptive). w_new = w - lr*r*u,
stored as float32 in ``lamb.disc.<name>`` / ``lamb.gen.<name>``.

The generated file is committed, so the Swift tests do not need Python. To
regenerate it (from the repository root):

    .venv-ref/bin/python scripts/make_pretraining_fixtures.py

Output is byte-for-byte deterministic for a given torch/transformers version
(the versions are recorded in the file's metadata).
"""

import json
import os

import numpy as np
import safetensors
import torch
import torch.nn.functional as F
import transformers
from fixture_common import TINY_ELECTRA, TensorCollector, randomize_parameters, seed_torch, write_fixture
from transformers import ElectraConfig, ElectraForMaskedLM, ElectraForPreTraining

SEED = 20261126
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(REPO_ROOT, "Tests", "Fixtures", "pretraining")
OUT_PATH = os.path.join(OUT_DIR, "step.safetensors")
VOCAB_PATH = os.path.join(
    REPO_ROOT, "Sources", "ElectraTokenizer", "Resources", "bert-base-uncased-vocab.txt"
)
SCRIPT_NAME = "scripts/make_pretraining_fixtures.py"

WEIGHT_STD = 0.2
BIAS_STD = 0.1
LAYERNORM_STD = 0.1

GEN_WEIGHT = 1.0
DISC_WEIGHT = 50.0

LR = 1e-3
BETA1 = 0.878
BETA2 = 0.974
LAMB_EPS = 1e-6
WEIGHT_DECAY = 0.01
CLIP_NORM = 1.0
CLIP_EPS = 1e-6

B, T = 2, 12
PAD, UNK, CLS, SEP, MASK = 0, 100, 101, 102, 103
SHARED_PREFIX = "electra.embeddings."

seed_torch(SEED)

COMMON = {**TINY_ELECTRA, "vocab_size": 16384}
DISC_CONFIG = ElectraConfig(**COMMON)
GEN_CONFIG = ElectraConfig(**{**COMMON, "hidden_size": 8, "num_attention_heads": 1, "intermediate_size": 32})
V = COMMON["vocab_size"]


def randomize(model, gen, skip_prefix=None):
    """Overwrite every parameter of ``model`` (except names under ``skip_prefix``) from ``gen``."""
    # named_parameters() lists a tied tensor once, in a fixed order.
    kept = ((name, p) for name, p in model.named_parameters() if skip_prefix is None or not name.startswith(skip_prefix))
    randomize_parameters(kept, gen, WEIGHT_STD, BIAS_STD, LAYERNORM_STD)


# ---------------------------------------------------------------------------
# Models
gen_rng = torch.Generator().manual_seed(SEED)
disc = ElectraForPreTraining._from_config(DISC_CONFIG, attn_implementation="eager")
generator = ElectraForMaskedLM._from_config(GEN_CONFIG, attn_implementation="eager")
assert disc.config._attn_implementation == "eager" and generator.config._attn_implementation == "eager"

# Share the whole embedding block (word/position/type embeddings + LayerNorm),
# then re-tie the generator's LM head to the shared word embeddings.
generator.electra.embeddings = disc.electra.embeddings
generator.generator_lm_head.weight = disc.electra.embeddings.word_embeddings.weight

randomize(disc, gen_rng)
randomize(generator, gen_rng, skip_prefix=SHARED_PREFIX)
disc.eval()
generator.eval()

assert generator.electra.embeddings is disc.electra.embeddings
assert generator.generator_lm_head.weight is disc.electra.embeddings.word_embeddings.weight
assert disc.electra.embeddings.word_embeddings.padding_idx == PAD
assert hasattr(disc.electra, "embeddings_project") and hasattr(generator.electra, "embeddings_project")
assert tuple(generator.electra.embeddings_project.weight.shape) == (8, 16)

disc_params = dict(disc.named_parameters())
gen_params_all = dict(generator.named_parameters())
gen_params = {n: p for n, p in gen_params_all.items() if not n.startswith(SHARED_PREFIX)}
assert "generator_lm_head.weight" not in gen_params_all  # deduplicated by identity (tied)
shared_ids = {id(p) for n, p in gen_params_all.items() if n.startswith(SHARED_PREFIX)}
assert shared_ids == {id(p) for n, p in disc_params.items() if n.startswith(SHARED_PREFIX)}
assert not ({id(p) for p in gen_params.values()} & {id(p) for p in disc_params.values()})

# ---------------------------------------------------------------------------
# Inputs
with open(VOCAB_PATH, encoding="utf-8") as f:
    vocab = [line.rstrip("\n") for line in f][:V]
assert len(vocab) == V and vocab[CLS] == "[CLS]" and vocab[MASK] == "[MASK]" and vocab[PAD] == "[PAD]"
w = lambda s: [vocab.index(x) for x in s.split()]  # noqa: E731

# Row 0: [CLS] the quick brown fox jumps [SEP] over the lazy dog [SEP]
row0 = [CLS] + w("the quick brown fox jumps") + [SEP] + w("over the lazy dog") + [SEP]
tt0 = [0] * 7 + [1] * 5
# Row 1: [CLS] hello world [SEP] how are you today [SEP] [PAD] [PAD] [PAD]
row1 = [CLS] + w("hello world") + [SEP] + w("how are you today") + [SEP] + [PAD] * 3
tt1 = [0] * 4 + [1] * 5 + [0] * 3
input_ids = torch.tensor([row0, row1], dtype=torch.int64)
token_type_ids = torch.tensor([tt0, tt1], dtype=torch.int64)
attention_mask = (torch.arange(T)[None, :] < torch.tensor([[12], [9]])).to(torch.int64)
assert input_ids.shape == (B, T) and token_type_ids.shape == (B, T)
assert ((input_ids == PAD) == (attention_mask == 0)).all()

# Masked positions: "quick" (0,2), "fox" (0,4), "lazy" (0,9), "world" (1,2), "are" (1,6).
masked_positions = torch.tensor([0 * T + 2, 0 * T + 4, 0 * T + 9, 1 * T + 2, 1 * T + 6], dtype=torch.int64)
K = masked_positions.numel()
flat = input_ids.view(-1)
assert attention_mask.view(-1)[masked_positions].all()
assert not any(int(flat[p]) in (CLS, SEP, PAD) for p in masked_positions)
original_at_masked = flat[masked_positions].clone()

KEEP_POSITION = 0 * T + 9  # "lazy" stays unmasked in the generator input (the "keep" case)
masked_input_ids = input_ids.clone().view(-1)
for p in masked_positions.tolist():
    if p != KEEP_POSITION:
        masked_input_ids[p] = MASK
masked_input_ids = masked_input_ids.view(B, T)
assert int((masked_input_ids == MASK).sum()) == 4

# Fixed "samples": quick->slow, fox->fox (same), lazy->lazy (same), world->there, are->cat.
sampled_ids = torch.tensor(w("slow fox lazy there cat"), dtype=torch.int64)
assert int((sampled_ids != original_at_masked).sum()) == 3
fake_input_ids = input_ids.clone().view(-1)
fake_input_ids[masked_positions] = sampled_ids
fake_input_ids = fake_input_ids.view(B, T)
disc_labels = (fake_input_ids != input_ids).to(torch.float32)
assert int(disc_labels.sum()) == 3

# ---------------------------------------------------------------------------
# Forward + backward
for p in list(disc_params.values()) + list(gen_params.values()):
    p.grad = None

gen_out = generator(input_ids=masked_input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
gen_logits = gen_out.logits.reshape(-1, V)[masked_positions]
mlm_loss = F.cross_entropy(gen_logits, original_at_masked)

disc_out = disc(input_ids=fake_input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids,
                labels=disc_labels)
disc_logits = disc_out.logits
disc_loss = disc_out.loss
ref_bce = F.binary_cross_entropy_with_logits(disc_logits[attention_mask == 1], disc_labels[attention_mask == 1])
assert torch.allclose(ref_bce, disc_loss, atol=1e-6, rtol=0), (ref_bce, disc_loss)

total_loss = GEN_WEIGHT * mlm_loss + DISC_WEIGHT * disc_loss
total_loss.backward()

# Cross-check the MLM loss with the model's own loss code.
with torch.no_grad():
    mlm_labels = torch.full((B * T,), -100, dtype=torch.int64)
    mlm_labels[masked_positions] = original_at_masked
    ref = generator(input_ids=masked_input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids,
                    labels=mlm_labels.view(B, T))
    assert torch.allclose(ref.loss, mlm_loss, atol=1e-6, rtol=0), (ref.loss, mlm_loss)
    assert torch.equal(ref.logits.reshape(-1, V)[masked_positions], gen_logits)

_collector = TensorCollector()
tensors = _collector.tensors
put = _collector.put




put("input_ids", input_ids)
put("attention_mask", attention_mask)
put("token_type_ids", token_type_ids)
put("masked_positions", masked_positions)
put("masked_input_ids", masked_input_ids)
put("sampled_ids", sampled_ids)
put("fake_input_ids", fake_input_ids)
put("disc_labels", disc_labels)
put("gen_logits", gen_logits)
put("disc_logits", disc_logits)
put("mlm_loss", mlm_loss.reshape(1))
put("disc_loss", disc_loss.reshape(1))
put("total_loss", total_loss.reshape(1))

groups = (("disc", disc_params), ("gen", gen_params))
for prefix, params in groups:
    for name, p in params.items():
        assert p.grad is not None, (prefix, name)
        put(f"param.{prefix}.{name}", p)
        put(f"grad.{prefix}.{name}", p.grad)

wemb_grad = tensors["grad.disc.electra.embeddings.word_embeddings.weight"]
assert wemb_grad[PAD].abs().sum() > 0  # LM-head (tied) contribution only
# Generator encoder gradients are non-zero (mlm_loss reaches them).
assert tensors["grad.gen.electra.encoder.layer.0.attention.self.query.weight"].abs().sum() > 0

# ---------------------------------------------------------------------------
# One LAMB step by hand, float64.
named = [(f"{prefix}.{n}", n, p) for prefix, params in groups for n, p in params.items()]
grads64 = {key: p.grad.detach().to(torch.float64).numpy() for key, _n, p in named}
global_norm = float(np.sqrt(sum(float(np.sum(g * g)) for g in grads64.values())))
clip = min(1.0, CLIP_NORM / (global_norm + CLIP_EPS))
put("global_grad_norm", torch.tensor([global_norm], dtype=torch.float64))

for key, name, p in named:
    w64 = p.detach().to(torch.float64).numpy()
    g = grads64[key] * clip
    m = (1.0 - BETA1) * g
    v = (1.0 - BETA2) * g * g
    m_hat = m / (1.0 - BETA1)
    v_hat = v / (1.0 - BETA2)
    u = m_hat / (np.sqrt(v_hat) + LAMB_EPS)
    excluded = ("LayerNorm" in name) or ("bias" in name)
    if not excluded:
        u = u + WEIGHT_DECAY * w64
        w_norm = float(np.linalg.norm(w64.ravel()))
        u_norm = float(np.linalg.norm(u.ravel()))
        ratio = w_norm / u_norm if (w_norm > 0 and u_norm > 0) else 1.0
    else:
        ratio = 1.0
    put(f"lamb.{key}", torch.from_numpy(w64 - LR * ratio * u))

# ---------------------------------------------------------------------------
# Save




metadata = {
    "generator": SCRIPT_NAME,
    "seed": str(SEED),
    "torch_version": torch.__version__,
    "transformers_version": transformers.__version__,
    "safetensors_version": safetensors.__version__,
    "numpy_version": np.__version__,
    "attn_implementation": "eager",
    "mode": "eval (no dropout), float32 CPU",
    "init": (f"weights N(0,{WEIGHT_STD}); biases N(0,{BIAS_STD}); LayerNorm weight 1+N(0,{LAYERNORM_STD}); "
             "discriminator parameters drawn first, then the generator's non-shared ones, one torch.Generator"),
    "disc_config": json.dumps({k: v for k, v in sorted(DISC_CONFIG.to_dict().items()) if k in COMMON},
                              sort_keys=True),
    "gen_config": json.dumps({k: v for k, v in sorted(GEN_CONFIG.to_dict().items()) if k in COMMON},
                             sort_keys=True),
    "sharing": ("generator.electra.embeddings IS disc.electra.embeddings (word, position, token-type embeddings "
                "and embeddings LayerNorm); generator_lm_head.weight is tied to the shared word embeddings; "
                "the generator has its own electra.embeddings_project (16->8)"),
    "inputs": ("input_ids/attention_mask/token_type_ids [2,12] int64; row 1 has 3 trailing [PAD]=0; "
               "token_type 0 up to the first [SEP], 1 after, 0 on padding"),
    "masking": ("masked_positions [5] = flattened b*12+t; masked_input_ids has [MASK]=103 at 4 of them and the "
                "original token at position 9 (keep case)"),
    "mlm_loss": ("mean over the 5 masked positions of cross-entropy(gen_logits, input_ids.view(-1)[masked_positions]); "
                 "gen_logits = generator(masked_input_ids).logits.view(-1,V)[masked_positions]"),
    "sampling": ("sampled_ids [5] fixed (3 differ from the original, 2 equal it); fake_input_ids = input_ids with "
                 "masked positions set to sampled_ids; disc_labels = float(fake_input_ids != input_ids); "
                 "no gradient through sampling"),
    "disc_loss": "BCEWithLogits(disc_logits, disc_labels) mean over positions with attention_mask == 1",
    "total_loss": f"{GEN_WEIGHT} * mlm_loss + {DISC_WEIGHT} * disc_loss; single backward",
    "grads": ("grad.disc.<name>: every discriminator parameter (shared electra.embeddings.* include the generator's "
              "contribution); grad.gen.<name>: every non-shared generator parameter (no electra.embeddings.*, no "
              "generator_lm_head.weight); param.* are the values before the step"),
    "tied_lm_head": ("the tied generator LM head weight gradient is included in "
                     "grad.disc.electra.embeddings.word_embeddings.weight"),
    "padding_idx": ("word_embeddings has padding_idx=0: lookups send no gradient to row 0, so row 0 of "
                    "grad.disc.electra.embeddings.word_embeddings.weight is the tied LM-head contribution only"),
    "lamb": (f"computed by hand in float64: global_grad_norm = L2 over ALL grads (disc + non-shared gen); "
             f"g = grad * min(1, {CLIP_NORM}/(norm+{CLIP_EPS})); lr {LR}, beta1 {BETA1}, beta2 {BETA2}, "
             f"eps {LAMB_EPS}, weight_decay {WEIGHT_DECAY} unless name contains 'LayerNorm' or 'bias'; step 1 "
             "bias-corrected m_hat=g, v_hat=g^2; u = m_hat/(sqrt(v_hat)+eps) (+ wd*w if decayed); trust ratio "
             "r = ||w||/||u|| if both > 0 else 1, r = 1 for LayerNorm/bias (skip adaptive); "
             "lamb.<group>.<name> = float32(w - lr*r*u)"),
}
loaded = write_fixture(tensors, OUT_PATH, metadata)
print(f"{len(loaded)} tensors: {len(disc_params)} disc params, {len(gen_params)} gen params")
print("mlm_loss", loaded["mlm_loss"].item(), "disc_loss", loaded["disc_loss"].item(),
      "total_loss", loaded["total_loss"].item())
print("global_grad_norm", global_norm, "clip factor", clip)
