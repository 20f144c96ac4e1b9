// PreparePart: one of n shares of a corpus's documents (`electra prepare --part i/n`), and the names
// of the files a part writes.

import Foundation

/// Part `index` of `count` of a corpus: the documents `d` (numbered from 0 in corpus order) with
/// `d % count == index`.
///
/// Every part reads the whole corpus (reading and sentence splitting are a small share of the work)
/// and tokenizes and packs only its documents. A part writes, into its output directory,
/// `part-IIIII-of-NNNNN.bin` (its examples in document order, in the shard format),
/// `part-IIIII-of-NNNNN.documents` (each of its documents' example count, UInt32 little-endian) and
/// `part-IIIII-of-NNNNN.json` (its manifest). `PartMerger` deals the parts' examples into shards
/// exactly as one process would have.
public struct PreparePart: Codable, Equatable, Sendable, CustomStringConvertible {
    /// This part, `0..<count`.
    public var index: Int
    /// How many parts the corpus is split into.
    public var count: Int

    /// Part `index` of `count`.
    public init(index: Int, count: Int) {
        precondition(count >= 1 && index >= 0 && index < count, "part \(index) outside 0..<\(count)")
        self.index = index
        self.count = count
    }

    /// Parses `i/n` with `0 <= i < n` (what `--part` takes); `nil` otherwise.
    public init?(parsing text: String) {
        let pieces = text.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count == 2, let index = Int(pieces[0]), let count = Int(pieces[1]),
              count >= 1, count <= 99_999, index >= 0, index < count else { return nil }
        self.init(index: index, count: count)
    }

    /// `i/n`.
    public var description: String { "\(index)/\(count)" }

    /// Whether document `document` belongs to this part.
    public func owns(document: Int) -> Bool { document % count == index }

    /// The file name stem, `part-00000-of-00002`.
    public var stem: String { ShardNaming.name(index: index, count: count).replacingOccurrences(of: "shard-", with: "part-")
        .replacingOccurrences(of: ".bin", with: "") }
    /// The examples, in the shard format.
    public var examplesName: String { stem + ".bin" }
    /// The example count of each of the part's documents.
    public var documentsName: String { stem + ".documents" }
    /// The part's manifest.
    public var manifestName: String { stem + ".json" }

    /// `(index, count)` of a part manifest's name, or `nil` for other names.
    public static func parse(manifestName name: String) -> PreparePart? {
        guard name.hasPrefix("part-"), name.hasSuffix(".json") else { return nil }
        let shardName = "shard-" + name.dropFirst(5).dropLast(5) + ".bin"
        return ShardNaming.parse(shardName).map { PreparePart(index: $0.index, count: $0.count) }
    }
}
