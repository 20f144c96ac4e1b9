// MD5Compression: the MD5 block function (RFC 1321, section 3.4), for StreamingDigest.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// MD5's state (A, B, C, D) and its compression of one 64-byte block.
///
/// Four rounds of sixteen steps: `a = b + ((a + F(b, c, d) + X[k] + T[i]) <<< s)`, where F is one of
/// `(b ∧ c) ∨ (¬b ∧ d)`, `(b ∧ d) ∨ (c ∧ ¬d)`, `b ⊕ c ⊕ d`, `c ⊕ (b ∨ ¬d)`, and
/// `T[i] = ⌊2³² · |sin(i + 1)|⌋`. Words and the digest are little-endian.
public struct MD5Compression: DigestCompression {
    public static let bigEndianLength = false

    private var a: UInt32 = 0x6745_2301
    private var b: UInt32 = 0xEFCD_AB89
    private var c: UInt32 = 0x98BA_DCFE
    private var d: UInt32 = 0x1032_5476

    /// The initial state of RFC 1321, section 3.3.
    public init() {}

    /// `T[i] = ⌊2³² · |sin(i + 1)|⌋`, i = 0 … 63 (RFC 1321, section 3.4).
    private static let sines: [UInt32] = (0..<64).map { UInt32(truncatingIfNeeded: Int64(fabs(sin(Double($0 + 1))) * 4_294_967_296)) }
    /// The left rotations of each step, four per round.
    private static let shifts: [UInt32] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]

    public mutating func compress(_ block: UnsafeRawBufferPointer) {
        precondition(block.count == 64, "an MD5 block is 64 bytes")
        var words = (UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0),
                     UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0))
        withUnsafeMutableBytes(of: &words) { target in
            for index in 0..<16 {
                let word = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self))
                target.storeBytes(of: word, toByteOffset: 4 * index, as: UInt32.self)
            }
        }
        withUnsafeBytes(of: &words) { raw in
            let x = raw.bindMemory(to: UInt32.self)
            var (a, b, c, d) = (self.a, self.b, self.c, self.d)
            Self.sines.withUnsafeBufferPointer { sines in
                Self.shifts.withUnsafeBufferPointer { shifts in
                    for step in 0..<64 {
                        let round = step >> 4
                        let mixed: UInt32
                        let wordIndex: Int
                        switch round {
                        case 0: mixed = (b & c) | (~b & d); wordIndex = step
                        case 1: mixed = (b & d) | (c & ~d); wordIndex = (5 &* step &+ 1) & 15
                        case 2: mixed = b ^ c ^ d; wordIndex = (3 &* step &+ 5) & 15
                        default: mixed = c ^ (b | ~d); wordIndex = (7 &* step) & 15
                        }
                        let sum = a &+ mixed &+ x[wordIndex] &+ sines[step]
                        let shift = shifts[round << 2 | step & 3]
                        (a, d, c) = (d, c, b)
                        b = b &+ (sum << shift | sum >> (32 - shift))
                    }
                }
            }
            self.a &+= a; self.b &+= b; self.c &+= c; self.d &+= d
        }
    }

    public var digest: [UInt8] {
        [a, b, c, d].flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
    }
}
