"""Generate reference fixtures for the Swift SQuAD question-answering heads.

Produces ``Tests/Fixtures/qa/joint_head.safetensors`` (float32 / int64, a few KB).

Two heads are exercised on the SAME random encoder output ``hidden``:

1. NVIDIA ELECTRA TF2's joint head ("joint predictions with beam search", the
   XLNet-style head: ``TFPoolerStartLogits`` / ``TFPoolerEndLogits`` /
   ``TFPoolerAnswerClass`` in NVIDIA's ``modeling.py``), re-implemented here in
   PyTorch from the specification in ``docs/joint-qa-head.md`` (SQuAD v2.0 mode,
   i.e. with the answer-class head). Parameter names are the Hugging Face-style
   names proposed there (they coincide with transformers' XLNet SQuAD head, which
   the script uses as an independent cross-check of the training forward).
2. A plain Hugging Face ``ElectraForQuestionAnswering`` ``qa_outputs`` head
   (Linear(H, 2)); its logits and loss come from transformers' own
   ``ElectraForQuestionAnswering.forward`` (the encoder is replaced by a stub that
   returns ``hidden``).

Sizes: B=2, T=10, H=16, beam size K=3 (start_n_top = end_n_top = 3),
LayerNorm epsilon 1e-12 (ElectraConfig.layer_norm_eps).

Inputs (all rows built like NVIDIA's SQuAD features, padding on the right):

* ``hidden`` [2,10,16] ~ N(0,1): stands in for the discriminator's last hidden state.
* ``p_mask`` [2,10] float: 1 = cannot be part of an answer (question tokens,
  [SEP], padding), 0 = context tokens and [CLS] (NVIDIA keeps [CLS] unmasked).
  Row 0: [CLS] q q [SEP] c c c c c [SEP]      -> 0 1 1 1 0 0 0 0 0 1
  Row 1: [CLS] q [SEP] c c c c [SEP] PAD PAD  -> 0 1 1 0 0 0 0 1 1 1
* ``cls_index`` [2] int64 = 0.
* ``start_positions`` / ``end_positions`` [2] int64: row 0 answer span 5..7;
  row 1 is impossible, so (NVIDIA convention) both positions are ``cls_index`` = 0.
* ``is_impossible`` [2] float: 0, 1.

Joint head (``param.<name>`` random: weights N(0,0.3), biases N(0,0.1), LayerNorm
weight 1+N(0,0.1); PyTorch layout, weight [out, in]):

* ``param.start_logits.dense.weight`` [1,16], ``.bias`` [1]
* ``param.end_logits.dense_0.weight`` [16,32], ``.bias`` [16]
* ``param.end_logits.LayerNorm.weight`` [16], ``.bias`` [16]
* ``param.end_logits.dense_1.weight`` [1,16], ``.bias`` [1]
* ``param.answer_class.dense_0.weight`` [16,32], ``.bias`` [16]
* ``param.answer_class.dense_1.weight`` [1,16]  (no bias)

Training forward (NVIDIA ``training=True`` path):

* ``start_logits`` [2,10]: masked, ``x*(1-p_mask) - 1e30*p_mask`` (masked entries
  are exactly -1e30 in float32).
* ``end_logits`` [2,10]: masked, conditioned on the ground-truth start
  (start state = hidden[b, start_positions[b]], concatenated AFTER hidden[b, t]).
* ``cls_logits`` [2]: answer_class(concat(hidden[b, start_positions[b]],
  hidden[b, cls_index[b]])).
* ``start_loss``, ``end_loss``, ``cls_loss`` [1] (batch means) and
  ``loss`` [1] = (start_loss + end_loss) / 2 + 0.5 * cls_loss, where start/end
  losses are softmax cross-entropy over the T positions of the MASKED logits and
  cls_loss is binary cross-entropy with logits against ``is_impossible``.
* ``grad.<name>`` for every parameter above and ``grad.hidden`` [2,10,16]:
  d loss / d (.). Note that ``grad.start_logits.dense.bias`` and
  ``grad.end_logits.dense_1.bias`` are mathematically ZERO (softmax
  cross-entropy is invariant to adding a constant to every unmasked logit and the
  masked ones carry probability 0); the stored values are float32 round-off
  (|x| < 1e-6). Compare them with an absolute tolerance.

Inference (NVIDIA ``training=False`` path, beam size 3):

* ``start_log_probs`` [2,10] = log_softmax(start_logits) (masked entries ~ -1e30).
* ``start_top_log_probs`` [2,3], ``start_top_index`` [2,3] int64: top-3 of
  start_log_probs, descending.
* ``end_logits_beam`` [2,10,3]: masked end logits for each start candidate i
  (start state = hidden[b, start_top_index[b, i]]).
* ``end_top_log_probs`` [2,9], ``end_top_index`` [2,9] int64: for each start
  candidate i, top-3 of log_softmax over the T axis of end_logits_beam[b, :, i],
  flattened START-MAJOR: entry i*3 + j is the j-th best end for the i-th best start
  (NVIDIA transposes before top_k; transformers' XLNet head is end-major instead).
* ``cls_logits_inference`` [2]: answer_class(concat(sum_t softmax(start_logits)[b,t]
  * hidden[b,t], hidden[b, 0])) -- NVIDIA passes cls_index=None at inference, so
  the [CLS] state is position 0.

There are no ties among the top-3+1 values of any row, so the indices are
unambiguous (they equal a stable descending sort, which is what tf.math.top_k
returns).

Plain HF head (``qa.`` prefix):

* ``qa.param.qa_outputs.weight`` [2,16], ``qa.param.qa_outputs.bias`` [2]
  (same init as above); row 0 of the weight gives the start logits, row 1 the end.
* ``qa.start_logits`` [2,10], ``qa.end_logits`` [2,10] (NOT masked),
  ``qa.loss`` [1] = (CE(start) + CE(end)) / 2 with positions clamped to [0, T]
  and ignore_index T (transformers' ElectraForQuestionAnswering; all positions
  here are in range).
* ``qa.grad.qa_outputs.weight`` [2,16], ``qa.grad.qa_outputs.bias`` [2] (again
  mathematically zero, round-off only), ``qa.grad.hidden`` [2,10,16].

The generated file is committed, so the Swift tests do not need Python. To
regenerate it (from the repository root):

    .venv-ref/bin/python scripts/make_qa_fixtures.py

Output is byte-for-byte deterministic for a given torch/transformers version
(the versions are recorded in the file's metadata).
"""

