"""Helpers shared by the fixture scripts (make_*_fixtures.py): collecting tensors and writing
safetensors files whose bytes do not change from run to run."""
import json
import struct

import torch
from safetensors.torch import save_file


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
