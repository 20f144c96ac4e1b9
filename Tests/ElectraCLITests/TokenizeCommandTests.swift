// `electra tokenize` on awkward input: line ends of every kind, lines longer than --max-line-bytes split
// without losing text (at whitespace, else at a UTF-8 character boundary), a 20 MB line with no newline
// read in bounded pieces and in linear time, and the refusal of over-long --jsonl lines.

@testable import ElectraCLI
import ElectraTokenizer
import Foundation
import Testing

/// A temporary file holding `bytes`.
private func temporaryFile(_ bytes: [UInt8]) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("electra-tokenize-\(UUID().uuidString).txt").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

/// Every piece of `bytes` read with `maxBytes` and `blockSize`.
private func pieces(_ bytes: [UInt8], maxBytes: Int, blockSize: Int = 1 << 20, countOffsets: Bool = false) throws -> [LinePiece] {
    let path = try temporaryFile(bytes)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let handle = try #require(FileHandle(forReadingAtPath: path))
    defer { try? handle.close() }
    let reader = LinePieceReader(descriptor: handle.fileDescriptor, name: path, maxBytes: maxBytes, countOffsets: countOffsets,
                                 blockSize: blockSize)
    var result: [LinePiece] = []
    while let piece = try reader.next() { result.append(piece) }
    return result
}

/// The lines the pieces came from, pieces of a split line joined again.
private func lines(_ pieces: [LinePiece]) -> [String] {
    var lines: [String] = []
    for piece in pieces {
        if piece.continuation { lines[lines.count - 1] += piece.text } else { lines.append(piece.text) }
    }
    return lines
}

private let tokenizer = BertTokenizer(vocabulary: try! Vocabulary(contentsOf: Vocabulary.bundledPath()), lowercase: true)

/// A newline-free text of `bytes` bytes (rounded down to whole repetitions) of single-token words.
private func words(bytes: Int) -> (text: [UInt8], tokens: Int) {
    let phrase = Array("the quick brown fox jumps over the lazy dog ".utf8)
    let repetitions = bytes / phrase.count
    var text: [UInt8] = []
    text.reserveCapacity(repetitions * phrase.count)
    for _ in 0..<repetitions { text += phrase }
    return (text, repetitions * 9)
}

@Suite("electra tokenize: long lines") struct TokenizeCommandTests {
    @Test(arguments: [1 << 20, 16])
    func lineEndsOfEveryKind(blockSize: Int) throws {
        // LF, CRLF, CR, a CRLF split across blocks (block size 16), an empty line, no final line end.
        let input = "first line\nsecond\r\nthird is longer\r\r\nafter empty\rlast"
        let read = try pieces(Array(input.utf8), maxBytes: 64, blockSize: blockSize)
        #expect(read.map(\.text) == ["first line", "second", "third is longer", "", "after empty", "last"])
        #expect(read.map(\.line) == [1, 2, 3, 4, 5, 6])
        #expect(read.allSatisfy { !$0.continuation && $0.endsLine })
        #expect(try pieces(Array("one\n".utf8), maxBytes: 64).map(\.text) == ["one"])
        #expect(try pieces([], maxBytes: 64).isEmpty)
    }

    @Test func longLinesSplitAtWhitespaceWithoutLosingText() throws {
        let long = (0..<40).map { "word\($0)" }.joined(separator: " ")      // 269 bytes, no line end
        let input = "short\n" + long + "\nafter"
        let read = try pieces(Array(input.utf8), maxBytes: 64, blockSize: 16, countOffsets: true)
        #expect(lines(read) == ["short", long, "after"])
        let split = read.filter { $0.line == 2 }
        #expect(split.count >= 5 && split.allSatisfy { $0.text.utf8.count <= 64 })
        #expect(split.dropLast().allSatisfy { $0.text.hasSuffix(" ") && !$0.endsLine } && split.last!.endsLine)
        #expect(split.first!.continuation == false && split.dropFirst().allSatisfy(\.continuation))
        // Offsets count code points from the start of the line.
        var offset = 0
        for piece in split {
            #expect(piece.offset == offset)
            offset += piece.text.unicodeScalars.count
        }
        // Cut at whitespace, the pieces tokenize to exactly the line's tokens.
        #expect(split.flatMap { tokenizer.encode($0.text).ids } == tokenizer.encode(long).ids)
    }

    @Test func linesWithoutWhitespaceSplitAtCharacterBoundaries() throws {
        let long = String(repeating: "é漢😀", count: 30)    // 2-, 3- and 4-byte characters, 270 bytes
        let read = try pieces(Array((long + "\n" + long).utf8), maxBytes: 64, blockSize: 16)
        #expect(lines(read) == [long, long])
        for piece in read {
            #expect(piece.text.utf8.count <= 64 && (piece.endsLine || piece.text.utf8.count >= 61))  // characters: 4 bytes at most
            #expect(!piece.text.unicodeScalars.contains("\u{FFFD}"))
        }
    }

