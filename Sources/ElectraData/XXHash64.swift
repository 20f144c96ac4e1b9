// XXHash64: the 64-bit xxHash (XXH64, Yann Collet), streaming, for shard checksums.

/// XXH64 of a byte stream, fed in pieces of any size.
///
/// XXH64 processes 32-byte stripes in four independent lanes (multiply, rotate, multiply), so it runs
/// at memory speed, about ten times FNV-1a's byte-at-a-time rate; its output equals the reference
/// implementation's (`XXH64(data, length, seed)`), so shards can be checked with any xxHash tool.
/// It detects corruption, not tampering: it is not a cryptographic hash.
public struct XXHash64: Sendable {
    static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    private let seed: UInt64
    private var v1: UInt64, v2: UInt64, v3: UInt64, v4: UInt64
    private var totalLength: UInt64 = 0
    private var stripe: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)   // a partial 32-byte stripe
    private var stripeCount = 0

    /// A hasher with `seed` (0 in shards).
    public init(seed: UInt64 = 0) {
        self.seed = seed
        v1 = seed &+ Self.prime1 &+ Self.prime2
        v2 = seed &+ Self.prime2
        v3 = seed
        v4 = seed &- Self.prime1
    }

    /// The hash of `bytes` in one call.
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        var hasher = XXHash64(seed: seed)
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The hash of `bytes` in one call.
    public static func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }

    @inline(__always)
    private static func round(_ accumulator: UInt64, _ input: UInt64) -> UInt64 {
        let sum = accumulator &+ input &* prime2
        return ((sum << 31) | (sum >> 33)) &* prime1
    }

    @inline(__always)
    private static func merge(_ accumulator: UInt64, _ value: UInt64) -> UInt64 {
        (accumulator ^ round(0, value)) &* prime1 &+ prime4
    }

    @inline(__always)
    private static func rotate(_ value: UInt64, _ bits: UInt64) -> UInt64 {
        (value << bits) | (value >> (64 - bits))
    }

    /// Adds `bytes` to the stream.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        totalLength &+= UInt64(bytes.count)
        var offset = 0
        var count = bytes.count
        // Top up a partial stripe first.
        if stripeCount > 0 {
            let take = min(32 - stripeCount, count)
            withUnsafeMutableBytes(of: &stripe) { $0.baseAddress!.advanced(by: stripeCount).copyMemory(from: base, byteCount: take) }
            stripeCount += take
            offset = take
            count -= take
            guard stripeCount == 32 else { return }
            v1 = Self.round(v1, UInt64(littleEndian: stripe.0))
            v2 = Self.round(v2, UInt64(littleEndian: stripe.1))
            v3 = Self.round(v3, UInt64(littleEndian: stripe.2))
            v4 = Self.round(v4, UInt64(littleEndian: stripe.3))
            stripeCount = 0
        }
        var a = v1, b = v2, c = v3, d = v4
        while count >= 32 {
            a = Self.round(a, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            b = Self.round(b, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)))
            c = Self.round(c, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self)))
            d = Self.round(d, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self)))
            offset += 32
            count -= 32
        }
        (v1, v2, v3, v4) = (a, b, c, d)
        if count > 0 {
            withUnsafeMutableBytes(of: &stripe) { $0.baseAddress!.copyMemory(from: base + offset, byteCount: count) }
            stripeCount = count
        }
    }

    /// Adds `bytes` to the stream.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The hash of everything added so far (the hasher can go on taking bytes).
    public func finalize() -> UInt64 {
        var hash: UInt64
        if totalLength >= 32 {
            hash = Self.rotate(v1, 1) &+ Self.rotate(v2, 7) &+ Self.rotate(v3, 12) &+ Self.rotate(v4, 18)
            hash = Self.merge(hash, v1)
            hash = Self.merge(hash, v2)
            hash = Self.merge(hash, v3)
            hash = Self.merge(hash, v4)
        } else {
            hash = seed &+ Self.prime5
        }
        hash &+= totalLength
        var tail = stripe
        withUnsafeBytes(of: &tail) { raw in
            var offset = 0
            while offset + 8 <= stripeCount {
                let lane = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                hash = Self.rotate(hash ^ Self.round(0, lane), 27) &* Self.prime1 &+ Self.prime4
                offset += 8
            }
            if offset + 4 <= stripeCount {
                let word = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                hash = Self.rotate(hash ^ (word &* Self.prime1), 23) &* Self.prime2 &+ Self.prime3
                offset += 4
            }
            while offset < stripeCount {
                hash = Self.rotate(hash ^ (UInt64(raw[offset]) &* Self.prime5), 11) &* Self.prime1
                offset += 1
            }
        }
        hash ^= hash >> 33
        hash &*= Self.prime2
        hash ^= hash >> 29
        hash &*= Self.prime3
        hash ^= hash >> 32
        return hash
    }
}
