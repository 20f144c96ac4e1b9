"""Generate PyTorch reference fixtures for the Swift ELECTRA kernel tests.

Produces ``Tests/Fixtures/kernels.safetensors``: small, deterministic input
tensors together with PyTorch's forward outputs and gradients for every
primitive the Swift implementation needs (matmul in all transpose variants,
batched matmul, bias add, LayerNorm, exact GELU, scaled+masked softmax,
multi-head attention core, embedding lookup, dropout, cross-entropy with
ignore_index, weighted binary cross-entropy with logits, tanh, and global-norm
gradient clipping).

All math is done by PyTorch on the CPU in float32; PyTorch is the reference.
For non-loss ops a random upstream gradient ``<case>.dout`` with the shape of
the output is drawn and the input gradients come from ``out.backward(dout)``.
Loss ops back-propagate from the scalar loss with upstream gradient 1.
Float tensors are float32, integer tensors (ids, targets) are int64.

The generated file is committed to the repository, so the Swift tests do not
need Python. To regenerate it (from the repository root):

    python3 -m venv .venv-ref
    .venv-ref/bin/pip install torch transformers safetensors tokenizers
    .venv-ref/bin/python scripts/make_fixtures.py

The output is deterministic for a given PyTorch version (SEED below); the
versions used are recorded in the file's safetensors metadata.
"""

import math
import os

import torch
import torch.nn.functional as F
import transformers
from fixture_common import TensorCollector, seed_torch, write_fixture

SEED = 20261126
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_PATH = os.path.join(REPO_ROOT, "Tests", "Fixtures", "kernels.safetensors")

seed_torch(SEED)

_collector = TensorCollector()
tensors = _collector.tensors
put = _collector.put




def randn(*shape):
    return torch.randn(*shape, dtype=torch.float32)


def leaf(t):
    return t.detach().clone().requires_grad_(True)


def backward_with_random_dout(out):
    dout = randn(*out.shape)
    out.backward(dout)
    return dout


def additive_mask(batch, length, masked_tail):
    """[batch, length] additive mask: row 1 has its last ``masked_tail`` positions masked."""
    mask = torch.zeros(batch, length, dtype=torch.float32)
    mask[1, length - masked_tail:] = torch.finfo(torch.float32).min
    return mask


# 1. Matmul: out = op(a) @ op(b)
matmul_cases = {
    "matmul_nn": ((5, 7), (7, 6), lambda a, b: a @ b),
    "matmul_nt": ((5, 7), (6, 7), lambda a, b: a @ b.T),
    "matmul_tn": ((7, 5), (7, 6), lambda a, b: a.T @ b),
    "matmul_tt": ((7, 5), (6, 7), lambda a, b: a.T @ b.T),
}
for name, (sa, sb, fn) in matmul_cases.items():
    a, b = leaf(randn(*sa)), leaf(randn(*sb))
    out = fn(a, b)
    assert tuple(out.shape) == (5, 6)
    dout = backward_with_random_dout(out)
    put(f"{name}.a", a)
    put(f"{name}.b", b)
    put(f"{name}.out", out)
    put(f"{name}.dout", dout)
    put(f"{name}.da", a.grad)
    put(f"{name}.db", b.grad)

# 2. Batched matmul
bmm_cases = {
    "bmm_nn": ((3, 4, 5), (3, 5, 6), lambda a, b: torch.bmm(a, b)),
    "bmm_nt": ((3, 4, 5), (3, 6, 5), lambda a, b: torch.bmm(a, b.transpose(1, 2))),
}
for name, (sa, sb, fn) in bmm_cases.items():
    a, b = leaf(randn(*sa)), leaf(randn(*sb))
    out = fn(a, b)
    assert tuple(out.shape) == (3, 4, 6)
    dout = backward_with_random_dout(out)
    put(f"{name}.a", a)
    put(f"{name}.b", b)
    put(f"{name}.out", out)
    put(f"{name}.dout", dout)
    put(f"{name}.da", a.grad)
    put(f"{name}.db", b.grad)