import os

import safetensors
import torch
import torch.nn.functional as F
import transformers
from fixture_common import TensorCollector, randomize_parameters, seed_torch, write_fixture
from torch import nn
from transformers import ElectraConfig, ElectraForQuestionAnswering, XLNetConfig
from transformers.modeling_outputs import BaseModelOutput
from transformers.models.xlnet.modeling_xlnet import (
    XLNetPoolerAnswerClass,
    XLNetPoolerEndLogits,
    XLNetPoolerStartLogits,
)

SEED = 20261126
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(REPO_ROOT, "Tests", "Fixtures", "qa")
OUT_PATH = os.path.join(OUT_DIR, "joint_head.safetensors")
SCRIPT_NAME = "scripts/make_qa_fixtures.py"

B, T, H = 2, 10, 16
BEAM = 3  # start_n_top = end_n_top
LAYER_NORM_EPS = 1e-12  # ElectraConfig.layer_norm_eps
MASK_VALUE = 1e30  # NVIDIA's float32 p_mask constant (65500 in float16)

WEIGHT_STD = 0.3
BIAS_STD = 0.1
LAYERNORM_STD = 0.1

seed_torch(SEED)


# ---------------------------------------------------------------------------
# The joint head (our own PyTorch re-implementation of NVIDIA's TF2 layers)
class PoolerStartLogits(nn.Module):
    """NVIDIA TFPoolerStartLogits: Dense(1) + p_mask."""

    def __init__(self, hidden):
        super().__init__()
        self.dense = nn.Linear(hidden, 1)

    def forward(self, hidden_states, p_mask):
        x = self.dense(hidden_states).squeeze(-1)
        return apply_p_mask(x, p_mask)


