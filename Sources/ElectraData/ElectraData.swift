// ElectraData: corpus reading, pretraining example building, the shard format, and batching.
