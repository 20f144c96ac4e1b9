// BundleProto: the two messages of a TensorFlow checkpoint index, read from the protobuf wire format
// (TensorFlow `core/protobuf/tensor_bundle.proto`, `core/framework/tensor_shape.proto`,
// `types.proto`, `versions.proto`).

import ElectraData

/// `BundleHeaderProto { int32 num_shards = 1; Endianness endianness = 2; VersionDef version = 3; }`
/// with `VersionDef { int32 producer = 1; int32 min_consumer = 2; repeated int32 bad_consumers = 3; }`:
/// the value of the index's empty key.
struct BundleHeader: Equatable {
    var shards = 0
    /// 0 little-endian, 1 big-endian.
    var endianness: UInt64 = 0
    var producer: UInt64 = 0
    var minConsumer: UInt64 = 0

    init(parsing bytes: UnsafeRawBufferPointer) throws {
        var message = WireReader(bytes)
        while let (field, wire) = try message.nextTag() {
            switch (field, wire) {
            case (1, 0): shards = Int(truncatingIfNeeded: Int32(truncatingIfNeeded: try message.varint()))
            case (2, 0): endianness = try message.varint()
            case (3, 2):
                var version = try message.nested()
                while let (field, wire) = try version.nextTag() {
                    switch (field, wire) {
                    case (1, 0): producer = try version.varint()
                    case (2, 0): minConsumer = try version.varint()
                    default: try version.skip(wire)
                    }
                }
            default: try message.skip(wire)
            }
        }
    }
}

/// A tensor's element type: the values of TensorFlow's `DataType` enum this reader serves.
public enum TFDataType: UInt64, Sendable {
    case float = 1, double = 2, int32 = 3, int64 = 9, bfloat16 = 14, half = 19

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .float, .int32: return 4
        case .double, .int64: return 8
        case .bfloat16, .half: return 2
        }
    }
}

/// `BundleEntryProto { DataType dtype = 1; TensorShapeProto shape = 2; int32 shard_id = 3;
/// int64 offset = 4; int64 size = 5; fixed32 crc32c = 6; repeated TensorSliceProto slices = 7; }`,
/// with `TensorShapeProto { repeated Dim dim = 2; bool unknown_rank = 3; }` and
/// `Dim { int64 size = 1; string name = 2; }`: where one tensor's bytes are.
struct BundleEntry: Equatable {
    /// The raw `DataType` value (see `TFDataType`).
    var dtype: UInt64 = 0
    var shape: [Int] = []
    var unknownRank = false
    var shard = 0
    var offset: UInt64 = 0
    var size: UInt64 = 0
    /// The masked CRC32C of the tensor's bytes.
    var crc32c: UInt32 = 0
    /// Whether the entry describes a partitioned variable (its bytes are in other entries).
    var sliced = false

    init(parsing bytes: UnsafeRawBufferPointer) throws {
        var message = WireReader(bytes)
        while let (field, wire) = try message.nextTag() {
            switch (field, wire) {
            case (1, 0): dtype = try message.varint()
            case (2, 2):
                var shapeMessage = try message.nested()
                shape = []
                while let (field, wire) = try shapeMessage.nextTag() {
                    switch (field, wire) {
                    case (2, 2):
                        var dim = try shapeMessage.nested()
                        var size: Int64 = 0
                        while let (field, wire) = try dim.nextTag() {
                            if (field, wire) == (1, 0) { size = Int64(bitPattern: try dim.varint()) } else { try dim.skip(wire) }
                        }
                        shape.append(Int(size))
                    case (3, 0): unknownRank = try shapeMessage.varint() != 0
                    default: try shapeMessage.skip(wire)
                    }
                }
            case (3, 0): shard = Int(truncatingIfNeeded: Int32(truncatingIfNeeded: try message.varint()))
            case (4, 0): offset = try message.varint()
            case (5, 0): size = try message.varint()
            case (6, 5): crc32c = try message.fixed32()
            case (7, 2): try message.skip(wire); sliced = true
            default: try message.skip(wire)
            }
        }
    }
}
