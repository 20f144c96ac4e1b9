// ZipArchive: the entries of a zip file, found through its central directory, as `torch.save` writes
// them (PyTorch's zip layout: every entry STORED, that is uncompressed, and 64-byte aligned).
//
// Layout (PKWARE APPNOTE 6.3): local file headers with their data, then the central directory (one
// 46-byte header per entry: method, sizes, local header offset, name, extra fields), then the end of
// central directory record (22 bytes and a comment). Archives past 4 GiB or 65535 entries carry ZIP64
// records: a locator just before the end record points to a 56-byte ZIP64 end record, and entries
// whose 32-bit fields read 0xFFFFFFFF have their true values in a ZIP64 extra field (id 0x0001).
// Only STORED entries are read; compressed (deflate) and encrypted ones are refused.

import Foundation

/// Why a zip archive cannot be read.
public enum ZipArchiveError: Error, CustomStringConvertible, Equatable {
    case malformed(path: String, reason: String)
    case unsupported(path: String, entry: String, reason: String)

    public var description: String {
        switch self {
        case .malformed(let path, let reason):
            return "\(path) is not a readable zip archive: \(reason). The file may be truncated or damaged; re-download or re-save it."
        case .unsupported(let path, let entry, let reason):
            return "\(path): entry \(entry) is \(reason); only uncompressed (STORED) entries are read, as torch.save writes them. "
                + "Re-save the file with torch.save."
        }
    }
}

/// A zip archive in memory (usually mapped), with its central directory parsed and checked.
public struct ZipArchive: @unchecked Sendable {
    /// One entry of the central directory.
    public struct Entry: Sendable {
        public let name: String
        /// Compression method: 0 is STORED, 8 deflate.
        public let method: UInt16
        public let flags: UInt16
        public let compressedSize: Int
        public let size: Int
        /// Offset of the entry's local file header.
        public let headerOffset: Int
    }

    public let path: String
    /// Entries in central-directory order.
    public let entries: [Entry]
    private let index: [String: Int]
    private let data: Data

    /// Parses the central directory of `data` (the bytes of file `path`).
    public init(data: Data, path: String) throws {
        self.path = path
        self.data = data
        let reader = ByteReader(data: data, path: path)
        let end = try Self.endRecordOffset(data, path: path)
        var count = Int(try reader.u16(end + 10))
        var directorySize = Int(try reader.u32(end + 12))
        var directoryOffset = Int(try reader.u32(end + 16))
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            let locator = end - 20
            guard locator >= 0, try reader.u32(locator) == 0x0706_4B50 else {
                throw ZipArchiveError.malformed(path: path, reason: "the end record asks for ZIP64 values but no ZIP64 locator precedes it")
            }
            let record = try reader.offset(try reader.u64(locator + 8))
            guard try reader.u32(record) == 0x0606_4B50 else {
                throw ZipArchiveError.malformed(path: path, reason: "the ZIP64 locator points to byte \(record), which holds no ZIP64 end record")
            }
            count = try reader.offset(try reader.u64(record + 32))
            directorySize = try reader.offset(try reader.u64(record + 40))
            directoryOffset = try reader.offset(try reader.u64(record + 48))
        }
        guard directoryOffset <= data.count, directorySize <= data.count - directoryOffset, count <= directorySize / 46 + 1 else {
            throw ZipArchiveError.malformed(path: path, reason: "the central directory (\(count) entries, \(directorySize) bytes at byte "
                                            + "\(directoryOffset)) lies outside the \(data.count)-byte file")
        }
        var entries: [Entry] = []
        var index: [String: Int] = [:]
        var position = directoryOffset
        for _ in 0..<count {
            guard try reader.u32(position) == 0x0201_4B50 else {
                throw ZipArchiveError.malformed(path: path, reason: "central directory entry \(entries.count) at byte \(position) has no signature")
            }
            let nameLength = Int(try reader.u16(position + 28)), extraLength = Int(try reader.u16(position + 30))
            let commentLength = Int(try reader.u16(position + 32))
            let nameBytes = try reader.bytes(position + 46, nameLength)
            guard let name = String(bytes: nameBytes, encoding: .utf8) else {
                throw ZipArchiveError.malformed(path: path, reason: "entry \(entries.count) has a name that is not UTF-8")
            }
            var size = UInt64(try reader.u32(position + 24)), compressed = UInt64(try reader.u32(position + 20))
            var offset = UInt64(try reader.u32(position + 42))
            try Self.applyZip64(reader, extra: position + 46 + nameLength, length: extraLength, size: &size, compressed: &compressed, offset: &offset)
            let entry = Entry(name: name, method: try reader.u16(position + 10), flags: try reader.u16(position + 8),
                              compressedSize: try reader.offset(compressed), size: try reader.offset(size), headerOffset: try reader.offset(offset))
            guard index[name] == nil else { throw ZipArchiveError.malformed(path: path, reason: "entry \(name) appears twice") }
            index[name] = entries.count
            entries.append(entry)
            position += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries
        self.index = index
    }

