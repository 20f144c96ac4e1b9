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
    /// This process's rows of a batch drawn together with other processes (`BatchWindow`), for
    /// `claim(words:)`; `nil` (the whole batch) for generators made by `init` or `split`.
    public internal(set) var window: BatchWindow? = nil

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

    /// Fills `tensor` with uniform draws in [low, high): element `i` is `low + (high − low) · u`
    /// with `u` the `i`-th `uniform()` draw, bit for bit.
    public mutating func fillUniform(_ tensor: Tensor, low: Float = 0, high: Float = 1) {
        fillUniforms(tensor.pointer, count: tensor.count,
                     AffineUniform(scale: FloatVector(repeating: high - low), offset: FloatVector(repeating: low)))
    }

    // MARK: Bulk draws

    /// Writes the next `count` `uniform()` draws to `out` and advances by `count` words: the same
    /// values, in the same order, and the same state afterwards as `count` calls of `uniform()`, but
    /// sixteen Philox blocks at a time.
    public mutating func fillUniform(_ out: UnsafeMutablePointer<Float>, count: Int) {
        fillUniforms(out, count: count, AffineUniform(scale: FloatVector(repeating: 1), offset: FloatVector()))
    }

    /// Writes `count` draws in (0, 1), `(Float(nextUInt32() >> 8) + 0.5) · 2⁻²⁴` each (never 0 or 1,
    /// so the logarithm is finite), and advances by `count` words, as the word-by-word loop would.
    public mutating func fillOpenUniform(_ out: UnsafeMutablePointer<Float>, count: Int) {
        // (k + ½)·2⁻²⁴ and k·2⁻²⁴ + 2⁻²⁵ are the same real number, rounded once either way.
        fillUniforms(out, count: count, AffineUniform(scale: FloatVector(repeating: 1),
                                                      offset: FloatVector(repeating: 0x1p-25)))
    }

    /// Writes `transform(u)` for the next `count` `uniform()` draws `u` to `out` and advances by
    /// `count` words. `transform` works lane by lane on sixteen draws at a time; lanes past the end are
    /// computed and thrown away.
    ///
    /// Each step computes sixteen consecutive Philox blocks (64 words) at once, eight blocks per
    /// vector of 64-bit lanes so that the 32×32→64-bit products map onto vector multiplies. A start
    /// that is not on a block boundary and a short tail take the words they need from such a step.
    @inline(__always)
    mutating func fillUniforms<Transform: UniformTransform>(_ out: UnsafeMutablePointer<Float>, count: Int,
                                                            _ transform: Transform) {
        precondition(count >= 0, "fillUniform needs a count ≥ 0, got \(count)")
        var done = 0, word = position
        while done < count {
            let lane = Int(word & 3), take = min(64 - lane, count - done)
            let (a, b) = philox16(firstBlock: word >> 2, counterHigh: stream, key: key)
            let (v0, v1) = uniformWords(a), (v2, v3) = uniformWords(b)
            let (t0, t1, t2, t3) = (transform(v0), transform(v1), transform(v2), transform(v3))
            if lane == 0 && take == 64 {
                let raw = UnsafeMutableRawPointer(out + done), stride = MemoryLayout<FloatVector>.stride
                raw.storeBytes(of: t0, toByteOffset: 0, as: FloatVector.self)
                raw.storeBytes(of: t1, toByteOffset: stride, as: FloatVector.self)
                raw.storeBytes(of: t2, toByteOffset: 2 * stride, as: FloatVector.self)
                raw.storeBytes(of: t3, toByteOffset: 3 * stride, as: FloatVector.self)
            } else {
                for j in 0..<take {
                    let k = lane + j
                    let vector = k < 32 ? (k < 16 ? t0 : t1) : (k < 48 ? t2 : t3)
                    out[done + j] = vector[k & 15]
                }
            }
            done += take
            word &+= UInt64(take)
        }
        position = word
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

/// Eight Philox states, one block per 64-bit lane; each lane holds a 32-bit word (upper half zero).
typealias PhiloxLanes = (SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>)

/// Philox4x32-10 of the sixteen blocks `firstBlock ..< firstBlock + 16` (low 64 bits of the counter;
/// `counterHigh` above them): blocks `firstBlock + l` in lane `l` of the first result and
/// `firstBlock + 8 + l` in lane `l` of the second. Bit-identical to `philox` block by block.
@inline(__always)
func philox16(firstBlock: UInt64, counterHigh: UInt64, key: UInt64) -> (PhiloxLanes, PhiloxLanes) {
    let low32 = SIMD8<UInt64>(repeating: 0xFFFF_FFFF)
    let lowA = SIMD8<UInt64>(repeating: firstBlock) &+ SIMD8<UInt64>(0, 1, 2, 3, 4, 5, 6, 7)
    let lowB = lowA &+ 8
    let high0 = SIMD8<UInt64>(repeating: counterHigh & 0xFFFF_FFFF)
    let high1 = SIMD8<UInt64>(repeating: counterHigh >> 32)
    var a: PhiloxLanes = (lowA & low32, lowA &>> 32, high0, high1)
    var b: PhiloxLanes = (lowB & low32, lowB &>> 32, high0, high1)
    let k0 = key & 0xFFFF_FFFF, k1 = key >> 32
    // Ten rounds written out (a loop here is not unrolled, and the round keys become constants).
    philoxRound(&a, &b, k0, k1)
    philoxRound(&a, &b, (k0 &+ 1 &* 0x9E37_79B9) & 0xFFFF_FFFF, (k1 &+ 1 &* 0xBB67_AE85) & 0xFFFF_FFFF)
    philoxRound(&a, &b, (k0 &+ 2 &* 0x9E37_79B9) & 0xFFFF_FFFF, (k1 &+ 2 &* 0xBB67_AE85) & 0xFFFF_FFFF)
    philoxRound(&a, &b, (k0 &+ 3 &* 0x9E37_79B9) & 0xFFFF_FFFF, (k1 &+ 3 &* 0xBB67_AE85) & 0xFFFF_FFFF)
    philoxRound(&a, &b, (k0 &+ 4 &* 0x9E37_79B9) & 0xFFFF_FFFF, (k1 &+ 4 &* 0xBB67_AE85) & 0xFFFF_FFFF)
    philoxRound(&a, &b, (k0 &+ 5 &* 0x9E37_79B9) & 0xFFFF_FFFF, (k1 &+ 5 &* 0xBB67_AE85) & 0xFFFF_FFFF)
    philoxRound(&a, &b, (k0 &+ 6 &* 0x9E37_79B9) & 0xFFFF_FFFF, (k1 &+ 6 &* 0xBB67_AE85) & 0xFFFF_FFFF)
    philoxRound(&a, &b, (k0 &+ 7 &* 0x9E37_79B9) & 0xFFFF_FFFF, (k1 &+ 7 &* 0xBB67_AE85) & 0xFFFF_FFFF)
    philoxRound(&a, &b, (k0 &+ 8 &* 0x9E37_79B9) & 0xFFFF_FFFF, (k1 &+ 8 &* 0xBB67_AE85) & 0xFFFF_FFFF)
    philoxRound(&a, &b, (k0 &+ 9 &* 0x9E37_79B9) & 0xFFFF_FFFF, (k1 &+ 9 &* 0xBB67_AE85) & 0xFFFF_FFFF)
    return (a, b)
}

/// One Philox round on two groups of eight blocks, with round key (`k0`, `k1`).
@inline(__always)
func philoxRound(_ a: inout PhiloxLanes, _ b: inout PhiloxLanes, _ k0: UInt64, _ k1: UInt64) {
    let low32 = SIMD8<UInt64>(repeating: 0xFFFF_FFFF)
    let key0 = SIMD8<UInt64>(repeating: k0), key1 = SIMD8<UInt64>(repeating: k1)
    let pa0 = a.0 &* 0xD251_1F53, pa1 = a.2 &* 0xCD9E_8D57
    let pb0 = b.0 &* 0xD251_1F53, pb1 = b.2 &* 0xCD9E_8D57
    a = ((pa1 &>> 32) ^ a.1 ^ key0, pa1 & low32, (pa0 &>> 32) ^ a.3 ^ key1, pa0 & low32)
    b = ((pb1 &>> 32) ^ b.1 ^ key0, pb1 & low32, (pb0 &>> 32) ^ b.3 ^ key1, pb0 & low32)
}

/// `uniform()` of each word: `Float(word >> 8) · 2⁻²⁴`, exact.
@inline(__always)
func uniformLanes(_ words: SIMD8<UInt64>) -> SIMD8<Float> {
    SIMD8<Float>(SIMD8<UInt32>(truncatingIfNeeded: words &>> 8)) * 0x1p-24
}

/// The uniform draws of the 32 words of eight blocks, in stream order (block by block, words 0–3
/// of each): words 0–15 in the first vector, 16–31 in the second.
@inline(__always)
func uniformWords(_ blocks: PhiloxLanes) -> (FloatVector, FloatVector) {
    // Interleave twice: (w0, w2) and (w1, w3) per block, then those pairs.
    var even = FloatVector(), odd = FloatVector()
    even.evenHalf = uniformLanes(blocks.0)
    even.oddHalf = uniformLanes(blocks.2)
    odd.evenHalf = uniformLanes(blocks.1)
    odd.oddHalf = uniformLanes(blocks.3)
    var first = FloatVector(), second = FloatVector()
    first.evenHalf = even.lowHalf
    first.oddHalf = odd.lowHalf
    second.evenHalf = even.highHalf
    second.oddHalf = odd.highHalf
    return (first, second)
}

/// A lane-by-lane map applied to sixteen uniform draws at a time by `RandomGenerator.fillUniforms`
/// (a protocol rather than a closure, so that each use is specialised and inlined).
protocol UniformTransform {
    func callAsFunction(_ uniform: FloatVector) -> FloatVector
}

/// `offset + scale · u`.
struct AffineUniform: UniformTransform {
    let scale: FloatVector, offset: FloatVector

    @inline(__always)
    func callAsFunction(_ uniform: FloatVector) -> FloatVector { offset + scale * uniform }
}

/// SplitMix64's finaliser: a bijective 64-bit mixer.
@inline(__always)
func mix64(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