class PoolerEndLogits(nn.Module):
    """NVIDIA TFPoolerEndLogits: Dense(H) on [h ; start] -> tanh -> LayerNorm -> Dense(1) + p_mask."""

    def __init__(self, hidden, eps):
        super().__init__()
        self.dense_0 = nn.Linear(2 * hidden, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=eps)
        self.dense_1 = nn.Linear(hidden, 1)

    def forward(self, hidden_states, start_states, p_mask):
        x = self.dense_0(torch.cat([hidden_states, start_states], dim=-1))
        x = torch.tanh(x)
        x = self.LayerNorm(x)
        x = self.dense_1(x).squeeze(-1)
        return apply_p_mask(x, p_mask)


class PoolerAnswerClass(nn.Module):
    """NVIDIA TFPoolerAnswerClass: Dense(H) on [start ; cls] -> tanh -> Dense(1, no bias)."""

    def __init__(self, hidden):
        super().__init__()
        self.dense_0 = nn.Linear(2 * hidden, hidden)
        self.dense_1 = nn.Linear(hidden, 1, bias=False)

    def forward(self, start_states, cls_states):
        x = self.dense_0(torch.cat([start_states, cls_states], dim=-1))
        x = torch.tanh(x)
        return self.dense_1(x).squeeze(-1)


class JointHead(nn.Module):
    def __init__(self, hidden, eps):
        super().__init__()
        self.start_logits = PoolerStartLogits(hidden)
        self.end_logits = PoolerEndLogits(hidden, eps)
        self.answer_class = PoolerAnswerClass(hidden)


def apply_p_mask(x, p_mask):
    return x * (1 - p_mask) - MASK_VALUE * p_mask


def gather_rows(hidden, index):
    """hidden [B,T,H], index [B] -> hidden[b, index[b]] as [B,H]."""
    return hidden[torch.arange(hidden.shape[0]), index]


def train_forward(head, hidden, p_mask, start_positions, end_positions, cls_index, is_impossible):
    start_logits = head.start_logits(hidden, p_mask)
    start_states = gather_rows(hidden, start_positions)[:, None, :].expand(-1, hidden.shape[1], -1)
    end_logits = head.end_logits(hidden, start_states, p_mask)
    cls_logits = head.answer_class(gather_rows(hidden, start_positions), gather_rows(hidden, cls_index))
    start_loss = F.cross_entropy(start_logits, start_positions)
    end_loss = F.cross_entropy(end_logits, end_positions)
    cls_loss = F.binary_cross_entropy_with_logits(cls_logits, is_impossible)
    loss = (start_loss + end_loss) / 2 + 0.5 * cls_loss
    return start_logits, end_logits, cls_logits, start_loss, end_loss, cls_loss, loss


def topk_checked(x, k):
    """Top-k along the last axis, descending; asserts no tie decides the result."""
    values, index = torch.topk(x, k, dim=-1, largest=True, sorted=True)
    s_values, s_index = torch.sort(x, dim=-1, descending=True, stable=True)
    assert torch.equal(values, s_values[..., :k]) and torch.equal(index, s_index[..., :k])
    assert (s_values[..., k - 1] > s_values[..., k]).all(), "tie at the top-k boundary"
    assert (s_values[..., 1:k] < s_values[..., : k - 1]).all(), "tie inside the top-k"
    return values, index


def infer_forward(head, hidden, p_mask, k):
    bsz, slen, hsz = hidden.shape
    start_logits = head.start_logits(hidden, p_mask)
    start_log_probs = F.log_softmax(start_logits, dim=-1)
    start_top_log_probs, start_top_index = topk_checked(start_log_probs, k)  # [B,k]
    start_states = torch.stack([hidden[b, start_top_index[b]] for b in range(bsz)])  # [B,k,H]
    start_states = start_states[:, None, :, :].expand(bsz, slen, k, hsz)
    hidden_expanded = hidden[:, :, None, :].expand(bsz, slen, k, hsz)
    end_logits = head.end_logits(hidden_expanded, start_states, p_mask[:, :, None])  # [B,T,k]
    end_log_probs = F.log_softmax(end_logits, dim=1).transpose(1, 2)  # [B,k,T]
    end_top_log_probs, end_top_index = topk_checked(end_log_probs, k)  # [B,k(start),k(end)]
    end_top_log_probs = end_top_log_probs.reshape(bsz, k * k)  # start-major: i*k + j
    end_top_index = end_top_index.reshape(bsz, k * k)
    start_p = F.softmax(start_logits, dim=-1)
    weighted_start = torch.einsum("blh,bl->bh", hidden, start_p)
    cls_logits = head.answer_class(weighted_start, hidden[:, 0, :])
    return (start_log_probs, start_top_log_probs, start_top_index, end_logits, end_top_log_probs,
            end_top_index, cls_logits)


