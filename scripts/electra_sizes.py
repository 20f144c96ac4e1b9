"""Google's ELECTRA discriminator sizes, as transformers' ElectraConfig keyword arguments; shared by
the PyTorch benchmark companions (the Swift side's presets are ElectraConfig.small/base/large)."""

SIZES = {
    "small": dict(embedding_size=128, hidden_size=256, num_hidden_layers=12, num_attention_heads=4, intermediate_size=1024),
    "base": dict(embedding_size=768, hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072),
    "large": dict(embedding_size=1024, hidden_size=1024, num_hidden_layers=24, num_attention_heads=16, intermediate_size=4096),
}
