// SHA1Compression: the SHA-1 block function (RFC 3174, section 6.1), for StreamingDigest.

/// SHA-1's state (H0 … H4) and its compression of one 64-byte block.
///
/// The block's sixteen big-endian words are expanded to eighty, `W[t] = (W[t-3] ⊕ W[t-8] ⊕ W[t-14] ⊕
/// W[t-16]) <<< 1`, then eighty steps `TEMP = (A <<< 5) + f(t; B, C, D) + E + W[t] + K(t)` with f
/// choose, parity, majority, parity over the four twenty-step rounds. The digest is big-endian.
public struct SHA1Compression: DigestCompression {
    public static let bigEndianLength = true

    private var h0: UInt32 = 0x6745_2301
    private var h1: UInt32 = 0xEFCD_AB89
    private var h2: UInt32 = 0x98BA_DCFE
    private var h3: UInt32 = 0x1032_5476
    private var h4: UInt32 = 0xC3D2_E1F0
    private var schedule = [UInt32](repeating: 0, count: 80)

    /// The initial state of RFC 3174, section 6.1.
    public init() {}

    public mutating func compress(_ block: UnsafeRawBufferPointer) {
        precondition(block.count == 64, "a SHA-1 block is 64 bytes")
        var (a, b, c, d, e) = (h0, h1, h2, h3, h4)
        schedule.withUnsafeMutableBufferPointer { w in
            for t in 0..<16 {
                w[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: 4 * t, as: UInt32.self))
            }
            for t in 16..<80 {
                let mixed = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]
                w[t] = mixed << 1 | mixed >> 31
            }
            for t in 0..<80 {
                let f: UInt32, k: UInt32
                switch t {
                case 0..<20: f = (b & c) | (~b & d); k = 0x5A82_7999
                case 20..<40: f = b ^ c ^ d; k = 0x6ED9_EBA1
                case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1B_BCDC
                default: f = b ^ c ^ d; k = 0xCA62_C1D6
                }
                let temp = (a << 5 | a >> 27) &+ f &+ e &+ w[t] &+ k
                (e, d, c, b, a) = (d, c, b << 30 | b >> 2, a, temp)
            }
        }
        h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d; h4 &+= e
    }

    public var digest: [UInt8] {
        [h0, h1, h2, h3, h4].flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * $0)) } }
    }
}