    @Test func aTwentyMegabyteLineIsReadInBoundedPiecesInLinearTime() throws {
        let maxBytes = 1 << 20
        let (text, tokenCount) = words(bytes: 20 << 20)
        let path = try temporaryFile(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outputPath = path + ".jsonl"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outputPath) }

        let command = try #require(try ElectraCommand.parseAsRoot(["tokenize", path]) as? TokenizeCommand)
        let input = try #require(FileHandle(forReadingAtPath: path)), output = try #require(FileHandle(forWritingAtPath: outputPath))
        var warnings: [String] = []
        let start = Date()
        let writer = LineWriter(handle: output)
        try command.tokenize(LinePieceReader(descriptor: input.fileDescriptor, name: path, maxBytes: maxBytes), tokenizer,
                             into: writer, warn: { warnings.append($0) })
        writer.flush()
        let seconds = Date().timeIntervalSince(start)
        try input.close()
        try output.close()

        // One warning naming the file and line; every piece at most 1 MiB; every token kept.
        #expect(warnings.count == 1 && warnings[0].hasPrefix(path + ":1:") && warnings[0].contains("--max-line-bytes"))
        let objects = try String(contentsOfFile: outputPath, encoding: .utf8).split(separator: "\n")
        #expect((20...21).contains(objects.count))   // pieces end at the last space before each MiB
        #expect(objects.dropFirst().allSatisfy { $0.hasSuffix(",\"continuation\":true}") } && !objects[0].contains("continuation"))
        let ids = objects.reduce(0) { $0 + $1.split(separator: ",").count - ($1.contains("continuation") ? 1 : 0) }
        #expect(ids == tokenCount, "\(ids) ids written, \(tokenCount) tokens in the text")
        print("tokenize: 20 MiB without a newline in \(objects.count) pieces, \(tokenCount) tokens, \(String(format: "%.2f", seconds)) s")

        // Reading alone: four times the bytes take about four times as long (quadratic would be sixteen).
        func readSeconds(_ bytes: Int) throws -> Double {
            let bytes = min(bytes, text.count)
            let file = try temporaryFile(Array(text.prefix(bytes)))
            defer { try? FileManager.default.removeItem(atPath: file) }
            var best = Double.infinity
            for _ in 0..<3 {
                let handle = try #require(FileHandle(forReadingAtPath: file))
                let reader = LinePieceReader(descriptor: handle.fileDescriptor, name: file, maxBytes: maxBytes)
                let start = Date()
                var total = 0
                while let piece = try reader.next() { total += piece.text.utf8.count }
                best = min(best, Date().timeIntervalSince(start))
                try handle.close()
                #expect(total == bytes)
            }
            return best
        }
        let small = try readSeconds(5 << 20), large = try readSeconds(20 << 20)
        print(String(format: "reading: 5 MiB %.3f s, 20 MiB %.3f s (ratio %.1f)", small, large, large / small))
        #expect(large < 8 * small + 0.05)
    }

    @Test func anOverLongJSONLineIsRefused() throws {
        let line = "{\"text\": \"" + String(repeating: "a ", count: 100) + "\"}"
        let path = try temporaryFile(Array(("{\"text\": \"fine\"}\n" + line + "\n").utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let command = try #require(try ElectraCommand.parseAsRoot(["tokenize", "--jsonl", "--max-line-bytes", "64", path]) as? TokenizeCommand)
        let input = try #require(FileHandle(forReadingAtPath: path))
        let sink = try #require(FileHandle(forWritingAtPath: "/dev/null"))
        do {
            try command.tokenize(LinePieceReader(descriptor: input.fileDescriptor, name: path, maxBytes: 64), tokenizer,
                                 into: LineWriter(handle: sink), warn: { _ in })
            Issue.record("an over-long JSON line was accepted")
        } catch let error as CommandError {
            #expect(error.description.contains("\(path):2:") && error.description.contains("--max-line-bytes"), "\(error)")
        }
    }

    @Test func helpAndValidation() throws {
        let help = TokenizeCommand.helpMessage()
        #expect(help.contains("--max-line-bytes") && help.contains("split") && help.contains("continuation"))
        do {
            _ = try ElectraCommand.parseAsRoot(["tokenize", "--max-line-bytes", "10"])
            Issue.record("--max-line-bytes 10 was accepted")
        } catch {
            #expect(ElectraCommand.message(for: error).contains("--max-line-bytes must be at least 64"))
        }
    }
}
