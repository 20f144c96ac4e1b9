// RandomGenerator: a seeded, splittable, counter-based generator (Philox4x32-10).
//
// Philox (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011) maps a 128-bit
// counter and a 64-bit key to 128 random bits, so a generator is just (key, stream, position): cheap
// to split into independent streams, to save in a checkpoint and to restore exactly. Integer output is
// bit-identical everywhere; the real-valued draws use only IEEE-exact arithmetic and the portable
// `PortableMath` functions, so they are bit-identical on every platform as well.

/// A reproducible source of random numbers.
///
/// One seed fixes every draw. Independent streams for separate purposes (initialisation, data order,
/// masking, dropout) come from `split(_:)`, so adding draws to one purpose never shifts another.
public struct RandomGenerator: Sendable, Codable, Equatable {
    /// The Philox key: the seed.
    public private(set) var key: UInt64
    /// Which stream of this key: the high 64 bits of the counter.
    public private(set) var stream: UInt64
    /// Number of 32-bit words consumed so far in this stream.
    public private(set) var position: UInt64

    private var cacheBlock: UInt64 = .max
    private var cache: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)

    private enum CodingKeys: String, CodingKey { case key, stream, position }

    /// A generator for `seed`, at the start of stream 0.
    public init(seed: UInt64) {
        self.init(key: seed, stream: 0, position: 0)
    }

    /// A generator at an exact state, as saved from `key`, `stream` and `position`.
    public init(key: UInt64, stream: UInt64, position: UInt64) {
        self.key = key
        self.stream = stream
        self.position = position
    }

    public static func == (lhs: RandomGenerator, rhs: RandomGenerator) -> Bool {
        lhs.key == rhs.key && lhs.stream == rhs.stream && lhs.position == rhs.position
    }

    /// An independent generator for sub-stream `index`; this generator is unchanged.
    public func split(_ index: UInt64) -> RandomGenerator {
        RandomGenerator(key: key, stream: mix64(stream &* 0x9E37_79B9_7F4A_7C15 &+ index &+ 1),
                        position: 0)
    }

    /// An independent generator named by `label` (hashed with FNV-1a, stable across runs).
    public func split(_ label: String) -> RandomGenerator {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in label.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return split(hash)
    }

    // MARK: Integers

    /// The next 32 random bits.
    public mutating func nextUInt32() -> UInt32 {
        let block = position >> 2
        if block != cacheBlock {
            cache = philox(counterLow: block, counterHigh: stream, key: key)
            cacheBlock = block
        }
        let lane = Int(position & 3)
        position &+= 1
        switch lane {
        case 0: return cache.0
        case 1: return cache.1
        case 2: return cache.2
        default: return cache.3
        }
    }

    /// The next 64 random bits.
    public mutating func nextUInt64() -> UInt64 {
        UInt64(nextUInt32()) << 32 | UInt64(nextUInt32())
    }

    /// A uniformly distributed integer in `0..<bound` (Lemire's unbiased multiply-and-reject).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound, got \(bound)")
        let range = UInt64(bound)
        var product = nextUInt64().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = nextUInt64().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// Shuffles `elements` in place (Fisher–Yates).
    public mutating func shuffle<T>(_ elements: inout [T]) {
        guard elements.count > 1 else { return }
        for i in stride(from: elements.count - 1, to: 0, by: -1) {
            elements.swapAt(i, nextInt(below: i + 1))
        }
    }

    // MARK: Real numbers

    /// Uniform in [0, 1), a multiple of 2⁻²⁴.
    public mutating func uniform() -> Float {
        Float(nextUInt32() >> 8) * 0x1p-24
    }

    /// Uniform in [0, 1), a multiple of 2⁻⁵³.
    public mutating func uniformDouble() -> Double {
        Double(nextUInt64() >> 11) * 0x1p-53
    }

    /// Uniform in (0, 1): never 0 or 1, so its logarithm is finite.
    public mutating func openUniformDouble() -> Double {
        (Double(nextUInt64() >> 11) + 0.5) * 0x1p-53
    }

    /// A standard normal pair by the Box–Muller transform.
    public mutating func normalPair() -> (Double, Double) {
        let radius = (-2 * PortableMath.log(openUniformDouble())).squareRoot()
        let (sine, cosine) = PortableMath.sinCos(turns: uniformDouble())
        return (radius * cosine, radius * sine)
    }

    /// A normal draw with the given mean and standard deviation.
    public mutating func normal(mean: Float = 0, standardDeviation: Float = 1) -> Float {
        mean + standardDeviation * Float(normalPair().0)
    }

    /// A normal draw redrawn until it lies within two standard deviations of the mean, as
    /// TensorFlow's `truncated_normal` initialiser (which Google's ELECTRA uses) does.
    public mutating func truncatedNormal(mean: Float = 0, standardDeviation: Float = 1) -> Float {
        while true {
            let (a, b) = normalPair()
            if abs(a) <= 2 { return mean + standardDeviation * Float(a) }
            if abs(b) <= 2 { return mean + standardDeviation * Float(b) }
        }
    }

    /// A standard Gumbel draw, `-log(-log(u))`, for Gumbel-max sampling.
    public mutating func gumbel() -> Float {
        Float(-PortableMath.log(-PortableMath.log(openUniformDouble())))
    }

    // MARK: Filling tensors

    /// Fills `tensor` with uniform draws in [low, high).
    public mutating func fillUniform(_ tensor: Tensor, low: Float = 0, high: Float = 1) {
        let p = tensor.pointer
        for i in 0..<tensor.count { p[i] = low + (high - low) * uniform() }
    }

    /// Fills `tensor` with normal draws.
    public mutating func fillNormal(_ tensor: Tensor, mean: Float = 0, standardDeviation: Float = 1) {
        let p = tensor.pointer
        var i = 0
        while i < tensor.count {
            let (a, b) = normalPair()
            p[i] = mean + standardDeviation * Float(a)
            if i + 1 < tensor.count { p[i + 1] = mean + standardDeviation * Float(b) }
            i += 2
        }
    }

    /// Fills `tensor` with normal draws truncated to two standard deviations.
    public mutating func fillTruncatedNormal(_ tensor: Tensor, mean: Float = 0,
                                             standardDeviation: Float = 1) {
        let p = tensor.pointer
        for i in 0..<tensor.count { p[i] = truncatedNormal(mean: mean, standardDeviation: standardDeviation) }
    }

    /// Fills `tensor` with standard Gumbel draws.
    public mutating func fillGumbel(_ tensor: Tensor) {
        let p = tensor.pointer
        for i in 0..<tensor.count { p[i] = gumbel() }
    }
}

