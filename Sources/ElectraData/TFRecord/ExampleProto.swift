// ExampleProto: the int64 features of a `tf.train.Example`, read straight from the protobuf wire
// format (no protobuf library; see WireReader).

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
