// Shards: the checksum's known answers, round trips at both token widths, the exact byte layout,
// and the refusal of truncated, corrupt, foreign, mismatched and future-version files.

import _TestSupport
@testable import ElectraData
import ElectraTensor
import Foundation
import Testing

@Suite("Shard format") struct ShardFormatTests {
    /// Answers of the reference xxHash library (`libxxhash` 0.8.1, `XXH64(data, length, seed)`).
    @Test func xxHash64KnownAnswers() {
        let pattern = (0..<1000).map { UInt8(($0 * 7 + 3) % 256) }
        let counting = (0..<256).map { UInt8($0) }
        let cases: [([UInt8], UInt64, UInt64)] = [
            ([], 0xEF46_DB37_51D8_E999, 0x9558_4AF7_701F_808D),
            (Array("a".utf8), 0xD24E_C4F1_A98C_6E5B, 0x747B_8605_23D6_9AB6),
            (Array("abc".utf8), 0x44BC_2CF5_AD77_0999, 0x0170_0E64_F6F2_3509),
            (Array(counting.prefix(31)), 0xC346_D2B5_9B4D_8EE1, 0xA0EF_AFEC_9DC8_252A),
            (Array(counting.prefix(32)), 0xCBF5_9C51_16FF_32B4, 0xB327_3A2D_C547_055A),
            (Array(counting.prefix(100)), 0x6AC1_E580_3216_6597, 0x028B_A1AE_2DE4_DE27),
            (pattern, 0x5F23_5FA0_33F1_A3FB, 0x365C_39A0_C5A4_C88E),
        ]
        for (bytes, seed0, seed12345) in cases {
            #expect(XXHash64.hash(bytes) == seed0, "\(bytes.count) bytes")
            #expect(XXHash64.hash(bytes, seed: 12345) == seed12345, "\(bytes.count) bytes, seed 12345")
            // Streaming in uneven pieces gives the same answer.
            var hasher = XXHash64()
            var offset = 0, piece = 1
            while offset < bytes.count {
                let end = min(bytes.count, offset + piece)
                hasher.update(Array(bytes[offset..<end]))
                offset = end
                piece = piece * 3 % 37 + 1
            }
            #expect(hasher.finalize() == seed0)
        }
    }

    static func randomExamples(count: Int, maxLength: Int, vocabularySize: Int, seed: UInt64) -> [PretrainingExample] {
        var random = RandomGenerator(seed: seed)
        return (0..<count).map { _ in
            let length = 3 + random.nextInt(below: maxLength - 2)
            let tokens = (0..<length).map { _ in Int32(random.nextInt(below: vocabularySize)) }
            return PretrainingExample(tokens: tokens, segmentBStart: random.nextInt(below: length + 1))
        }
    }

    func writeShard(_ path: String, _ examples: [PretrainingExample], fingerprint: UInt64 = 0xABCD,
                    vocabularySize: Int = 30522, maxLength: Int = 64) throws -> ShardHeader {
        let writer = try ShardWriter(path: path, vocabularyFingerprint: fingerprint, vocabularySize: vocabularySize,
                                     maxSequenceLength: maxLength, bufferSize: 256)
        for example in examples { try writer.append(example) }
        return try writer.finish()
    }

    @Test(arguments: [(30522, 2), (65536, 2), (70000, 4)])
    func roundTrip(vocabularySize: Int, width: Int) throws {
        let directory = TestDirectory()
        let examples = Self.randomExamples(count: 300, maxLength: 64, vocabularySize: vocabularySize, seed: 9)
        let path = directory.file("shard.bin")
        let header = try writeShard(path, examples, vocabularySize: vocabularySize)
        #expect(directory.names() == ["shard.bin"], "no temporary file is left")
        #expect(header.tokenWidth == width && header.exampleCount == 300)
        #expect(header.tokenCount == examples.reduce(0) { $0 + $1.tokens.count })
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1
        #expect(size == 80 + 4 * 300 + width * header.tokenCount)
        let shard = try ShardFile(path: path, expectedVocabularyFingerprint: 0xABCD, expectedMaxSequenceLength: 64)
        #expect(shard.header == header && shard.count == 300)
        for (index, example) in examples.enumerated() {
            #expect(shard.example(at: index) == example)
        }
    }

    @Test func byteLayout() throws {
        let directory = TestDirectory()
        let path = directory.file("tiny.bin")
        let examples = [PretrainingExample(tokens: [101, 7, 102, 8, 102], segmentBStart: 3),
                        PretrainingExample(tokens: [101, 258, 102], segmentBStart: 3)]
        _ = try writeShard(path, examples, fingerprint: 0x0102_0304_0506_0708, maxLength: 16)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(Array(bytes[0..<8]) == Array("ELECSHRD".utf8))
        #expect(Array(bytes[8..<16]) == [1, 0, 0, 0, 80, 0, 0, 0])
        #expect(Array(bytes[16..<24]) == [8, 7, 6, 5, 4, 3, 2, 1])
        #expect(Array(bytes[24..<32]) == [0x3A, 0x77, 0, 0, 16, 0, 0, 0])       // 30522, 16
        #expect(Array(bytes[32..<56]) == [2, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(bytes[80..<88]) == [5, 0, 3, 0, 3, 0, 3, 0])               // lengths, segment B starts
        #expect(Array(bytes[88...]) == [101, 0, 7, 0, 102, 0, 8, 0, 102, 0, 101, 0, 2, 1, 102, 0])
        let payloadChecksum = bytes[56..<64].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(payloadChecksum == XXHash64.hash(Array(bytes[80...])))
        let headerChecksum = bytes[72..<80].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(headerChecksum == XXHash64.hash(Array(bytes[0..<72])))
    }

