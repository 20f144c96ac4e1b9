"""Generate reference fixtures for the Swift classification models (issue 13).

Produces ``Tests/Fixtures/classification/model.safetensors`` (float32 / int64, well under 1 MB) with
transformers' own ``ElectraForSequenceClassification`` (single-label, multi-label, regression) and
``ElectraForTokenClassification`` on one tiny encoder and one batch, in eval mode (no dropout, so the
numbers are deterministic; dropout is the only difference in training mode).

Sizes: vocab 64, embedding 16, hidden 32, 2 layers, 4 heads, intermediate 64, 16 positions; batch
B=3 of T=8 tokens, row 2 padded after 5 tokens, rows 0 and 1 sentence pairs (token types 0 then 1).

Tensors:

* ``input_ids``, ``attention_mask``, ``token_type_ids`` [3,8] int64.
* ``encoder.<name>``: every ``electra.*`` parameter (Hugging Face names), shared by all four models.
* for each case ``single`` (num_labels 3, labels [2,0,1]), ``multi`` (num_labels 3, 0/1 labels
  [3,3] float), ``regression`` (num_labels 1, float labels [3]) and ``token`` (num_labels 5, labels
  [3,8] with -100 on [CLS], [SEP], sub-token and padding positions):
  ``<case>.head.<name>`` the head's parameters (``classifier.dense.*``, ``classifier.out_proj.*``;
  ``classifier.*`` for the token head), ``<case>.labels``, ``<case>.logits``, ``<case>.loss`` [1], and
  ``<case>.grad.<name>`` d loss / d parameter for EVERY parameter of the model (encoder included).

The losses are transformers' (``problem_type`` set explicitly in each config): CrossEntropyLoss
(mean over non -100 positions for tokens), BCEWithLogitsLoss (mean over rows x labels), MSELoss on
``logits.squeeze()`` against ``labels.squeeze()``.

Regenerate from the repository root:

    .venv-ref/bin/python scripts/make_classification_model_fixtures.py
"""

import os

import safetensors
import torch
import transformers
from fixture_common import TensorCollector, randomize_parameters, seed_torch, write_fixture
from transformers import ElectraConfig, ElectraForSequenceClassification, ElectraForTokenClassification, ElectraModel

SEED = 20261202
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_PATH = os.path.join(REPO_ROOT, "Tests", "Fixtures", "classification", "model.safetensors")
B, T = 3, 8
SIZES = dict(vocab_size=64, embedding_size=16, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
             intermediate_size=64, max_position_embeddings=16, type_vocab_size=2, hidden_act="gelu",
             layer_norm_eps=1e-12, pad_token_id=0)
WEIGHT_STD, BIAS_STD, LAYERNORM_STD = 0.2, 0.1, 0.1

seed_torch(SEED)
gen = torch.Generator().manual_seed(SEED)

input_ids = torch.randint(5, SIZES["vocab_size"], (B, T), generator=gen)
input_ids[:, 0] = 2  # [CLS]
attention_mask = torch.ones((B, T), dtype=torch.int64)
token_type_ids = torch.zeros((B, T), dtype=torch.int64)
for row, split in ((0, 4), (1, 3)):
    token_type_ids[row, split:] = 1
    input_ids[row, split - 1] = 3  # [SEP]
input_ids[:, T - 1] = 3
input_ids[2, 5:] = 0
input_ids[2, 4] = 3
attention_mask[2, 5:] = 0

encoder = ElectraModel(ElectraConfig(**SIZES))
randomize_parameters(encoder.named_parameters(), gen, WEIGHT_STD, BIAS_STD, LAYERNORM_STD)
encoder_state = {f"electra.{k}": v for k, v in encoder.state_dict().items() if not k.endswith("position_ids")}

collector = TensorCollector()
put = collector.put
put("input_ids", input_ids)
put("attention_mask", attention_mask)
put("token_type_ids", token_type_ids)
for name, value in encoder_state.items():
    put(f"encoder.{name}", value)

token_labels = torch.full((B, T), -100, dtype=torch.int64)
token_labels[0, 1:3] = torch.tensor([1, 4])
token_labels[0, 4:6] = torch.tensor([0, 2])   # position 6 stands for a sub-token: ignored
token_labels[1, [1, 2, 4, 5, 6]] = torch.tensor([3, 3, 0, 1, 4])
token_labels[2, 1:4] = torch.tensor([2, 2, 0])
CASES = {
    "single": (ElectraForSequenceClassification, 3, "single_label_classification", torch.tensor([2, 0, 1])),
    "multi": (ElectraForSequenceClassification, 3, "multi_label_classification",
              torch.tensor([[1.0, 0.0, 1.0], [0.0, 0.0, 0.0], [0.0, 1.0, 1.0]])),
    "regression": (ElectraForSequenceClassification, 1, "regression", torch.tensor([0.5, -1.25, 3.0])),
    "token": (ElectraForTokenClassification, 5, None, token_labels),
}

for case, (cls, labels_count, problem, labels) in CASES.items():
    config = ElectraConfig(**SIZES, num_labels=labels_count, problem_type=problem)
    model = cls(config)
    heads = [(n, p) for n, p in model.named_parameters() if not n.startswith("electra.")]
    randomize_parameters(heads, gen, WEIGHT_STD, BIAS_STD, LAYERNORM_STD)
    missing, unexpected = model.load_state_dict(encoder_state, strict=False)
    assert not unexpected and all(not n.startswith("electra.") for n in missing), (missing, unexpected)
    model.eval()
    model.zero_grad(set_to_none=True)
    out = model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids, labels=labels)
    out.loss.backward()
    for name, p in heads:
        put(f"{case}.head.{name}", p)
    put(f"{case}.labels", labels)
    put(f"{case}.logits", out.logits)
    put(f"{case}.loss", out.loss.reshape(1))
    for name, p in model.named_parameters():
        assert p.grad is not None, (case, name)
        put(f"{case}.grad.{name}", p.grad)
    # Independent re-computation of the loss from the logits.
    with torch.no_grad():
        logits = out.logits
        if case == "single":
            ref = torch.nn.functional.cross_entropy(logits, labels)
        elif case == "multi":
            ref = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels)
        elif case == "regression":
            ref = ((logits.squeeze(-1) - labels) ** 2).mean()
        else:
            keep = labels != -100
            ref = torch.nn.functional.cross_entropy(logits[keep], labels[keep])
        assert torch.allclose(ref, out.loss, atol=1e-6), (case, ref, out.loss)
    print(f"{case}: loss {out.loss.item():.6f}")

metadata = {
    "generator": "scripts/make_classification_model_fixtures.py",
    "seed": str(SEED),
    "torch_version": torch.__version__,
    "transformers_version": transformers.__version__,
    "safetensors_version": safetensors.__version__,
    "sizes": " ".join(f"{k}={v}" for k, v in SIZES.items()) + f" B={B} T={T}",
    "init": f"weights N(0,{WEIGHT_STD}); biases N(0,{BIAS_STD}); LayerNorm weight 1+N(0,{LAYERNORM_STD})",
    "mode": "eval (no dropout); gradients of the loss with respect to every parameter",
}
write_fixture(collector.tensors, OUT_PATH, metadata)