/// Philox4x32 with 10 rounds: 128 bits of output for a 128-bit counter and a 64-bit key.
@inline(__always)
func philox(counterLow: UInt64, counterHigh: UInt64, key: UInt64) -> (UInt32, UInt32, UInt32, UInt32) {
    var c0 = UInt32(truncatingIfNeeded: counterLow)
    var c1 = UInt32(truncatingIfNeeded: counterLow >> 32)
    var c2 = UInt32(truncatingIfNeeded: counterHigh)
    var c3 = UInt32(truncatingIfNeeded: counterHigh >> 32)
    var k0 = UInt32(truncatingIfNeeded: key)
    var k1 = UInt32(truncatingIfNeeded: key >> 32)
    for round in 0..<10 {
        if round > 0 {
            k0 &+= 0x9E37_79B9
            k1 &+= 0xBB67_AE85
        }
        let p0 = UInt64(0xD251_1F53) &* UInt64(c0)
        let p1 = UInt64(0xCD9E_8D57) &* UInt64(c2)
        let hi0 = UInt32(truncatingIfNeeded: p0 >> 32), lo0 = UInt32(truncatingIfNeeded: p0)
        let hi1 = UInt32(truncatingIfNeeded: p1 >> 32), lo1 = UInt32(truncatingIfNeeded: p1)
        (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
    }
    return (c0, c1, c2, c3)
}

/// SplitMix64's finaliser: a bijective 64-bit mixer.
@inline(__always)
func mix64(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
