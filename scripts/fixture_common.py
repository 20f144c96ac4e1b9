"""Helpers shared by the fixture scripts (make_*_fixtures.py): collecting tensors and writing
safetensors files whose bytes do not change from run to run."""
import hashlib
import json
import os
import struct

import torch
from safetensors.torch import save_file


# Every fixture stays under 5 MB, the size the repository allows for one file.
MAX_FIXTURE_BYTES = 5_000_000

# The tiny ELECTRA the model and pretraining fixtures build (vocabulary and generator sizes vary).
TINY_ELECTRA = dict(
    vocab_size=30522,
    embedding_size=16,
    hidden_size=32,
    num_hidden_layers=2,
    num_attention_heads=4,
    intermediate_size=64,
    max_position_embeddings=64,
    type_vocab_size=2,
    hidden_act="gelu",
    layer_norm_eps=1e-12,
    initializer_range=0.02,
    pad_token_id=0,
)


def seed_torch(seed):
    """Seeds torch and fixes what its float32 results depend on: one thread, float32 by default."""
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float32)
    import transformers

    transformers.logging.set_verbosity_error()


class TensorCollector:
    """Named tensors to save: detached contiguous copies, float32 or int64."""

    def __init__(self):
        self.tensors = {}

    def put(self, name, t):
        assert name not in self.tensors, f"duplicate fixture name {name}"
        t = t.detach().clone().contiguous()
        self.tensors[name] = t.to(torch.float32) if t.is_floating_point() else t.to(torch.int64)


def canonicalize_metadata_order(path):
    """Sort the safetensors ``__metadata__`` keys in place (header length unchanged).

    safetensors keeps metadata in a hash map, so its key order, and with it the file's bytes, would
    change between runs even when every tensor is identical.
    """
    with open(path, "r+b") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n).decode("utf-8"))
        if "__metadata__" not in header:
            return
        header["__metadata__"] = dict(sorted(header["__metadata__"].items()))
        new = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        assert len(new) <= n, "canonical header unexpectedly longer"
        new += b" " * (n - len(new))
        f.seek(8)
        f.write(new)


def save(tensors, path, metadata):
    """Writes ``tensors`` with ``metadata`` to ``path`` with a stable header."""
    save_file(tensors, path, metadata=metadata)
    canonicalize_metadata_order(path)


def load_verified(tensors, path):
    """Reloads ``path`` and checks that it holds exactly ``tensors``; returns what it read."""
    from safetensors.torch import load_file

    loaded = load_file(path)
    assert set(loaded) == set(tensors), f"{path}: names differ after saving"
    for name in loaded:
        assert torch.equal(loaded[name], tensors[name]), f"{path}: {name} differs after saving"
    return loaded


def write_fixture(tensors, path, metadata, max_bytes=MAX_FIXTURE_BYTES):
    """Saves ``tensors`` to ``path``, checks the file reads back whole and small, prints its size and
    digest, and returns what it read."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    save(tensors, path, metadata)
    loaded = load_verified(tensors, path)
    for name, t in loaded.items():
        assert t.dtype in (torch.float32, torch.int64), name
    size = os.path.getsize(path)
    assert size < max_bytes, f"{path} is {size} bytes, over {max_bytes}"
    with open(path, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    repo_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    print(f"{os.path.relpath(path, repo_root)}  {size} bytes  sha256:{digest}  {len(loaded)} tensors")
    return loaded


def randomize_parameters(named_parameters, generator, weight_std, bias_std, layernorm_std):
    """Draws every parameter in order: LayerNorm weights 1 + N(0, layernorm_std), biases
    N(0, bias_std), everything else N(0, weight_std), all from one torch.Generator."""
    import torch
    with torch.no_grad():
        for name, p in named_parameters:
            if "LayerNorm.weight" in name:
                p.copy_(1.0 + layernorm_std * torch.randn(p.shape, generator=generator))
            elif name.endswith(".bias"):
                p.copy_(bias_std * torch.randn(p.shape, generator=generator))
            else:
                p.copy_(weight_std * torch.randn(p.shape, generator=generator))
