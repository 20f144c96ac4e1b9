"""Generate the PyTorch-weights fixtures: model directories holding ``pytorch_model.bin`` (torch.save),
sharded weights (both formats), and malformed files, for the Swift readers (PyTorchFile, ModelWeights).

Run with the reference environment (torch, transformers, safetensors):

    /work/main/.venv-ref/bin/python scripts/make_torch_bin_fixtures.py

Produces ``Tests/Fixtures/torch-bin/`` (every directory has a ``config.json``, no vocab.txt):

* ``discriminator-bin/``: a tiny ``ElectraForPreTraining`` as transformers 4.x
  ``save_pretrained(safe_serialization=False)`` wrote it: ``torch.save`` of a plain dict of the state
  dict's tensors (transformers 5 always writes safetensors, so the script calls torch.save itself, as
  4.x did). It also holds the int64 buffer ``electra.embeddings.position_ids`` that transformers
  before 4.31 saved (and Hub files still have).
* ``generator-bin/``: a tiny ``ElectraForMaskedLM`` (embedding 8 < hidden 16: embeddings_project),
  ``torch.save(model.state_dict())``: an OrderedDict with ``_metadata`` (pickle BUILD), the tied
  ``generator_lm_head.weight`` on the same storage as the word embeddings, a non-contiguous query
  weight (a transposed view of its transpose: strides (1, out)), and the two LayerNorm biases of
  layer 0 as views at offsets 0 and 16 of one 32-element storage.
* ``sharded-bin/``: the discriminator in three ``pytorch_model-0000k-of-00003.bin`` shards with
  ``pytorch_model.bin.index.json`` ({"metadata": {"total_size"}, "weight_map"}), as 4.x wrote them.
* ``sharded-safetensors/``: the discriminator from transformers' own ``save_pretrained(max_shard_size=
  "20KB")``: ``model-0000k-of-0000N.safetensors`` and ``model.safetensors.index.json``.
* ``f16-bin/``, ``bf16-bin/``: the discriminator in float16 / bfloat16 (``model.to(dtype)``), torch.save.
* ``both/``: ``model.safetensors`` (the discriminator) and a ``pytorch_model.bin`` of other weights
  (the generator's): the safetensors file must be the one read.
* ``tiny.bin`` + ``tiny.safetensors``: a small state dict of every dtype read (F32, F16, BF16, F64,
  I64, I32), a transposed view, an offset view, a scalar and an ``nn.Parameter``; the safetensors file
  holds the same tensors contiguous (as float32), for checking values element by element.
  ``tiny-zip64.bin`` is the same archive re-zipped with ZIP64 records (end record and extra fields).
* ``expected.safetensors``: ``input_ids``, ``attention_mask``, ``token_type_ids`` [2, 8] and, for
  every directory above, ``<dir>.logits``: transformers' logits after loading that directory with
  ``from_pretrained(dir, dtype=torch.float32)`` (eager attention, eval mode): the discriminator's
  [2, 8], the generator's [16, 64] (every position). The F16 and BF16 logits are transformers' own
  load of those files (weights upcast to float32).
* ``malformed/``: ``system.bin`` (a torch.save'd dict whose value's ``__reduce__`` is ``os.system``,
  pickled as GLOBAL ``posix system``; running it would create ``/tmp/electra-torch-bin-pwned``),
  ``truncated.bin`` (the first half of a valid file), ``wrong-size.bin`` (a storage entry 4 bytes
  short of what the pickle says), ``complex.bin`` (a complex64 tensor), ``legacy.bin``
  (``_use_new_zipfile_serialization=False``, the pre-1.6 format), ``deflate.bin`` (a valid file
  re-zipped with deflate), ``list.bin`` (a list of tensors, not a dict) and ``expanded.bin`` (a
  1000-element view with stride 0 of a 1-element storage, refused: more elements than its storage).

Seeds are fixed; the versions of torch and transformers are recorded in expected.safetensors' metadata.
"""
import collections
import json
import os
import shutil
import sys
import zipfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_common import randomize_parameters, seed_torch, write_fixture  # noqa: E402

SEED = 1414
ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Tests", "Fixtures", "torch-bin")
TINY = dict(vocab_size=64, embedding_size=8, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
            intermediate_size=32, max_position_embeddings=32, type_vocab_size=2, hidden_act="gelu",
            layer_norm_eps=1e-12, initializer_range=0.02, pad_token_id=0)
PWNED = "/tmp/electra-torch-bin-pwned"


