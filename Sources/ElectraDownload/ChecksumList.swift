// ChecksumList: the md5sums.txt / sha1sums.txt files published beside each Wikipedia dump
// ("HEX  filename" per line, as md5sum and sha1sum write them), and a running hash of either kind.

import Foundation

/// A hash the dump site publishes a list of.
public enum ChecksumAlgorithm: String, Codable, Sendable, CaseIterable {
    case sha1, md5

    /// Hexadecimal digits of a digest.
    var hexLength: Int { self == .sha1 ? 40 : 32 }

    /// The name as the messages and the list files write it (`SHA-1`, `MD5`).
    public var displayName: String { self == .sha1 ? "SHA-1" : "MD5" }
}

/// A running MD5 or SHA-1.
public enum RunningChecksum: Sendable {
    case md5(MD5)
    case sha1(SHA1)

    /// An empty hash of `algorithm`.
    public init(_ algorithm: ChecksumAlgorithm) {
        self = algorithm == .md5 ? .md5(MD5()) : .sha1(SHA1())
    }

    /// Hashes `bytes` after everything given before.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        switch self {
        case .md5(var hash): hash.update(bytes); self = .md5(hash)
        case .sha1(var hash): hash.update(bytes); self = .sha1(hash)
        }
    }

    /// The digest so far in lowercase hexadecimal.
    public func hexDigest() -> String {
        switch self {
        case .md5(let hash): return hash.hexDigest()
        case .sha1(let hash): return hash.hexDigest()
        }
    }
}

/// A parsed checksum list: file name to lowercase hexadecimal digest.
public struct ChecksumList: Equatable, Sendable {
    public let algorithm: ChecksumAlgorithm
    public let digests: [String: String]

    /// Parses `text`, lines of `HEX  filename` (`HEX *filename` too: md5sum's binary mode); blank
    /// lines are skipped.
    /// - Parameter source: the list's address, for the message about a malformed line.
    public init(parsing text: String, algorithm: ChecksumAlgorithm, source: String) throws(DownloadError) {
        var digests: [String: String] = [:]
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            let hex = trimmed.prefix { $0 != " " && $0 != "\t" }
            var name = trimmed.dropFirst(hex.count).drop { $0 == " " || $0 == "\t" }
            if name.first == "*" { name = name.dropFirst() }
            guard hex.count == algorithm.hexLength, hex.allSatisfy(\.isHexDigit), !name.isEmpty else {
                throw .malformedChecksumList(url: source, line: number + 1)
            }
            digests[String(name)] = hex.lowercased()
        }
        self.algorithm = algorithm
        self.digests = digests
    }
}