def init_params(module, gen):
    randomize_parameters(module.named_parameters(), gen, WEIGHT_STD, BIAS_STD, LAYERNORM_STD)


# ---------------------------------------------------------------------------
# Inputs
gen = torch.Generator().manual_seed(SEED)
hidden0 = torch.randn((B, T, H), generator=gen)
p_mask = torch.tensor([[0, 1, 1, 1, 0, 0, 0, 0, 0, 1],
                       [0, 1, 1, 0, 0, 0, 0, 1, 1, 1]], dtype=torch.float32)
cls_index = torch.zeros(B, dtype=torch.int64)
start_positions = torch.tensor([5, 0], dtype=torch.int64)
end_positions = torch.tensor([7, 0], dtype=torch.int64)
is_impossible = torch.tensor([0.0, 1.0])
assert (p_mask[torch.arange(B), cls_index] == 0).all()
assert ((1 - p_mask).sum(-1) > BEAM).all(), "need more than BEAM unmasked positions per row"
for b in range(B):  # gold positions are never masked
    assert p_mask[b, start_positions[b]] == 0 and p_mask[b, end_positions[b]] == 0

head = JointHead(H, LAYER_NORM_EPS)
init_params(head, gen)
param_names = [n for n, _ in head.named_parameters()]
assert param_names == [
    "start_logits.dense.weight", "start_logits.dense.bias",
    "end_logits.dense_0.weight", "end_logits.dense_0.bias",
    "end_logits.LayerNorm.weight", "end_logits.LayerNorm.bias",
    "end_logits.dense_1.weight", "end_logits.dense_1.bias",
    "answer_class.dense_0.weight", "answer_class.dense_0.bias",
    "answer_class.dense_1.weight",
], param_names

qa_outputs = nn.Linear(H, 2)
init_params(qa_outputs, gen)

_collector = TensorCollector()
tensors = _collector.tensors
put = _collector.put




put("hidden", hidden0)
put("p_mask", p_mask)
put("cls_index", cls_index)
put("start_positions", start_positions)
put("end_positions", end_positions)
put("is_impossible", is_impossible)
for name, p in head.named_parameters():
    put(f"param.{name}", p)

# ---------------------------------------------------------------------------
# Joint head: training forward + backward
hidden = hidden0.clone().requires_grad_(True)
head.zero_grad(set_to_none=True)
start_logits, end_logits, cls_logits, start_loss, end_loss, cls_loss, loss = train_forward(
    head, hidden, p_mask, start_positions, end_positions, cls_index, is_impossible)
loss.backward()
put("start_logits", start_logits)
put("end_logits", end_logits)
put("cls_logits", cls_logits)
put("start_loss", start_loss.reshape(1))
put("end_loss", end_loss.reshape(1))
put("cls_loss", cls_loss.reshape(1))
put("loss", loss.reshape(1))
for name, p in head.named_parameters():
    assert p.grad is not None, name
    put(f"grad.{name}", p.grad)
put("grad.hidden", hidden.grad)

assert (start_logits[p_mask == 1] == -MASK_VALUE).all() and (end_logits[p_mask == 1] == -MASK_VALUE).all()
for bias in ("start_logits.dense.bias", "end_logits.dense_1.bias"):
    assert tensors[f"grad.{bias}"].abs().max() < 1e-6, bias  # shift invariance (see docstring)

