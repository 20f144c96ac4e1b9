// TFRecordTarget: the input is a TFRecord file. It is read twice: as it is (framing and both CRCs),
// and as the payload of one record framed with correct CRCs, so that mutations reach the protobuf
// parser and the checks of `PretrainingRecord` instead of stopping at a CRC mismatch.

import ElectraData
import Foundation

enum TFRecordTarget {
    static let vocabulary = PretrainingRecord.Vocabulary(size: 30522, classifierId: 101, separatorId: 102)

    static func run(_ input: [UInt8]) {
        read(TFRecordReader(bytes: input, name: "input.tfrecord", maxRecordBytes: 1 << 20))
        read(TFRecordReader(bytes: framed(input), name: "framed.tfrecord", maxRecordBytes: 1 << 20))
    }

    private static func read(_ reader: TFRecordReader) {
        while let outcome = try? reader.next({ data -> Bool in
            guard let features = try? ExampleFeatures(parsing: data, keeping: PretrainingRecord.featureNames) else { return false }
            _ = try? PretrainingRecord(features, vocabulary: vocabulary, maxSequenceLength: 512, path: reader.path,
                                       record: reader.recordCount + 1)
            return true
        }) {
            _ = outcome
        }
    }

    /// `payload` as the one record of a TFRecord file, with both masked CRC-32Cs right.
    static func framed(_ payload: [UInt8]) -> [UInt8] {
        let length = withUnsafeBytes(of: UInt64(payload.count).littleEndian) { Array($0) }
        var file = length
        file += length.withUnsafeBytes { withUnsafeBytes(of: CRC32C.maskedChecksum($0).littleEndian) { Array($0) } }
        file += payload
        file += payload.withUnsafeBytes { withUnsafeBytes(of: CRC32C.maskedChecksum($0).littleEndian) { Array($0) } }
        return file
    }

    /// The records TensorFlow wrote for the tests (ELECTRA's and BERT's layouts), as files and as bare
    /// first records.
    static func seeds() -> [(name: String, bytes: [UInt8])] {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/tfrecord")
        var seeds: [(name: String, bytes: [UInt8])] = []
        for name in ["electra-128", "bert-64"] {
            guard let data = try? Data(contentsOf: fixtures.appendingPathComponent(name + ".tfrecord")) else { continue }
            let bytes = [UInt8](data)
            seeds.append((name + ".tfrecord", bytes))
            let reader = TFRecordReader(bytes: bytes, name: name)
            if let first = try? reader.next({ Array($0) }) { seeds.append((name + "-record.bin", first)) }
        }
        return seeds
    }
}