    /// The entry named `name`, if any.
    public func entry(_ name: String) -> Entry? { index[name].map { entries[$0] } }

    /// The bytes of entry `name` (a slice of the archive, not a copy). Throws unless it is STORED,
    /// unencrypted, and lies inside the file.
    public func contents(_ name: String) throws -> Data {
        guard let entry = entry(name) else { throw ZipArchiveError.malformed(path: path, reason: "it has no entry \(name)") }
        guard entry.flags & 1 == 0 else { throw ZipArchiveError.unsupported(path: path, entry: name, reason: "encrypted") }
        guard entry.method == 0 else {
            let method = entry.method == 8 ? "compressed (deflate)" : "compressed (method \(entry.method))"
            throw ZipArchiveError.unsupported(path: path, entry: name, reason: method)
        }
        guard entry.compressedSize == entry.size else {
            throw ZipArchiveError.malformed(path: path, reason: "stored entry \(name) claims \(entry.compressedSize) stored bytes for \(entry.size)")
        }
        let reader = ByteReader(data: data, path: path)
        guard try reader.u32(entry.headerOffset) == 0x0403_4B50 else {
            throw ZipArchiveError.malformed(path: path, reason: "entry \(name)'s local header at byte \(entry.headerOffset) has no signature")
        }
        let start = entry.headerOffset + 30 + Int(try reader.u16(entry.headerOffset + 26)) + Int(try reader.u16(entry.headerOffset + 28))
        guard start <= data.count, entry.size <= data.count - start else {
            throw ZipArchiveError.malformed(path: path, reason: "entry \(name) (\(entry.size) bytes at byte \(start)) runs past the end of the \(data.count)-byte file")
        }
        return data[(data.startIndex + start)..<(data.startIndex + start + entry.size)]
    }

    /// Offset of the end of central directory record: the last signature within the 65,557 bytes a
    /// record and its longest comment can take.
    private static func endRecordOffset(_ data: Data, path: String) throws -> Int {
        guard data.count >= 22 else {
            throw ZipArchiveError.malformed(path: path, reason: "it is \(data.count) bytes, shorter than a zip end record")
        }
        return try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Int in
            var offset = data.count - 22
            let lowest = max(0, data.count - 22 - 65_535)
            while offset >= lowest {
                if bytes[offset] == 0x50, bytes[offset + 1] == 0x4B, bytes[offset + 2] == 5, bytes[offset + 3] == 6 { return offset }
                offset -= 1
            }
            throw ZipArchiveError.malformed(path: path, reason: "no end of central directory record (is it truncated?)")
        }
    }

    /// Replaces the 32-bit fields that read 0xFFFFFFFF by their values in the ZIP64 extra field, in
    /// the order the format fixes: size, compressed size, header offset.
    private static func applyZip64(_ reader: ByteReader, extra: Int, length: Int, size: inout UInt64, compressed: inout UInt64,
                                   offset: inout UInt64) throws {
        var position = extra
        while position + 4 <= extra + length {
            let id = try reader.u16(position), fieldLength = Int(try reader.u16(position + 2))
            guard position + 4 + fieldLength <= extra + length else {
                throw ZipArchiveError.malformed(path: reader.path, reason: "an extra field runs past its entry")
            }
            if id == 1 {
                var values = [size, compressed, offset], field = position + 4
                for i in values.indices where values[i] == 0xFFFF_FFFF {
                    guard field + 8 <= position + 4 + fieldLength else {
                        throw ZipArchiveError.malformed(path: reader.path, reason: "a ZIP64 extra field is too short for the values it replaces")
                    }
                    values[i] = try reader.u64(field)
                    field += 8
                }
                (size, compressed, offset) = (values[0], values[1], values[2])
            }
            position += 4 + fieldLength
        }
    }
}

/// Little-endian reads at byte offsets of a buffer, each checked against its end.
struct ByteReader {
    let data: Data
    let path: String

    func bytes(_ offset: Int, _ count: Int) throws -> Data {
        guard offset >= 0, count >= 0, offset <= data.count, count <= data.count - offset else {
            throw ZipArchiveError.malformed(path: path, reason: "a record at byte \(offset) runs past the end of the \(data.count)-byte file")
        }
        return data[(data.startIndex + offset)..<(data.startIndex + offset + count)]
    }

    private func integer(_ offset: Int, _ width: Int) throws -> UInt64 {
        try bytes(offset, width).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    func u16(_ offset: Int) throws -> UInt16 { UInt16(try integer(offset, 2)) }
    func u32(_ offset: Int) throws -> UInt32 { UInt32(try integer(offset, 4)) }
    func u64(_ offset: Int) throws -> UInt64 { try integer(offset, 8) }

    /// `value` as an offset or size, refused when past `Int.max`.
    func offset(_ value: UInt64) throws -> Int {
        guard let result = Int(exactly: value) else {
            throw ZipArchiveError.malformed(path: path, reason: "a size or offset (\(value)) is past any file's end")
        }
        return result
    }
}