# Cross-check the training forward against transformers' XLNet SQuAD head modules,
# which use the same parameter names (strict state-dict load) and the same maths.
xcfg = XLNetConfig(d_model=H, n_head=2, d_inner=32, layer_norm_eps=LAYER_NORM_EPS)
x_start, x_end, x_cls = XLNetPoolerStartLogits(xcfg), XLNetPoolerEndLogits(xcfg), XLNetPoolerAnswerClass(xcfg)
x_start.load_state_dict(head.start_logits.state_dict(), strict=True)
x_end.load_state_dict(head.end_logits.state_dict(), strict=True)
x_cls.load_state_dict(head.answer_class.state_dict(), strict=True)
with torch.no_grad():
    assert torch.allclose(x_start(hidden0, p_mask=p_mask), tensors["start_logits"], rtol=1e-6, atol=1e-5)
    assert torch.allclose(x_end(hidden0, start_positions=start_positions, p_mask=p_mask), tensors["end_logits"],
                          rtol=1e-6, atol=1e-5)
    assert torch.allclose(x_cls(hidden0, start_positions=start_positions, cls_index=cls_index),
                          tensors["cls_logits"], rtol=1e-6, atol=1e-6)

# ---------------------------------------------------------------------------
# Joint head: inference (beam search)
with torch.no_grad():
    (start_log_probs, start_top_log_probs, start_top_index, end_logits_beam, end_top_log_probs,
     end_top_index, cls_logits_inf) = infer_forward(head, hidden0, p_mask, BEAM)
put("start_log_probs", start_log_probs)
put("start_top_log_probs", start_top_log_probs)
put("start_top_index", start_top_index)
put("end_logits_beam", end_logits_beam)
put("end_top_log_probs", end_top_log_probs)
put("end_top_index", end_top_index)
put("cls_logits_inference", cls_logits_inf)

with torch.no_grad():
    # Beam candidates are unmasked positions; end logits for candidate i equal the training-path
    # end logits with start_positions = start_top_index[:, i].
    assert (p_mask.gather(1, start_top_index) == 0).all()
    for i in range(BEAM):
        ref = x_end(hidden0, start_positions=start_top_index[:, i], p_mask=p_mask)
        assert torch.allclose(ref, end_logits_beam[:, :, i], rtol=1e-6, atol=1e-5)
        for j in range(BEAM):
            e = end_top_index[:, i * BEAM + j]
            assert (p_mask.gather(1, e[:, None]) == 0).all()
            lp = F.log_softmax(ref, dim=-1).gather(1, e[:, None]).squeeze(1)
            assert torch.allclose(lp, end_top_log_probs[:, i * BEAM + j], atol=1e-6)
    # Answer class at inference: start state = softmax-weighted hidden, [CLS] state = position 0.
    ref = x_cls(hidden0, start_states=torch.einsum("blh,bl->bh", hidden0, F.softmax(start_logits, -1)),
                cls_index=torch.zeros(B, dtype=torch.int64))
    assert torch.allclose(ref, cls_logits_inf, atol=1e-6)

# ---------------------------------------------------------------------------
# Plain HF head: transformers' own ElectraForQuestionAnswering with the encoder stubbed out.
class StubEncoder(nn.Module):
    def __init__(self, hidden_states):
        super().__init__()
        self.hidden_states = hidden_states

    def forward(self, *args, **kwargs):
        return BaseModelOutput(last_hidden_state=self.hidden_states)


qa_model = ElectraForQuestionAnswering(ElectraConfig(
    vocab_size=8, embedding_size=H, hidden_size=H, num_hidden_layers=1, num_attention_heads=2,
    intermediate_size=32, max_position_embeddings=T, num_labels=2))
qa_model.eval()
with torch.no_grad():
    qa_model.qa_outputs.weight.copy_(qa_outputs.weight)
    qa_model.qa_outputs.bias.copy_(qa_outputs.bias)
qa_hidden = hidden0.clone().requires_grad_(True)
qa_model.electra = StubEncoder(qa_hidden)
qa_model.zero_grad(set_to_none=True)
out = qa_model(input_ids=torch.zeros((B, T), dtype=torch.int64), start_positions=start_positions,
               end_positions=end_positions)
