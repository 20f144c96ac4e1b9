// FuzzRegressionTests: shard and SQuAD files that crashed their readers (found by scripts/fuzz.sh),
// each now refused with an error naming the file; and every input kept in Tests/Fixtures/fuzz/shard
// and Tests/Fixtures/fuzz/squad read without a crash.

import _TestSupport
import ElectraData
import Foundation
import Testing

/// The inputs kept under Tests/Fixtures/fuzz/TARGET: crashes the fuzzer found, now fixed.
private func fuzzInputs(_ target: String) -> [String] {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz/" + target).path
    return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().map { folder + "/" + $0 }
}

@Suite struct ShardFuzzRegressionTests {
    @Test func countsWhoseFileSizeOverflowsAreRefused() throws {
        // A header with valid checksums claiming 2^60 examples and 2^60 four-byte tokens: its file size,
        // 80 + 4n + 4t, overflowed Int (this trapped in ShardFile.init).
        let directory = TestDirectory()
        let header = ShardHeader(vocabularyFingerprint: 0, vocabularySize: 100, maxSequenceLength: 16,
                                 exampleCount: Int.max / 8, tokenCount: Int.max / 8, tokenWidth: 4).encoded()
        let path = directory.write("shard-00000-of-00001.bin", header)
        #expect(throws: ShardError.corrupt(path: path, part: "header fields")) { try ShardFile(path: path) }
        #expect(throws: ShardError.corrupt(path: path, part: "header fields")) { try ShardFile.readHeader(path: path) }
        // The largest counts still read are refused as a truncated file.
        let largest = ShardHeader(vocabularyFingerprint: 0, vocabularySize: 100, maxSequenceLength: 16,
                                  exampleCount: Int.max / 16, tokenCount: Int.max / 16, tokenWidth: 4)
        directory.write("shard-00000-of-00001.bin", largest.encoded())
        #expect(throws: ShardError.truncated(path: path, size: 80, expected: largest.fileSize)) { try ShardFile(path: path) }
    }

    @Test func keptFuzzInputsEndInAnErrorOrAShard() throws {
        for input in fuzzInputs("shard") {
            do {
                let shard = try ShardFile(path: input)
                for index in 0..<shard.count { _ = shard.example(at: index) }
            } catch {
                #expect(error is ShardError, "\(input): \(error)")
            }
        }
    }
}

@Suite struct SQuADFuzzRegressionTests {
    @Test func keptFuzzInputsEndInAnErrorOrAReport() throws {
        // Each input holds a data file, a predictions file and optionally a no-answer probability
        // file, separated by NUL bytes (as the fuzz target reads them).
        for input in fuzzInputs("squad") {
            let parts = try [UInt8](Data(contentsOf: URL(fileURLWithPath: input)))
                .split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
            let directory = TestDirectory()
            let data = directory.write("data.json", Array(parts[0]))
            let predictions = directory.write("predictions.json", parts.count > 1 ? Array(parts[1]) : [])
            let probabilities = parts.count > 2 ? directory.write("na_probs.json", Array(parts[2])) : nil
            for version in SQuADVersion.allCases {
                do {
                    _ = try SQuADEvaluation.run(dataFile: data, predictionsFile: predictions,
                                                noAnswerProbabilitiesFile: probabilities, version: version)
                } catch {
                    #expect(error is SQuADError, "\(input): \(error)")
                }
            }
        }
    }
}
