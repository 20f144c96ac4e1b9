// TFCheckpointError: why a TensorFlow checkpoint (an `.index` table and its `.data-…` shards) cannot
// be read or converted.

/// Why a TensorFlow checkpoint cannot be used. Every case names the file at fault and says what to do.
public enum TFCheckpointError: Error, CustomStringConvertible, Equatable {
    /// `PREFIX.index` does not exist.
    case missingIndex(path: String)
    /// The `.index` table is malformed (`reason` says where).
    case malformedIndex(path: String, reason: String)
    /// A block of the `.index` table is compressed in a way this reader does not implement.
    case compressedBlock(path: String, kind: String)
    /// A data shard the index refers to does not exist.
    case missingShard(path: String, shards: Int)
    /// A tensor's entry cannot be served (wrong range, unsupported type, sliced variable).
    case unreadableTensor(path: String, name: String, reason: String)
    /// A tensor's bytes do not match the CRC32C recorded in the index.
    case checksumMismatch(path: String, name: String, stored: UInt32, computed: UInt32)
    /// A tensor the conversion needs is not in the checkpoint.
    case missingTensor(path: String, name: String)
    /// The checkpoint's variables are not (or not consistently) Google's ELECTRA.
    case notElectra(path: String, reason: String)

    public var description: String {
        switch self {
        case .missingIndex(let path):
            return "\(path) does not exist: give the checkpoint prefix (for model.ckpt-1000000.index and "
                + "model.ckpt-1000000.data-00000-of-00001, pass model.ckpt-1000000)"
        case .malformedIndex(let path, let reason):
            return "\(path) is not a TensorFlow checkpoint index (\(reason)); it is damaged or truncated: copy it again from its source"
        case .compressedBlock(let path, let kind):
            return "\(path) holds \(kind)-compressed blocks, which electra does not read; TensorFlow writes checkpoints "
                + "uncompressed: re-save it with tf.compat.v1.train.Saver"
        case .missingShard(let path, let shards):
            return "\(path) is missing: the checkpoint's index says its tensors are in \(shards) data file\(shards == 1 ? "" : "s"); "
                + "copy every .data-NNNNN-of-\(String(format: "%05d", shards)) file next to the .index"
        case .unreadableTensor(let path, let name, let reason):
            return "\(path): tensor \(name) cannot be read (\(reason))"
        case .checksumMismatch(let path, let name, let stored, let computed):
            return "\(path): the bytes of tensor \(name) do not match their checksum (stored CRC32C "
                + "\(String(stored, radix: 16)), computed \(String(computed, radix: 16))); the data file is damaged: copy it again"
        case .missingTensor(let path, let name):
            return "\(path) has no tensor \(name); is it one of Google's ELECTRA pretraining checkpoints?"
        case .notElectra(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}