# 3. Bias add
x, bias = leaf(randn(4, 6)), leaf(randn(6))
out = x + bias
dout = backward_with_random_dout(out)
put("bias_add.x", x)
put("bias_add.bias", bias)
put("bias_add.out", out)
put("bias_add.dout", dout)
put("bias_add.dx", x.grad)
put("bias_add.dbias", bias.grad)

# 4. LayerNorm over the last dimension
for name, shape, eps in (("layer_norm", (4, 10), 1e-12), ("layer_norm_eps", (3, 37), 1e-5)):
    n = shape[-1]
    x = leaf(randn(*shape) * 3.0 + 1.5)
    weight = leaf(randn(n) * 0.5 + 1.0)
    bias = leaf(randn(n))
    out = F.layer_norm(x, (n,), weight, bias, eps=eps)
    dout = backward_with_random_dout(out)
    put(f"{name}.x", x)
    put(f"{name}.weight", weight)
    put(f"{name}.bias", bias)
    put(f"{name}.eps", torch.tensor([eps], dtype=torch.float32))
    put(f"{name}.out", out)
    put(f"{name}.dout", dout)
    put(f"{name}.dx", x.grad)
    put(f"{name}.dweight", weight.grad)
    put(f"{name}.dbias", bias.grad)

# 5. Exact GELU
x = leaf(torch.cat([torch.linspace(-8.0, 8.0, 97, dtype=torch.float32), randn(64) * 2.0]))
assert tuple(x.shape) == (161,)
out = F.gelu(x, approximate="none")
dout = backward_with_random_dout(out)
put("gelu.x", x)
put("gelu.out", out)
put("gelu.dout", dout)
put("gelu.dx", x.grad)

# 6. Softmax with scale and additive key mask
B, NH, TQ, TK = 2, 3, 4, 5
x = leaf(randn(B, NH, TQ, TK))
scale = torch.tensor([1.0 / math.sqrt(8.0)], dtype=torch.float32)
mask = additive_mask(B, TK, 2)
out = torch.softmax(x * scale + mask[:, None, None, :], dim=-1)
dout = backward_with_random_dout(out)
put("softmax.x", x)
put("softmax.scale", scale)
put("softmax.mask", mask)
put("softmax.out", out)
put("softmax.dout", dout)
put("softmax.dx", x.grad)

# 7. Multi-head attention core (Hugging Face layout, no projections, no dropout)
B, T, C, NH = 2, 5, 12, 3
HS = C // NH
q, k, v = leaf(randn(B, T, C)), leaf(randn(B, T, C)), leaf(randn(B, T, C))
mask = additive_mask(B, T, 2)


def split_heads(t):
    return t.view(B, T, NH, HS).permute(0, 2, 1, 3)  # [B, NH, T, HS]


qh, kh, vh = split_heads(q), split_heads(k), split_heads(v)
scores = qh @ kh.transpose(-1, -2) / math.sqrt(HS) + mask[:, None, None, :]
probs = torch.softmax(scores, dim=-1)
ctx = probs @ vh  # [B, NH, T, HS]
out = ctx.permute(0, 2, 1, 3).contiguous().view(B, T, C)
dout = backward_with_random_dout(out)
put("attention.q", q)
put("attention.k", k)
put("attention.v", v)
put("attention.mask", mask)
put("attention.heads", torch.tensor([float(NH)], dtype=torch.float32))
put("attention.probs", probs)
put("attention.out", out)
put("attention.dout", dout)
put("attention.dq", q.grad)
put("attention.dk", k.grad)
put("attention.dv", v.grad)

# 8. Embedding lookup (ids with repeats so gradients accumulate)
table = leaf(randn(11, 6))
ids = torch.tensor([[1, 3, 3, 0, 10], [5, 1, 1, 1, 7]], dtype=torch.int64)
out = F.embedding(ids, table)
dout = backward_with_random_dout(out)
put("embedding.table", table)
put("embedding.ids", ids)
put("embedding.out", out)
put("embedding.dout", dout)
put("embedding.dtable", table.grad)

