// StreamingDigest: MD5 and SHA-1 over data that arrives in pieces (a download being written), in
// constant memory. Both are Merkle–Damgård hashes over 64-byte blocks; they differ only in the
// compression function (MD5.swift, SHA1.swift) and in the byte order of the length in the padding.

/// The compression function of a Merkle–Damgård hash over 64-byte blocks, and its state.
public protocol DigestCompression: Sendable {
    /// Whether the message length in the final block is big-endian (SHA-1) or little-endian (MD5).
    static var bigEndianLength: Bool { get }
    /// The initial state.
    init()
    /// Folds one 64-byte block (`block.count == 64`) into the state.
    mutating func compress(_ block: UnsafeRawBufferPointer)
    /// The state as the digest's bytes.
    var digest: [UInt8] { get }
}

/// A hash fed in pieces: `update` any number of times, then `finalize`.
///
/// Splitting the input differently gives the same digest. Memory is one 64-byte block whatever the
/// input's length. Reference: RFC 1321 (MD5) and RFC 3174 (SHA-1), section 4 of each for the padding:
/// a 1 bit, zeros to 56 bytes modulo 64, then the length in bits as 8 bytes.
public struct StreamingDigest<Compression: DigestCompression>: Sendable {
    private var state = Compression()
    private var pending = [UInt8](repeating: 0, count: 64)
    private var pendingCount = 0
    /// Bytes hashed so far.
    public private(set) var byteCount: UInt64 = 0

    /// An empty hash.
    public init() {}

    /// Hashes `bytes` after everything given before.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        byteCount &+= UInt64(bytes.count)
        var offset = 0
        if pendingCount > 0 {
            let take = min(64 - pendingCount, bytes.count)
            for index in 0..<take { pending[pendingCount + index] = bytes[index] }
            pendingCount += take
            offset = take
            guard pendingCount == 64 else { return }
            compressPending()
        }
        while bytes.count - offset >= 64 {
            state.compress(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + 64]))
            offset += 64
        }
        for index in offset..<bytes.count { pending[index - offset] = bytes[index] }
        pendingCount = bytes.count - offset
    }

    /// Hashes `bytes` after everything given before.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The digest of everything given (the hash itself is left as it was).
    public func finalize() -> [UInt8] {
        var copy = self
        let bitLength = byteCount &* 8
        copy.pending[copy.pendingCount] = 0x80
        for index in (copy.pendingCount + 1)..<64 { copy.pending[index] = 0 }
        if copy.pendingCount + 1 > 56 {
            copy.compressPending()
            for index in 0..<64 { copy.pending[index] = 0 }
        }
        for index in 0..<8 {
            let shift = Compression.bigEndianLength ? 56 - 8 * index : 8 * index
            copy.pending[56 + index] = UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))
        }
        copy.compressPending()
        return copy.state.digest
    }

    /// The digest as lowercase hexadecimal, as checksum lists (`md5sum`, `sha1sum`) write it.
    public func hexDigest() -> String {
        finalize().map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }

    private mutating func compressPending() {
        pending.withUnsafeBytes { state.compress($0) }
        pendingCount = 0
    }
}

/// MD5 (RFC 1321), fed in pieces.
public typealias MD5 = StreamingDigest<MD5Compression>

/// SHA-1 (RFC 3174), fed in pieces.
public typealias SHA1 = StreamingDigest<SHA1Compression>
