// WireReader: a cursor over protobuf wire-format bytes (varints, tags, length-delimited and fixed-width
// fields), shared by the hand-parsed messages of TFRecord examples and TensorFlow checkpoints.

/// Why a record's bytes are not a well-formed `tf.train.Example`.
public struct ProtobufError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong, and at which byte of the record.
    public let description: String
}

/// A cursor over protobuf wire-format bytes.
public struct WireReader {
    private let bytes: UnsafeRawBufferPointer
    private var position: Int
    private let end: Int

    /// A reader of the whole of `bytes` (positions count from its start).
    public init(_ bytes: UnsafeRawBufferPointer) {
        self.init(bytes: bytes, range: 0..<bytes.count)
    }

    private init(bytes: UnsafeRawBufferPointer, range: Range<Int>) {
        self.bytes = bytes
        position = range.lowerBound
        end = range.upperBound
    }

    public var atEnd: Bool { position >= end }

    private func error(_ what: String) -> ProtobufError {
        ProtobufError(description: "\(what) at byte \(position)")
    }

    /// The next (field number, wire type), or `nil` at the end.
    public mutating func nextTag() throws -> (Int, Int)? {
        guard !atEnd else { return nil }
        let tag = try varint()
        let field = tag >> 3
        guard field >= 1 && field <= 0x1FFF_FFFF else { throw error("field number \(field) out of range") }
        return (Int(field), Int(tag & 7))
    }

    /// A base-128 varint of up to 10 bytes.
    public mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw error("varint cut short") }
            let byte = bytes[position]
            position += 1
            guard shift < 64 else { throw error("varint longer than 10 bytes") }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    /// A little-endian `fixed32` field's value (wire type 5).
    public mutating func fixed32() throws -> UInt32 {
        let range = try take(4)
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: range.lowerBound, as: UInt32.self))
    }

    /// The extent of the next `count` raw bytes (positions count from the start of the whole buffer), consumed.
    public mutating func take(_ count: Int) throws -> Range<Int> {
        guard count >= 0, count <= end - position else { throw error("\(count) bytes run past the end") }
        let range = position..<(position + count)
        position = range.upperBound
        return range
    }

    /// The extent of a length-delimited field's payload, consumed.
    private mutating func lengthDelimited() throws -> Range<Int> {
        let length = try varint()
        guard length <= UInt64(end - position) else { throw error("length \(length) runs past the end") }
        let range = position..<(position + Int(length))
        position = range.upperBound
        return range
    }

    /// A reader over the next length-delimited field's payload.
    public mutating func nested() throws -> WireReader {
        let range = try lengthDelimited()
        return WireReader(bytes: bytes, range: range)
    }

    /// The next length-delimited field as UTF-8 text.
    public mutating func string() throws -> String {
        let range = try lengthDelimited()
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// Skips a field's payload of wire type `wire`.
    public mutating func skip(_ wire: Int) throws {
        switch wire {
        case 0: _ = try varint()
        case 1, 5:
            let size = wire == 1 ? 8 : 4
            guard end - position >= size else { throw error("fixed-width field cut short") }
            position += size
        case 2: _ = try lengthDelimited()
        default: throw error("unsupported wire type \(wire)")
        }
    }
}