def make_model(cls, seed):
    from transformers import ElectraConfig

    config = ElectraConfig(**TINY)
    model = cls._from_config(config, attn_implementation="eager")
    randomize_parameters(model.named_parameters(), torch.Generator().manual_seed(seed), 0.2, 0.1, 0.1)
    return model.eval()


def fresh(name):
    path = os.path.join(ROOT, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def write_config(model, directory, dtype=None):
    config = model.config.to_dict()
    config["architectures"] = [type(model).__name__]
    config.pop("_attn_implementation_autoset", None)
    if dtype is not None:
        config["dtype"] = dtype
    with open(os.path.join(directory, "config.json"), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write("\n")


def save_bin(model, name, state_dict=None, dtype=None):
    directory = fresh(name)
    write_config(model, directory, dtype)
    if state_dict is None:
        state_dict = {k: v for k, v in model.state_dict().items()}
    torch.save(state_dict, os.path.join(directory, "pytorch_model.bin"))
    return directory


def save_sharded_bin(model, name, shards=3):
    directory = fresh(name)
    write_config(model, directory)
    state = model.state_dict()
    names = list(state)
    size = (len(names) + shards - 1) // shards
    weight_map, total = {}, 0
    for k in range(shards):
        file = f"pytorch_model-{k + 1:05d}-of-{shards:05d}.bin"
        part = {n: state[n] for n in names[k * size:(k + 1) * size]}
        torch.save(part, os.path.join(directory, file))
        for n, t in part.items():
            weight_map[n] = file
            total += t.numel() * t.element_size()
    with open(os.path.join(directory, "pytorch_model.bin.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2, sort_keys=True)
        f.write("\n")
    return directory


def logits_of(cls, directory, inputs):
    """transformers' own load of `directory` (float32), and its logits."""
    model = cls.from_pretrained(directory, dtype=torch.float32, attn_implementation="eager").eval()
    with torch.no_grad():
        out = model(**inputs).logits
    return out.reshape(-1, out.shape[-1]) if out.dim() == 3 else out


class System:
    """Pickles as a call of os.system: a file that would run a command when unpickled."""

    def __reduce__(self):
        return (os.system, (f"touch {PWNED}",))


def rezip(source, target, compression=zipfile.ZIP_STORED, shorten=None):
    """Copies zip `source` to `target` entry by entry, with `compression`; entry `shorten` loses 4 bytes."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", compression) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == shorten:
                data = data[:-4]
            entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)  # the source's time: the same bytes each run
            entry.compress_type = compression
            new.writestr(entry, data)


def write_malformed(valid):
    directory = fresh("malformed")
    torch.save({"weight": System()}, os.path.join(directory, "system.bin"))
    with open(valid, "rb") as f:
        data = f.read()
    with open(os.path.join(directory, "truncated.bin"), "wb") as f:
        f.write(data[: len(data) // 2])
    rezip(valid, os.path.join(directory, "wrong-size.bin"), shorten=next(n for n in zipfile.ZipFile(valid).namelist() if n.endswith("/data/0")))
    rezip(valid, os.path.join(directory, "deflate.bin"), zipfile.ZIP_DEFLATED)
    torch.save({"weight": torch.zeros(2, dtype=torch.complex64)}, os.path.join(directory, "complex.bin"))
    torch.save({"weight": torch.ones(2)}, os.path.join(directory, "legacy.bin"), _use_new_zipfile_serialization=False)
    torch.save([torch.ones(2)], os.path.join(directory, "list.bin"))
    torch.save({"weight": torch.zeros(1).expand(1000)}, os.path.join(directory, "expanded.bin"))


def write_tiny():
    g = torch.Generator().manual_seed(SEED + 9)
    base = torch.randn(3, 4, generator=g)
    packed = torch.randn(10, generator=g)
    tiny = collections.OrderedDict()
    tiny["f32"] = base
    tiny["f32.transposed"] = base.t()
    tiny["f32.offset"] = packed[3:9].view(2, 3)
    tiny["f16"] = torch.randn(2, 5, generator=g).half()
    tiny["bf16"] = torch.nn.Parameter(torch.randn(4, generator=g).bfloat16())
    tiny["f64"] = torch.randn(3, generator=g).double()
    tiny["i64"] = torch.arange(5)
    tiny["i32"] = torch.arange(-2, 2, dtype=torch.int32)
    tiny["scalar"] = torch.tensor(2.5)
    path = os.path.join(ROOT, "tiny.bin")
    torch.save(tiny, path)
    # The same archive with ZIP64 records throughout (as torch.save writes past 4 GiB): zipfile writes
    # them for every entry and the end record once its limits are this low.
    limits = zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT
    zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = 0, 0
    rezip(path, os.path.join(ROOT, "tiny-zip64.bin"))
    zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = limits
    expected = {k: v.detach().float().contiguous() for k, v in tiny.items()}
    write_fixture(expected, os.path.join(ROOT, "tiny.safetensors"), {"seed": str(SEED), "torch": torch.__version__})
    return path


def main():
    import transformers
    from transformers import ElectraForMaskedLM, ElectraForPreTraining

    seed_torch(SEED)
    os.makedirs(ROOT, exist_ok=True)
    g = torch.Generator().manual_seed(SEED)
    input_ids = torch.randint(1, TINY["vocab_size"], (2, 8), generator=g)
    attention_mask = torch.ones(2, 8, dtype=torch.int64)
    attention_mask[1, 6:] = 0
    input_ids[1, 6:] = 0
    token_type_ids = torch.zeros(2, 8, dtype=torch.int64)
    token_type_ids[0, 5:] = 1
    inputs = dict(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
    expected = dict(inputs)

    discriminator = make_model(ElectraForPreTraining, SEED + 1)
    state = {k: v for k, v in discriminator.state_dict().items()}
    state["electra.embeddings.position_ids"] = torch.arange(TINY["max_position_embeddings"]).expand((1, -1))
    save_bin(discriminator, "discriminator-bin", state)
    expected["discriminator-bin.logits"] = logits_of(ElectraForPreTraining, os.path.join(ROOT, "discriminator-bin"), inputs)

    generator = make_model(ElectraForMaskedLM, SEED + 2)
    state = generator.state_dict()
    assert state["generator_lm_head.weight"].data_ptr() == state["electra.embeddings.word_embeddings.weight"].data_ptr()
    query = "electra.encoder.layer.0.attention.self.query.weight"
    state[query] = state[query].t().contiguous().t()
    assert not state[query].is_contiguous()
    first, second = "electra.encoder.layer.0.attention.output.LayerNorm.bias", "electra.encoder.layer.0.output.LayerNorm.bias"
    packed = torch.cat([state[first], state[second]])
    state[first], state[second] = packed[:16], packed[16:]
    save_bin(generator, "generator-bin", state)
    expected["generator-bin.logits"] = logits_of(ElectraForMaskedLM, os.path.join(ROOT, "generator-bin"), inputs)

    save_sharded_bin(discriminator, "sharded-bin")
    expected["sharded-bin.logits"] = logits_of(ElectraForPreTraining, os.path.join(ROOT, "sharded-bin"), inputs)

    directory = fresh("sharded-safetensors")
    discriminator.save_pretrained(directory, max_shard_size="20KB")
    assert os.path.exists(os.path.join(directory, "model.safetensors.index.json"))
    expected["sharded-safetensors.logits"] = logits_of(ElectraForPreTraining, directory, inputs)

    for name, dtype in [("f16-bin", torch.float16), ("bf16-bin", torch.bfloat16)]:
        low = make_model(ElectraForPreTraining, SEED + 1).to(dtype)
        save_bin(low, name, dtype=str(dtype).removeprefix("torch."))
        expected[f"{name}.logits"] = logits_of(ElectraForPreTraining, os.path.join(ROOT, name), inputs)

    directory = fresh("both")
    discriminator.save_pretrained(directory)
    torch.save(make_model(ElectraForPreTraining, SEED + 3).state_dict(), os.path.join(directory, "pytorch_model.bin"))
    expected["both.logits"] = logits_of(ElectraForPreTraining, directory, inputs)

    write_tiny()
    write_malformed(os.path.join(ROOT, "discriminator-bin", "pytorch_model.bin"))
    for name in ["discriminator-bin", "generator-bin", "sharded-bin", "f16-bin", "bf16-bin", "both"]:
        for file in sorted(os.listdir(os.path.join(ROOT, name))):
            print(f"{name}/{file}  {os.path.getsize(os.path.join(ROOT, name, file))} bytes")
    metadata = {"seed": str(SEED), "torch": torch.__version__, "transformers": transformers.__version__}
    write_fixture({k: v.contiguous() for k, v in expected.items()}, os.path.join(ROOT, "expected.safetensors"), metadata)


if __name__ == "__main__":
    main()
