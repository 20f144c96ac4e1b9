// SortedTable: the key-value table of a TensorFlow checkpoint's `.index` file, in LevelDB's table
// format, read whole.
//
// Layout (leveldb `doc/table_format.md`; TensorFlow `core/lib/io/table.cc`, `format.cc`, `block.cc`):
//   data blocks … | meta-index block | index block | footer (48 bytes)
//   footer: meta-index handle, index handle (each two varint64: offset, size), zero padding to 40
//           bytes, then the magic number 0xdb4775248b80fb57 as a little-endian 64-bit value
//   block:  entries, then the restart offsets (UInt32 each) and their count (UInt32), followed in
//           the file by a 5-byte trailer: the compression type (0 none, 1 snappy) and the masked
//           CRC32C of the block and that type byte
//   entry:  varint32 shared key bytes, varint32 unshared key bytes, varint32 value length, the
//           unshared key bytes, the value (keys are prefix-compressed against the previous key and
//           restart from scratch at every restart point)
// The index block's values are the handles of the data blocks.

import ElectraData
import Foundation

/// The entries of a LevelDB-format table, in key order.
struct SortedTable {
    /// TensorFlow's `kTableMagicNumber` (LevelDB's).
    static let magic: UInt64 = 0xDB47_7524_8B80_FB57
    static let footerSize = 48
    static let trailerSize = 5

    /// Keys and values, in the order stored (ascending keys).
    private(set) var entries: [(key: [UInt8], value: [UInt8])] = []

    /// Reads every entry of the table in `bytes`; `path` names the file in errors. `verifyChecksums`
    /// false skips the blocks' CRCs (TensorFlow's `ReadOptions.verify_checksums`).
    init(_ bytes: [UInt8], path: String, verifyChecksums: Bool = true) throws {
        func fail(_ reason: String) -> TFCheckpointError { .malformedIndex(path: path, reason: reason) }
        guard bytes.count >= Self.footerSize else { throw fail("\(bytes.count) bytes, shorter than the 48-byte footer") }
        try bytes.withUnsafeBytes { file in
            let footerStart = file.count - Self.footerSize
            let magic = UInt64(littleEndian: file.loadUnaligned(fromByteOffset: file.count - 8, as: UInt64.self))
            guard magic == Self.magic else { throw fail("the footer's magic number is \(String(magic, radix: 16)), not db4775248b80fb57") }
            var footer = WireReader(UnsafeRawBufferPointer(rebasing: file[footerStart..<(file.count - 8)]))
            let handles = try Self.wire(path) { _ = try Self.handle(&footer); return try Self.handle(&footer) }
            let index = try Self.block(file, handle: handles, limit: footerStart, path: path, verify: verifyChecksums)
            var previous: [UInt8] = []
            for (_, value) in try Self.entries(of: index, path: path) {
                let handle = try value.withUnsafeBytes { raw in
                    var reader = WireReader(raw)
                    return try Self.wire(path) { try Self.handle(&reader) }
                }
                let data = try Self.block(file, handle: handle, limit: footerStart, path: path, verify: verifyChecksums)
                for entry in try Self.entries(of: data, path: path) {
                    guard entries.isEmpty || previous.lexicographicallyPrecedes(entry.key) else {
                        throw fail("keys are not in ascending order")
                    }
                    previous = entry.key
                    entries.append(entry)
                }
            }
        }
    }

    /// A block handle: offset and size.
    private static func handle(_ reader: inout WireReader) throws -> (offset: UInt64, size: UInt64) {
        (try reader.varint(), try reader.varint())
    }

    /// Runs `body`, turning a wire-format error into a malformed-index error for `path`.
    private static func wire<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as ProtobufError {
            throw TFCheckpointError.malformedIndex(path: path, reason: error.description)
        }
    }

    /// The contents of the block at `handle` (which must end before `limit`), its trailer checked.
    private static func block(_ file: UnsafeRawBufferPointer, handle: (offset: UInt64, size: UInt64), limit: Int,
                              path: String, verify: Bool) throws -> [UInt8] {
        guard handle.offset <= UInt64(limit), handle.size <= UInt64(limit) - handle.offset,
              Int(handle.offset + handle.size) + trailerSize <= limit else {
            throw TFCheckpointError.malformedIndex(path: path, reason: "a block at \(handle.offset) of \(handle.size) bytes runs past the end")
        }
        let start = Int(handle.offset), end = start + Int(handle.size)
        let stored = UInt32(littleEndian: file.loadUnaligned(fromByteOffset: end + 1, as: UInt32.self))
        let computed = CRC32C.maskedChecksum(UnsafeRawBufferPointer(rebasing: file[start..<(end + 1)]))
        guard stored == computed || !verify else {
            throw TFCheckpointError.malformedIndex(path: path, reason: "the block at byte \(start) does not match its checksum")
        }
        switch file[end] {
        case 0: return Array(file[start..<end])
        case 1: throw TFCheckpointError.compressedBlock(path: path, kind: "snappy")
        case let kind: throw TFCheckpointError.malformedIndex(path: path, reason: "the block at byte \(start) has compression type \(kind)")
        }
    }

    /// The entries of one block, prefix compression undone.
    private static func entries(of block: [UInt8], path: String) throws -> [(key: [UInt8], value: [UInt8])] {
        func fail(_ reason: String) -> TFCheckpointError { .malformedIndex(path: path, reason: reason) }
        guard block.count >= 4 else { throw fail("a block of \(block.count) bytes has no restart count") }
        return try block.withUnsafeBytes { raw in
            let restarts = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: raw.count - 4, as: UInt32.self)))
            guard restarts >= 1, restarts <= (raw.count - 4) / 4 else { throw fail("a block claims \(restarts) restart points") }
            let limit = raw.count - 4 - 4 * restarts
            var reader = WireReader(UnsafeRawBufferPointer(rebasing: raw[0..<limit]))
            var result: [(key: [UInt8], value: [UInt8])] = []
            var key: [UInt8] = []
            try wire(path) {
                while !reader.atEnd {
                    let shared = try reader.varint(), unshared = try reader.varint(), length = try reader.varint()
                    guard shared <= UInt64(key.count), unshared <= UInt64(limit), length <= UInt64(limit) else {
                        throw fail("an entry shares \(shared) bytes of a \(key.count)-byte key or is longer than its block")
                    }
                    let suffix = try reader.take(Int(unshared)), value = try reader.take(Int(length))
                    key = Array(key[0..<Int(shared)]) + raw[suffix]
                    result.append((key, Array(raw[value])))
                }
            }
            return result
        }
    }
}