out.loss.backward()
put("qa.param.qa_outputs.weight", qa_model.qa_outputs.weight)
put("qa.param.qa_outputs.bias", qa_model.qa_outputs.bias)
put("qa.start_logits", out.start_logits)
put("qa.end_logits", out.end_logits)
put("qa.loss", out.loss.reshape(1))
put("qa.grad.qa_outputs.weight", qa_model.qa_outputs.weight.grad)
put("qa.grad.qa_outputs.bias", qa_model.qa_outputs.bias.grad)
put("qa.grad.hidden", qa_hidden.grad)
with torch.no_grad():  # independent re-computation
    lg = hidden0 @ qa_outputs.weight.T + qa_outputs.bias
    assert torch.allclose(lg[..., 0], out.start_logits, atol=1e-6)
    assert torch.allclose(lg[..., 1], out.end_logits, atol=1e-6)
    ref = (F.cross_entropy(lg[..., 0], start_positions) + F.cross_entropy(lg[..., 1], end_positions)) / 2
    assert torch.allclose(ref, out.loss, atol=1e-6)
assert tensors["qa.grad.qa_outputs.bias"].abs().max() < 1e-6

# ---------------------------------------------------------------------------
# Save


metadata = {
    "generator": SCRIPT_NAME,
    "spec": "docs/joint-qa-head.md",
    "seed": str(SEED),
    "torch_version": torch.__version__,
    "transformers_version": transformers.__version__,
    "safetensors_version": safetensors.__version__,
    "sizes": f"B={B} T={T} H={H} beam={BEAM} layer_norm_eps={LAYER_NORM_EPS}",
    "init": (f"hidden N(0,1); weights N(0,{WEIGHT_STD}); biases N(0,{BIAS_STD}); "
             f"LayerNorm weight 1+N(0,{LAYERNORM_STD})"),
    "layout": "PyTorch Linear layout: weight [out, in], y = x @ weight.T + bias",
    "p_mask": "1 = not an answer (question, [SEP], padding); [CLS] is 0; masked logit = x*(1-p) - 1e30*p",
    "concat": ("end_logits.dense_0 input = [hidden[b,t] ; start_state] (hidden first); "
               "answer_class.dense_0 input = [start_state ; cls_state] (start first)"),
    "loss": ("loss = (CE(start_logits, start_positions) + CE(end_logits, end_positions)) / 2 "
             "+ 0.5 * BCEWithLogits(cls_logits, is_impossible); every term a batch mean"),
    "train": ("end_logits / cls_logits use start state hidden[b, start_positions[b]]; "
              "cls state hidden[b, cls_index[b]]"),
    "inference": ("start_top_* = top-k of log_softmax(start_logits); end_logits_beam[b,t,i] uses start state "
                  "hidden[b, start_top_index[b,i]]; end_top_* = top-k over t of log_softmax over t, flattened "
                  "start-major (index i*k + j); cls_logits_inference uses start state "
                  "sum_t softmax(start_logits)[b,t]*hidden[b,t] and cls state hidden[b,0]"),
    "zero_grads": ("grad.start_logits.dense.bias, grad.end_logits.dense_1.bias and qa.grad.qa_outputs.bias are "
                   "mathematically 0 (softmax shift invariance); stored values are round-off"),
    "qa": ("transformers ElectraForQuestionAnswering head: start/end = (hidden @ W.T + b)[..., 0/1], no p_mask; "
           "qa.loss = (CE(start) + CE(end)) / 2, positions clamped to [0,T], ignore_index T"),
}
loaded = write_fixture(tensors, OUT_PATH, metadata, max_bytes=2 * 1024 * 1024)
for name in sorted(loaded):
    print(f"  {name:40s} {str(loaded[name].dtype):14s} {list(loaded[name].shape)}")
torch.set_printoptions(precision=6, sci_mode=False)
print("loss", loaded["loss"].item(), "start/end/cls", loaded["start_loss"].item(), loaded["end_loss"].item(),
      loaded["cls_loss"].item(), "qa.loss", loaded["qa.loss"].item())
print("cls_logits", loaded["cls_logits"], "cls_logits_inference", loaded["cls_logits_inference"])
print("start_top_index", loaded["start_top_index"])
print("start_top_log_probs", loaded["start_top_log_probs"])
print("end_top_index", loaded["end_top_index"])
print("end_top_log_probs", loaded["end_top_log_probs"])
