// ShardNaming: the names of the shards of one set (`shard-00000-of-00004.bin`) and how a directory's
// shards are found.

import Foundation

/// Names of shard files, and the discovery of a directory's shard set.
public enum ShardNaming {
    /// The name of shard `index` of `count`: `shard-00000-of-00004.bin`.
    public static func name(index: Int, count: Int) -> String {
        precondition(index >= 0 && index < count, "shard \(index) outside 0..<\(count)")
        return "shard-\(padded(index))-of-\(padded(count)).bin"
    }

    /// `(index, count)` of a shard name, or `nil` for other names.
    public static func parse(_ name: String) -> (index: Int, count: Int)? {
        guard name.hasPrefix("shard-"), name.hasSuffix(".bin") else { return nil }
        let middle = name.dropFirst(6).dropLast(4).split(separator: "-", omittingEmptySubsequences: false)
        guard middle.count == 3, middle[1] == "of", middle[0].count >= 5, middle[2].count >= 5,
              middle[0].allSatisfy(\.isASCII), middle[2].allSatisfy(\.isASCII),
              let index = Int(middle[0]), let count = Int(middle[2]), index >= 0, index < count else { return nil }
        return (index, count)
    }

    /// The paths of the shards in `directory`, by index.
    /// - Throws: `ShardError.noShards` when there is none; `.incompleteSet` when they come from sets of
    ///   different sizes or one is missing; `.unreadable` when the directory cannot be listed.
    public static func shardPaths(in directory: String) throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw ShardError.unreadable(path: directory, reason: "cannot list the directory")
        }
        let shards = names.compactMap { name in parse(name).map { (name, $0.index, $0.count) } }
        guard let total = shards.first?.2 else { throw ShardError.noShards(directory: directory) }
        guard shards.allSatisfy({ $0.2 == total }) else {
            let sizes = Set(shards.map(\.2)).sorted().map(String.init).joined(separator: ", ")
            throw ShardError.incompleteSet(directory: directory, detail: "shards of sets of \(sizes)")
        }
        let present = Set(shards.map(\.1))
        if let missing = (0..<total).first(where: { !present.contains($0) }) {
            throw ShardError.incompleteSet(directory: directory, detail: "\(name(index: missing, count: total)) is missing")
        }
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        return (0..<total).map { base + name(index: $0, count: total) }
    }

    private static func padded(_ value: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }
}
