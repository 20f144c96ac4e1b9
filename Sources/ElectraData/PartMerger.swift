// PartMerger: joins the outputs of `electra prepare --part i/n` runs into the shards one process
// writes (`electra prepare --merge`).

import ElectraTensor
import Foundation

/// Deals the examples of parts 0..<n into shards in corpus document order: document `d`'s examples
/// are the next ones of part `d % n`, and example *k* goes to shard `k % shardCount`, as in
/// `CorpusPreparer`. The shards are therefore byte-identical to a single run's with the same inputs
/// and options.
public enum PartMerger {
    /// Merges the parts found in `directories` into `shardCount` shards in `outputDirectory`, with a
    /// `manifest.json` whose counts are the whole corpus's.
    /// - Throws: `CorpusError.unmergeableParts` (a part missing, duplicated or damaged, or parts of
    ///   different runs), `CorpusError.outputNotWritable`, or `ShardError` for a damaged part file.
    public static func merge(directories: [String], outputDirectory: String, shardCount: Int) throws -> PrepareSummary {
        precondition(shardCount >= 1, "PartMerger needs at least one shard")
        let clock = ContinuousClock()
        let started = clock.now
        let parts = try findParts(directories)
        let first = parts[0].manifest
        guard let fingerprint = UInt64(first.vocabularyFingerprint.replacingOccurrences(of: "0x", with: ""), radix: 16) else {
            throw CorpusError.unmergeableParts(path: parts[0].base + parts[0].part.manifestName,
                                               detail: "the vocabulary fingerprint is not hexadecimal")
        }
        let files = try parts.map { try ShardFile(path: $0.base + $0.part.examplesName, expectedVocabularyFingerprint: fingerprint,
                                                  expectedMaxSequenceLength: first.maxSequenceLength) }
        let counts = try parts.map { try readCounts($0) }
        let documents = counts.reduce(0) { $0 + $1.count }
        for (index, part) in parts.enumerated() {
            let expected = (documents - index + parts.count - 1) / parts.count
            let total = counts[index].reduce(0) { $0 + Int($1) }
            guard counts[index].count == expected, total == files[index].count else {
                throw CorpusError.unmergeableParts(path: part.base + part.part.documentsName,
                                                   detail: "it lists \(counts[index].count) documents and \(total) examples, "
                                                       + "expected \(expected) documents and \(files[index].count) examples")
            }
        }
        let shards = try ShardSetWriter(directory: outputDirectory, count: shardCount, vocabularyFingerprint: fingerprint,
                                        vocabularySize: first.vocabularySize, maxSequenceLength: first.maxSequenceLength)
        var next = [Int](repeating: 0, count: parts.count)
        var tokens: [Int32] = []
        for document in 0..<documents {
            let part = document % parts.count
            for _ in 0..<counts[part][document / parts.count] {
                let file = files[part], index = next[part]
                tokens = file.tokens(of: index)
                try shards.append(tokens: tokens, segmentBStart: file.segmentBStart(of: index))
                next[part] += 1
            }
        }
        try shards.finish()

        var summary = first.summary                    // every part read the whole corpus
        summary.tokens = parts.reduce(0) { $0 + $1.manifest.summary.tokens }
        summary.truncatedTokens = parts.reduce(0) { $0 + $1.manifest.summary.truncatedTokens }
        summary.shards = shards.names
        summary.shardExamples = shards.shardExamples
        summary.examples = shards.examples
        summary.exampleTokens = shards.tokens
        summary.seconds = parts.map(\.manifest.summary.seconds).max()! + CorpusPreparer.seconds(clock.now - started)
        var manifest = first
        manifest.summary = summary
        manifest.part = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeAtomically(try encoder.encode(manifest) + [0x0A], to: ShardSetWriter.slashed(outputDirectory) + "manifest.json")
        return summary
    }

    private struct FoundPart {
        var base: String
        var part: PreparePart
        var manifest: PrepareManifest
    }

    /// The part manifests in `directories`, by part index; every part of one run, once.
    private static func findParts(_ directories: [String]) throws -> [FoundPart] {
        var found: [Int: FoundPart] = [:]
        var partCount: Int? = nil
        for directory in directories {
            let base = ShardSetWriter.slashed(directory)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
                throw CorpusError.unmergeableParts(path: directory, detail: "cannot list the directory")
            }
            for name in names.sorted() {
                guard let part = PreparePart.parse(manifestName: name) else { continue }
                let manifest: PrepareManifest
                do {
                    manifest = try JSONDecoder().decode(PrepareManifest.self, from: Data(contentsOf: URL(fileURLWithPath: base + name)))
                } catch {
                    throw CorpusError.unmergeableParts(path: base + name, detail: "it is not a readable part manifest")
                }
                guard manifest.part == part else {
                    throw CorpusError.unmergeableParts(path: base + name, detail: "its name and the part it records differ")
                }
                if let partCount, partCount != part.count {
                    throw CorpusError.unmergeableParts(path: base + name, detail: "parts of \(partCount) and of \(part.count) are mixed")
                }
                partCount = part.count
                if let earlier = found[part.index] {
                    throw CorpusError.unmergeableParts(path: base + name, detail: "part \(part) is also in \(earlier.base)")
                }
                found[part.index] = FoundPart(base: base, part: part, manifest: manifest)
            }
        }
        guard let partCount else {
            throw CorpusError.unmergeableParts(path: directories.joined(separator: ", "), detail: "no part-*-of-*.json found")
        }
        if let missing = (0..<partCount).first(where: { found[$0] == nil }) {
            throw CorpusError.unmergeableParts(path: directories.joined(separator: ", "),
                                               detail: "part \(missing)/\(partCount) is missing")
        }
        let parts = (0..<partCount).map { found[$0]! }
        func comparable(_ manifest: PrepareManifest) -> PrepareManifest {
            var manifest = manifest
            manifest.part = nil
            manifest.summary = PrepareSummary()
            return manifest
        }
        for part in parts.dropFirst() where comparable(part.manifest) != comparable(parts[0].manifest) {
            throw CorpusError.unmergeableParts(path: part.base + part.part.manifestName,
                                               detail: "its inputs or options differ from part 0's")
        }
        return parts
    }

    /// The example count of each of a part's documents.
    private static func readCounts(_ found: FoundPart) throws -> [UInt32] {
        let path = found.base + found.part.documentsName
        guard let data = FileManager.default.contents(atPath: path), data.count % 4 == 0 else {
            throw CorpusError.unmergeableParts(path: path, detail: "it is missing or not a list of 32-bit counts")
        }
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)) }
        }
    }
}
