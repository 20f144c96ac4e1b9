// ExampleProto: the int64 features of a `tf.train.Example`, read straight from the protobuf wire
// format (no protobuf library).

/// Why a record's bytes are not a well-formed `tf.train.Example`.
public struct ProtobufError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong, and at which byte of the record.
    public let description: String
}

/// The features of one `tf.train.Example`, as far as pretraining records need them.
///
/// The messages read (TensorFlow's `core/example/example.proto` and `feature.proto`):
/// `Example { Features features = 1; }`, `Features { map<string, Feature> feature = 1; }` (each map
/// entry a message `{ string key = 1; Feature value = 2; }`), `Feature { oneof kind { BytesList
/// bytes_list = 1; FloatList float_list = 2; Int64List int64_list = 3; } }` and
/// `Int64List { repeated int64 value = 1 [packed = true]; }`. Packed and unpacked int64 values are
/// both read; unknown fields are skipped by wire type; as in protobuf, the last of repeated map keys
/// or message fields wins. Groups (wire types 3 and 4) are refused.
public struct ExampleFeatures: Equatable, Sendable {
    /// One feature's value.
    public enum Value: Equatable, Sendable {
        /// An `Int64List`.
        case int64([Int64])
        /// A `BytesList` or `FloatList` (their values are not kept).
        case other(kind: String)
        /// A `Feature` with no list set.
        case empty
    }

    /// The features read, by name.
    public private(set) var values: [String: Value] = [:]

    /// Parses `bytes`, keeping the features named in `names` (all when `nil`).
    /// - Throws: `ProtobufError` for malformed bytes.
    public init(parsing bytes: UnsafeRawBufferPointer, keeping names: Set<String>? = nil) throws {
        var example = WireReader(bytes)
        while let (field, wire) = try example.nextTag() {
            guard field == 1 && wire == 2 else { try example.skip(wire); continue }
            var features = try example.nested()
            while let (field, wire) = try features.nextTag() {
                guard field == 1 && wire == 2 else { try features.skip(wire); continue }
                var entry = try features.nested()
                var key = ""
                var value = Value.empty
                while let (field, wire) = try entry.nextTag() {
                    switch (field, wire) {
                    case (1, 2): key = try entry.string()
                    case (2, 2):
                        var feature = try entry.nested()
                        value = try Self.feature(&feature, parse: names?.contains(key) ?? true)
                    default: try entry.skip(wire)
                    }
                }
                if names?.contains(key) ?? true { values[key] = value }
            }
        }
    }

    /// The int64 values of `name`, or `nil` when the feature is absent or of another kind.
    public func int64(_ name: String) -> [Int64]? {
        if case .int64(let values)? = values[name] { return values }
        return nil
    }

    /// A `Feature` message: the last list set wins. `parse` false skips the values (a feature not
    /// wanted, possibly read before its key).
    private static func feature(_ reader: inout WireReader, parse: Bool) throws -> Value {
        var value = Value.empty
        while let (field, wire) = try reader.nextTag() {
            switch (field, wire) {
            case (3, 2):
                var list = try reader.nested()
                var numbers: [Int64] = []
                while let (field, wire) = try list.nextTag() {
                    switch (field, wire) {
                    case (1, 2):
                        var packed = try list.nested()
                        while !packed.atEnd { numbers.append(Int64(bitPattern: try packed.varint())) }
                    case (1, 0): numbers.append(Int64(bitPattern: try list.varint()))
                    default: try list.skip(wire)
                    }
                }
                value = .int64(parse ? numbers : [])
            case (1, 2): try reader.skip(wire); value = .other(kind: "bytes_list")
            case (2, 2): try reader.skip(wire); value = .other(kind: "float_list")
            default: try reader.skip(wire)
            }
        }
        return value
    }
}

/// A cursor over protobuf wire-format bytes.
struct WireReader {
    private let bytes: UnsafeRawBufferPointer
    private var position: Int
    private let end: Int

    /// A reader of the whole of `bytes` (positions count from its start).
    init(_ bytes: UnsafeRawBufferPointer) {
        self.init(bytes: bytes, range: 0..<bytes.count)
    }

    private init(bytes: UnsafeRawBufferPointer, range: Range<Int>) {
        self.bytes = bytes
        position = range.lowerBound
        end = range.upperBound
    }

    var atEnd: Bool { position >= end }

    private func error(_ what: String) -> ProtobufError {
        ProtobufError(description: "\(what) at byte \(position)")
    }

    /// The next (field number, wire type), or `nil` at the end.
    mutating func nextTag() throws -> (Int, Int)? {
        guard !atEnd else { return nil }
        let tag = try varint()
        let field = tag >> 3
        guard field >= 1 && field <= 0x1FFF_FFFF else { throw error("field number \(field) out of range") }
        return (Int(field), Int(tag & 7))
    }

    /// A base-128 varint of up to 10 bytes.
    mutating func varint() throws -> UInt64 {
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

    /// The extent of a length-delimited field's payload, consumed.
    private mutating func lengthDelimited() throws -> Range<Int> {
        let length = try varint()
        guard length <= UInt64(end - position) else { throw error("length \(length) runs past the end") }
        let range = position..<(position + Int(length))
        position = range.upperBound
        return range
    }

    /// A reader over the next length-delimited field's payload.
    mutating func nested() throws -> WireReader {
        let range = try lengthDelimited()
        return WireReader(bytes: bytes, range: range)
    }

    /// The next length-delimited field as UTF-8 text.
    mutating func string() throws -> String {
        let range = try lengthDelimited()
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// Skips a field's payload of wire type `wire`.
    mutating func skip(_ wire: Int) throws {
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
