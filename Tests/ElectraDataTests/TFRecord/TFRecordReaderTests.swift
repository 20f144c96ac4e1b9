// TFRecord framing: CRC-32C's known answers, TensorFlow's own files read record by record, and every
// truncation and corruption refused with the file, the record and its offset.

@testable import ElectraData
import Foundation
import Testing

@Suite("TFRecord reader") struct TFRecordReaderTests {
    /// RFC 3720 §B.4's test vectors and the customary check value.
    @Test func crc32cKnownAnswers() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
        #expect(CRC32C.checksum([]) == 0)
        // Every length through the 8-byte loop and its tail agrees with the bytewise definition.
        let bytes = (0..<70).map { UInt8(($0 * 37 + 11) % 256) }
        for count in 0...bytes.count {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes.prefix(count) {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            }
            #expect(CRC32C.checksum(Array(bytes.prefix(count))) == ~crc, "\(count) bytes")
        }
    }

    @Test func readsTensorFlowsFilesRecordByRecord() throws {
        for (path, count) in [(TFRecordFixtures.electra, 8), (TFRecordFixtures.bert, 5)] {
            let reader = try TFRecordReader(path: path)
            var sizes: [Int] = []
            while let size = try reader.next({ $0.count }) { sizes.append(size) }
            #expect(sizes.count == count, "\(path)")
            #expect(reader.offset == (try TFRecordFixtures.bytes(path)).count)
            #expect(reader.offset == sizes.reduce(0) { $0 + $1 + 16 })
        }
    }

    /// Every cut inside a record names that record and where it starts; a cut between records is the
    /// end of the file.
    @Test func everyTruncationIsRefusedWithTheRecord() throws {
        let bytes = try TFRecordFixtures.bytes(TFRecordFixtures.bert)
        var starts: [Int] = [0]
        let whole = TFRecordReader(bytes: bytes, name: "whole")
        while try whole.next({ _ in () }) != nil { starts.append(whole.offset) }
        for cut in 0..<bytes.count {
            let reader = TFRecordReader(bytes: Array(bytes.prefix(cut)), name: "cut.tfrecord")
            do {
                while try reader.next({ _ in () }) != nil {}
                #expect(starts.contains(cut), "cut at \(cut) read without an error")
            } catch let error as TFRecordError {
                let record = starts.lastIndex { $0 <= cut }!
                guard case .truncated(let path, let number, let offset, _) = error else {
                    Issue.record("cut at \(cut): \(error)")
                    continue
                }
                #expect(path == "cut.tfrecord" && number == record + 1 && offset == starts[record], "cut at \(cut)")
                #expect(error.description.contains("record \(record + 1) (byte \(starts[record]))"))
            }
        }
    }

    @Test func corruptLengthOrDataFailsItsChecksum() throws {
        let bytes = try TFRecordFixtures.bytes(TFRecordFixtures.electra)
        let reader = TFRecordReader(bytes: bytes, name: "x")
        _ = try reader.next { _ in () }
        let second = reader.offset
        for (position, expected) in [(second + 2, "length"), (second + 9, "length"), (second + 40, "data"),
                                     (second + 12, "data")] {
            var corrupt = bytes
            corrupt[position] ^= 0x04
            let reader = TFRecordReader(bytes: corrupt, name: "bad.tfrecord")
            #expect(throws: expected == "length" ? TFRecordError.lengthChecksum(path: "bad.tfrecord", record: 2, offset: second)
                                                 : TFRecordError.dataChecksum(path: "bad.tfrecord", record: 2, offset: second)) {
                while try reader.next({ _ in () }) != nil {}
            }
        }
        // The data CRC itself damaged.
        var corrupt = bytes
        corrupt[reader.offset - 1] ^= 0x80
        #expect(throws: TFRecordError.dataChecksum(path: "bad", record: 1, offset: 0)) {
            let reader = TFRecordReader(bytes: corrupt, name: "bad")
            while try reader.next({ _ in () }) != nil {}
        }
    }

    @Test func oversizedLengthsAndCompressedFilesAreRefused() throws {
        let huge = tfrecordFile([[UInt8](repeating: 7, count: 100)])
        #expect(throws: TFRecordError.recordTooLarge(path: "big", record: 1, offset: 0, length: 100, limit: 99)) {
            _ = try TFRecordReader(bytes: huge, name: "big", maxRecordBytes: 99).next { _ in () }
        }
        let gzip: [UInt8] = [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0]
        #expect(throws: TFRecordError.compressed(path: "z.gz")) {
            _ = try TFRecordReader(bytes: gzip, name: "z.gz").next { _ in () }
        }
        #expect(try TFRecordReader(bytes: [], name: "empty").next { _ in () } == nil)
    }
}
