// TFCheckpoint: a TensorFlow checkpoint (a TF1 `Saver` V2 bundle, as Google's ELECTRA releases are)
// read without TensorFlow: `PREFIX.index` names every tensor, `PREFIX.data-0000k-of-0000N` hold their
// raw little-endian bytes.
//
// The index (see SortedTable) maps the empty key to a `BundleHeader` and each tensor name to a
// `BundleEntry` (type, shape, shard, offset, size, masked CRC32C); the reader follows TensorFlow's
// `core/util/tensor_bundle/tensor_bundle.cc` and checks every tensor's checksum as it reads it.

import ElectraData
import ElectraTensor
import Foundation

/// An open TensorFlow checkpoint.
public struct TFCheckpoint {
    /// What the index says of one tensor.
    public struct Info: Equatable, Sendable {
        public let dtype: TFDataType
        public let shape: [Int]
    }

    /// The checkpoint prefix (`…/model.ckpt-1000000`).
    public let prefix: String
    /// The tensors the checkpoint holds, by name.
    public let tensors: [String: Info]
    private let entries: [String: BundleEntry]
    private let shardCount: Int
    private let verifyChecksums: Bool

    /// The index file of `prefix`.
    public static func indexPath(_ prefix: String) -> String { prefix + ".index" }

    /// The data file `shard` of `count`.
    public static func shardPath(_ prefix: String, shard: Int, of count: Int) -> String {
        prefix + String(format: ".data-%05d-of-%05d", shard, count)
    }

    /// Whether `path` is a checkpoint prefix (its `.index` exists).
    public static func isPrefix(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: indexPath(path), isDirectory: &directory) && !directory.boolValue
    }

    /// Opens the checkpoint at `prefix` (a path given as `…/model.ckpt-N.index` is taken as its prefix):
    /// reads and checks its index and that every data shard exists. `verifyChecksums` false skips the
    /// CRC32C checks of the index's blocks and of the tensors (for the fuzz target: every other check stays).
    public init(prefix: String, verifyChecksums: Bool = true) throws {
        let prefix = prefix.hasSuffix(".index") ? String(prefix.dropLast(".index".count)) : prefix
        let path = Self.indexPath(prefix)
        guard let data = FileManager.default.contents(atPath: path) else { throw TFCheckpointError.missingIndex(path: path) }
        func fail(_ reason: String) -> TFCheckpointError { .malformedIndex(path: path, reason: reason) }
        let table = try SortedTable([UInt8](data), path: path, verifyChecksums: verifyChecksums)
        guard let first = table.entries.first, first.key.isEmpty else { throw fail("it has no header entry (the empty key)") }
        let header: BundleHeader
        do { header = try first.value.withUnsafeBytes { try BundleHeader(parsing: $0) } } catch let error as ProtobufError {
            throw fail("its header does not parse: \(error)")
        }
        guard header.endianness == 0 else { throw fail("it was written big-endian; re-save it on a little-endian machine") }
        guard header.minConsumer <= 1 else { throw fail("it needs a reader of bundle version \(header.minConsumer), this one reads version 1") }
        guard header.shards >= 1, header.shards <= 100_000 else { throw fail("its header says \(header.shards) data shards") }
        var entries: [String: BundleEntry] = [:], tensors: [String: Info] = [:]
        for (key, value) in table.entries.dropFirst() {
            let name = String(decoding: key, as: UTF8.self)
            let entry: BundleEntry
            do { entry = try value.withUnsafeBytes { try BundleEntry(parsing: $0) } } catch let error as ProtobufError {
                throw fail("the entry of \(name) does not parse: \(error)")
            }
            guard entry.shard >= 0, entry.shard < header.shards else {
                throw fail("\(name) is in shard \(entry.shard) of \(header.shards)")
            }
            guard entry.shape.allSatisfy({ $0 >= 0 }), !entry.unknownRank else { throw fail("\(name) has shape \(entry.shape)") }
            entries[name] = entry
            if let dtype = TFDataType(rawValue: entry.dtype) { tensors[name] = Info(dtype: dtype, shape: entry.shape) }
        }
        for shard in 0..<header.shards where !FileManager.default.fileExists(atPath: Self.shardPath(prefix, shard: shard, of: header.shards)) {
            throw TFCheckpointError.missingShard(path: Self.shardPath(prefix, shard: shard, of: header.shards), shards: header.shards)
        }
        self.prefix = prefix
        self.entries = entries
        self.tensors = tensors
        shardCount = header.shards
        self.verifyChecksums = verifyChecksums
    }

    /// Every name in the index (also those of types this reader does not serve), sorted.
    public var names: [String] { entries.keys.sorted() }

    /// The raw bytes of tensor `name`, their size and checksum checked.
    public func bytes(_ name: String) throws -> (info: Info, bytes: [UInt8]) {
        guard let entry = entries[name] else { throw TFCheckpointError.missingTensor(path: Self.indexPath(prefix), name: name) }
        let path = Self.shardPath(prefix, shard: entry.shard, of: shardCount)
        func fail(_ reason: String) -> TFCheckpointError { .unreadableTensor(path: path, name: name, reason: reason) }
        guard !entry.sliced else { throw fail("it is a partitioned variable, stored in slices; re-save it unpartitioned") }
        guard let info = tensors[name] else { throw fail("its type is TensorFlow DataType \(entry.dtype), not a float or integer type") }
        let count = info.shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
        guard count < Int.max / 8, UInt64(count * info.dtype.size) == entry.size else {
            throw fail("the index gives \(entry.size) bytes for shape \(info.shape) of \(info.dtype)")
        }
        guard let file = FileHandle(forReadingAtPath: path) else { throw TFCheckpointError.missingShard(path: path, shards: shardCount) }
        defer { try? file.close() }
        let length = try file.seekToEnd()
        guard entry.offset <= length, entry.size <= length - entry.offset else {
            throw fail("its bytes \(entry.offset)..<\(entry.offset &+ entry.size) run past the end of the \(length)-byte file; the file is truncated")
        }
        try file.seek(toOffset: entry.offset)
        let bytes = [UInt8](try file.read(upToCount: Int(entry.size)) ?? Data())
        guard bytes.count == Int(entry.size) else { throw fail("the file ended early") }
        let computed = bytes.withUnsafeBytes { CRC32C.maskedChecksum($0) }
        guard computed == entry.crc32c || !verifyChecksums else {
            throw TFCheckpointError.checksumMismatch(path: path, name: name, stored: entry.crc32c, computed: computed)
        }
        return (info, bytes)
    }

    /// Tensor `name` converted to Float32 (floating-point and integer types), its checksum checked.
    public func tensor(_ name: String) throws -> Tensor {
        let (info, bytes) = try bytes(name)
        let out = Tensor(zeros: info.shape)
        let p = out.pointer
        bytes.withUnsafeBytes { source in
            for i in 0..<out.count {
                switch info.dtype {
                case .float: p[i] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                case .double: p[i] = Float(Double(bitPattern: UInt64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
                case .int32: p[i] = Float(Int32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
                case .int64: p[i] = Float(Int64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
                case .bfloat16: p[i] = Float(bitPattern: UInt32(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
                case .half: p[i] = Float(halfBits: UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                }
            }
        }
        return out
    }
}