    func expectRefusal(_ path: String, _ expected: ShardError, fingerprint: UInt64? = 0xABCD, length: Int? = 64,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try ShardFile(path: path, expectedVocabularyFingerprint: fingerprint, expectedMaxSequenceLength: length)
            Issue.record("\(path) was accepted", sourceLocation: sourceLocation)
        } catch let error as ShardError {
            #expect(error == expected, sourceLocation: sourceLocation)
            #expect(error.description.contains(path), sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func truncatedShardsAreRefused() throws {
        let directory = TestDirectory()
        let path = directory.file("good.bin")
        let header = try writeShard(path, Self.randomExamples(count: 50, maxLength: 64, vocabularySize: 30522, seed: 2))
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        for cut in [0, 5, 40, 79, 80, 81, 300, bytes.count / 2, bytes.count - 1] {
            let truncated = directory.write("cut\(cut).bin", Array(bytes.prefix(cut)))
            let expected = cut < 80 ? ShardHeader.size : header.fileSize
            expectRefusal(truncated, .truncated(path: truncated, size: cut, expected: expected))
        }
        #expect(ShardError.truncated(path: "x", size: 1, expected: 2).description.contains("electra prepare"))
    }

    @Test func corruptShardsAreRefused() throws {
        let directory = TestDirectory()
        let path = directory.file("good.bin")
        _ = try writeShard(path, Self.randomExamples(count: 50, maxLength: 64, vocabularySize: 30522, seed: 3))
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // Flip one bit in the header fields, the index, and the tokens (first, middle and last byte).
        for (offset, part) in [(17, "header"), (33, "header"), (60, "header"), (75, "header"), (80, "payload checksum"),
                               (200, "payload checksum"), (bytes.count / 2, "payload checksum"),
                               (bytes.count - 1, "payload checksum")] {
            var flipped = bytes
            flipped[offset] ^= 0x10
            let corrupt = directory.write("flip\(offset).bin", flipped)
            expectRefusal(corrupt, .corrupt(path: corrupt, part: part))
        }
        let longer = directory.write("longer.bin", bytes + [0])
        expectRefusal(longer, .corrupt(path: longer, part: "file size: 1 bytes past the end"))
        let foreign = directory.write("foreign.bin", Array("PK\u{3}\u{4} not a shard at all, but long enough to have a header..........................".utf8))
        expectRefusal(foreign, .notAShard(path: foreign))
    }

    @Test func foreignVocabularyAndLengthAreRefused() throws {
        let directory = TestDirectory()
        let path = directory.file("good.bin")
        _ = try writeShard(path, Self.randomExamples(count: 10, maxLength: 64, vocabularySize: 30522, seed: 4))
        expectRefusal(path, .wrongVocabulary(path: path, found: 0xABCD, expected: 0x1234), fingerprint: 0x1234)
        expectRefusal(path, .wrongSequenceLength(path: path, found: 64, expected: 128), length: 128)
        let message = ShardError.wrongVocabulary(path: path, found: 0xABCD, expected: 0x1234).description
        #expect(message.contains("built with another vocab") && message.contains("electra prepare --vocab"))
        #expect(message.contains("0x000000000000abcd"))
        #expect(ShardError.wrongSequenceLength(path: path, found: 64, expected: 128).description
                    .contains("--max-seq-length 128"))
    }

    @Test func futureVersionsAreRefused() throws {
        let directory = TestDirectory()
        let path = directory.file("good.bin")
        _ = try writeShard(path, Self.randomExamples(count: 10, maxLength: 64, vocabularySize: 30522, seed: 5))
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var header = try bytes.withUnsafeBytes { try ShardHeader.decode($0, fileSize: bytes.count, path: path) }
        header.version = 2
        bytes.replaceSubrange(0..<80, with: header.encoded())
        let future = directory.write("future.bin", bytes)
        expectRefusal(future, .unsupportedVersion(path: future, version: 2))
    }

    @Test func anUnfinishedWriterLeavesNoShard() throws {
        let directory = TestDirectory()
        do {
            let writer = try ShardWriter(path: directory.file("a.bin"), vocabularyFingerprint: 1, vocabularySize: 100,
                                         maxSequenceLength: 8)
            try writer.append(tokens: [1, 2, 3] as [Int32], segmentBStart: 3)
            #expect(directory.names() == ["a.bin.records.tmp"])
        }   // dropped without finish(), as in a failed run
        #expect(directory.names() == [])
        #expect(throws: ShardError.self) {
            _ = try ShardWriter(path: directory.file("missing/dir/a.bin"), vocabularyFingerprint: 1, vocabularySize: 100,
                                maxSequenceLength: 8)
        }
    }
}