# 9. Dropout (the keep mask is recoverable as out != 0 since no x is 0)
P = 0.1
x0 = randn(1000)
x0 = torch.where(x0.abs() < 1e-3, torch.copysign(torch.full_like(x0, 1e-3), x0), x0)
x = leaf(x0)
assert bool((x != 0).all())
out = F.dropout(x, p=P, training=True)
dout = backward_with_random_dout(out)
put("dropout.x", x)
put("dropout.p", torch.tensor([P], dtype=torch.float32))
put("dropout.out", out)
put("dropout.dout", dout)
put("dropout.dx", x.grad)

# 10. Cross-entropy (mean over non-ignored targets)
logits = leaf(randn(6, 10) * 2.0)
targets = torch.randint(0, 10, (6,), dtype=torch.int64)
targets[1] = -100
targets[4] = -100
loss = F.cross_entropy(logits, targets, ignore_index=-100)
loss.backward()
put("cross_entropy.logits", logits)
put("cross_entropy.targets", targets)
put("cross_entropy.loss", loss.reshape(1))
put("cross_entropy.dlogits", logits.grad)

logits = leaf(randn(3, 1000) * 3.0)
targets = torch.randint(0, 1000, (3,), dtype=torch.int64)
loss = F.cross_entropy(logits, targets, ignore_index=-100)
loss.backward()
put("cross_entropy_wide.logits", logits)
put("cross_entropy_wide.targets", targets)
put("cross_entropy_wide.loss", loss.reshape(1))
put("cross_entropy_wide.dlogits", logits.grad)

# 11. Weighted binary cross-entropy with logits
logits = leaf(randn(2, 7) * 2.0)
labels = torch.bernoulli(torch.full((2, 7), 0.3, dtype=torch.float32))
weights = torch.ones(2, 7, dtype=torch.float32)
weights[1, 4:] = 0.0
per_pos = F.binary_cross_entropy_with_logits(logits, labels, reduction="none")
loss = (per_pos * weights).sum() / weights.sum()
loss.backward()
put("bce.logits", logits)
put("bce.labels", labels)
put("bce.weights", weights)
put("bce.loss", loss.reshape(1))
put("bce.dlogits", logits.grad)

# 12. Tanh
x = leaf(torch.cat([torch.linspace(-10.0, 10.0, 81, dtype=torch.float32), randn(40)]))
out = torch.tanh(x)
dout = backward_with_random_dout(out)
put("tanh.x", x)
put("tanh.out", out)
put("tanh.dout", dout)
put("tanh.dx", x.grad)

# 13. Global gradient norm and clipping
gts = [randn(3, 4), randn(5), randn(2, 3, 2)]
leaves = [leaf(t) for t in gts]
norm = torch.sqrt(sum((t * t).sum() for t in leaves))
norm.backward()
params = []
for t in gts:
    p = torch.nn.Parameter(torch.zeros_like(t))
    p.grad = t.clone()
    params.append(p)
total = torch.nn.utils.clip_grad_norm_(params, max_norm=1.0)
assert torch.allclose(total, norm.detach(), rtol=1e-6), (total, norm)
assert float(norm.detach()) > 1.0, "fixture should exercise actual clipping"
for i, (t, lf, p) in enumerate(zip(gts, leaves, params)):
    put(f"global_norm.t{i}", t)
    put(f"global_norm.clipped{i}", p.grad)
    put(f"global_norm.dt{i}", lf.grad)
put("global_norm.norm", norm.reshape(1))

# Save
metadata = {
    "torch_version": torch.__version__,
    "transformers_version": transformers.__version__,
    "seed": str(SEED),
    "generator": "scripts/make_fixtures.py",
}
loaded = write_fixture(tensors, OUT_PATH, metadata, max_bytes=200 * 1024)
for name in sorted(loaded):
    t = loaded[name]
    print(f"{name:32s} {str(t.dtype).replace('torch.', ''):8s} {list(t.shape)}")
print("metadata:", metadata)
