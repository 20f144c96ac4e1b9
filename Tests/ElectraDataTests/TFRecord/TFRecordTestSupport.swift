// TFRecordTestSupport: the committed fixtures (written by TensorFlow, scripts/make_tfrecord_fixtures.py)
// with their expected examples, and a small protobuf/TFRecord encoder for hand-made records.

import _TestSupport
@testable import ElectraData
import Foundation

/// The TFRecord fixtures and what they must import as.
enum TFRecordFixtures {
    static let directory = Fixtures.directory.appendingPathComponent("tfrecord").path
    static let electra = directory + "/electra-128.tfrecord"
    static let bert = directory + "/bert-64.tfrecord"

    struct Expected: Decodable {
        struct Example: Decodable {
            let tokens: [Int32]
            let segment_b_start: Int
        }
        let tensorflow: String
        let files: [String: [Example]]
    }

    /// The examples `name` holds, unmasked, in order.
    static func expected(_ name: String) throws -> [Expected.Example] {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/expected.json"))
        return try JSONDecoder().decode(Expected.self, from: data).files[name] ?? []
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// Encodes `tf.train.Example` messages field by field, so that tests control order and packing.
struct ProtoEncoder {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func tag(_ field: Int, _ wire: Int) { varint(UInt64(field << 3 | wire)) }

    mutating func lengthDelimited(_ field: Int, _ payload: [UInt8]) {
        tag(field, 2)
        varint(UInt64(payload.count))
        bytes += payload
    }

    /// A `Feature` holding an `Int64List`, packed or one field per value.
    static func int64Feature(_ values: [Int64], packed: Bool = true) -> [UInt8] {
        var list = ProtoEncoder()
        if packed {
            var payload = ProtoEncoder()
            for value in values { payload.varint(UInt64(bitPattern: value)) }
            list.lengthDelimited(1, payload.bytes)
        } else {
            for value in values { list.tag(1, 0); list.varint(UInt64(bitPattern: value)) }
        }
        var feature = ProtoEncoder()
        feature.lengthDelimited(3, list.bytes)
        return feature.bytes
    }

    /// An `Example` of (name, encoded `Feature`) entries in this order.
    static func example(_ entries: [(String, [UInt8])]) -> [UInt8] {
        var features = ProtoEncoder()
        for (name, feature) in entries {
            var entry = ProtoEncoder()
            entry.lengthDelimited(1, Array(name.utf8))
            entry.lengthDelimited(2, feature)
            features.lengthDelimited(1, entry.bytes)
        }
        var example = ProtoEncoder()
        example.lengthDelimited(1, features.bytes)
        return example.bytes
    }

    /// ELECTRA's three features for `tokens` padded to `length`, segment B from `bStart`.
    static func pretrainingExample(_ tokens: [Int64], bStart: Int, length: Int) -> [(String, [UInt8])] {
        let pad = [Int64](repeating: 0, count: length - tokens.count)
        let segments = (0..<tokens.count).map { Int64($0 < bStart ? 0 : 1) }
        return [("input_ids", int64Feature(tokens + pad)),
                ("input_mask", int64Feature([Int64](repeating: 1, count: tokens.count) + pad)),
                ("segment_ids", int64Feature(segments + pad))]
    }
}

/// Frames records as TensorFlow's `TFRecordWriter` does.
func tfrecordFile(_ records: [[UInt8]]) -> [UInt8] {
    var file: [UInt8] = []
    for record in records {
        let length = withUnsafeBytes(of: UInt64(record.count).littleEndian) { Array($0) }
        file += length
        file += length.withUnsafeBytes { withUnsafeBytes(of: CRC32C.maskedChecksum($0).littleEndian) { Array($0) } }
        file += record
        file += record.withUnsafeBytes { withUnsafeBytes(of: CRC32C.maskedChecksum($0).littleEndian) { Array($0) } }
    }
    return file
}
