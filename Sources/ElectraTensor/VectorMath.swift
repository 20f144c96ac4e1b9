// VectorMath: exp, erf and tanh on 16 floats at a time, and a loop helper for element-wise kernels.
//
// The C library computes these one float at a time; an element-wise kernel built on it runs far below
// memory speed. These vector versions are polynomial and rational approximations accurate to a few
// units in the last place of Float32 (relative error ≤ 4e-7, checked in VectorMathTests). The erf and
// tanh coefficients were fitted for this project by `scripts/fit_approximations.py`.

/// The vector type the element-wise kernels work in: 16 lanes fill one AVX-512 register.
public typealias FloatVector = SIMD16<Float>

/// Vectorised transcendental functions.
public enum VectorMath {
    /// `exp(x)`: 0 below -87.3 (where the result leaves the normal floats), and `x` clamped to 88.7
    /// above.
    ///
    /// `x = n·ln 2 + r` with |r| ≤ ln2/2 (Cody–Waite split of ln 2), `exp(r)` by its degree-7 Taylor
    /// polynomial (truncation error < 6e-9), then scaled by 2ⁿ through the exponent bits.
    @_transparent
    public static func exp(_ input: FloatVector) -> FloatVector {
        let x = clamp(input, -87.3, 88.7)
        // Round x·log2(e) to the nearest integer by adding and removing 1.5·2²³; the integer then
        // also sits in the low mantissa bits of the sum.
        let shifted = x * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        let r = x - n * 0.693_145_751_953_125 - n * 1.428_606_765_330_187_0e-6
        var p = multiplyAdd(r, FloatVector(repeating: 1.0 / 40320.0), 1.0 / 5040.0)
        p = multiplyAdd(p, r, (1.0 / 720.0))
        p = multiplyAdd(p, r, (1.0 / 120.0))
        p = multiplyAdd(p, r, (1.0 / 24.0))
        p = multiplyAdd(p, r, (1.0 / 6.0))
        p = multiplyAdd(p, r, 0.5)
        p = multiplyAdd(p, r, 1)
        p = multiplyAdd(p, r, 1)
        let integer = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000
        let bits = (integer &+ 127) &<< 23
        let result = p * unsafeBitCast(bits, to: FloatVector.self)
        return result.replacing(with: 0, where: input .< -87.3)
    }

    /// The natural logarithm of positive, normal `x`: `x = m · 2^e` with `m` in [√½, √2), then
    /// `log m = 2 atanh(f)`, `f = (m − 1)/(m + 1)`, from its odd series to f⁹ (|f| ≤ 0.172: error < 1e-8).
    @_transparent
    public static func log(_ x: FloatVector) -> FloatVector {
        let bits = unsafeBitCast(x, to: SIMD16<Int32>.self)
        // Exponent relative to [√½, √2): subtracting the bits of √½ moves the mantissa boundary there.
        let shifted = bits &- 0x3F35_04F3
        let exponent = shifted &>> 23
        let mantissa = unsafeBitCast((shifted & 0x007F_FFFF) &+ 0x3F35_04F3, to: FloatVector.self)
        let f = (mantissa - 1) / (mantissa + 1)
        let f2 = f * f
        var p = FloatVector(repeating: 2.0 / 9.0)
        p = multiplyAdd(p, f2, 2.0 / 7.0)
        p = multiplyAdd(p, f2, 2.0 / 5.0)
        p = multiplyAdd(p, f2, 2.0 / 3.0)
        p = multiplyAdd(p, f2, 2.0)
        return multiplyAdd(FloatVector(exponent), FloatVector(repeating: 0.693_147_18), 0) + f * p
    }

    /// The error function, `x · P(x²) / Q(x²)` on [-4, 4] and ±1 beyond (where erf rounds to ±1),
    /// never outside [-1, 1] so that `1 + erf(x)` cannot turn negative.
    @_transparent
    public static func erf(_ x: FloatVector) -> FloatVector {
        let x = clamp(x, -4, 4)
        let x2 = x * x
        var p = FloatVector(repeating: 1.910_165_872_698_321_7e-08)
        p = multiplyAdd(p, x2, -1.941_997_969_504_005_7e-06)
        p = multiplyAdd(p, x2, 1.473_292_187_056_459e-04)
        p = multiplyAdd(p, x2, 3.993_389_169_018_835e-03)
        p = multiplyAdd(p, x2, 5.153_505_015_596_763e-02)
        p = multiplyAdd(p, x2, 2.071_988_842_168_09e-01)
        p = multiplyAdd(p, x2, 1.128_379_094_767_813_8)
        var q = FloatVector(repeating: 1.021_703_292_388_937_8e-03)
        q = multiplyAdd(q, x2, 1.496_431_048_371_690_8e-02)
        q = multiplyAdd(q, x2, 1.180_014_891_407_132_9e-01)
        q = multiplyAdd(q, x2, 5.169_564_863_428_849e-01)
        q = multiplyAdd(q, x2, 1)
        return clamp(x * p / q, -1, 1)
    }

    /// The hyperbolic tangent: `x · P(x²) / Q(x²)` for |x| < 0.625, and `±(1 − 2/(e^{2|x|} + 1))`
    /// beyond, which keeps `1 − tanh²` (the derivative) accurate where tanh nears ±1.
    @_transparent
    public static func tanh(_ input: FloatVector) -> FloatVector {
        let magnitude = maximum(input, -input)
        let saturating = 1 - 2 / (exp(2 * magnitude) + 1)
        let large = saturating.replacing(with: -saturating, where: input .< 0)
        let x = clamp(input, -9, 9)
        let x2 = x * x
        var p = FloatVector(repeating: 1.335_330_054_863_526e-08)
        p = multiplyAdd(p, x2, 2.060_811_896_116_262e-05)
        p = multiplyAdd(p, x2, 3.495_531_281_303_840_5e-03)
        p = multiplyAdd(p, x2, 1.338_097_867_986_267e-01)
        p = multiplyAdd(p, x2, 9.999_999_796_382_133e-01)
        var q = FloatVector(repeating: 7.776_005_513_625_284e-07)
        q = multiplyAdd(q, x2, 3.285_540_460_817_779_3e-04)
        q = multiplyAdd(q, x2, 2.587_676_853_021_108e-02)
        q = multiplyAdd(q, x2, 4.671_429_434_734_732e-01)
        q = multiplyAdd(q, x2, 1)
        return (x * p / q).replacing(with: large, where: magnitude .>= 0.625)
    }

    /// `a · b + c`, fused into one instruction where the build targets a processor with FMA (the
    /// baseline x86-64 build would call the C library's `fmaf` lane by lane, so it multiplies and
    /// adds instead).
    @_transparent
    public static func multiplyAdd(_ a: FloatVector, _ b: FloatVector, _ c: Float) -> FloatVector {
        #if ELECTRA_TARGET_AVX512 || ELECTRA_TARGET_AVX2 || arch(arm64)
        return FloatVector(repeating: c).addingProduct(a, b)
        #else
        return a * b + c
        #endif
    }

    /// Lanes at or past `count` (for masking the tail of a row). A literal, not a global: a global
    /// `let` is initialised lazily and checks for that on every use.
    @_transparent
    public static func lanes(from count: Int) -> SIMDMask<SIMD16<Int32>> {
        SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) .>= Int32(count)
    }

    /// The sum of the 16 lanes, added as a tree of halves (4 dependent adds, not 15).
    @_transparent
    public static func sum(_ v: FloatVector) -> Float {
        let v8 = v.lowHalf + v.highHalf
        let v4 = v8.lowHalf + v8.highHalf
        let v2 = v4.lowHalf + v4.highHalf
        return v2[0] + v2[1]
    }

    /// The largest of the 16 lanes, as a tree of halves.
    @_transparent
    public static func max(_ v: FloatVector) -> Float {
        let v8 = v.lowHalf.replacing(with: v.highHalf, where: v.highHalf .> v.lowHalf)
        let v4 = v8.lowHalf.replacing(with: v8.highHalf, where: v8.highHalf .> v8.lowHalf)
        let v2 = v4.lowHalf.replacing(with: v4.highHalf, where: v4.highHalf .> v4.lowHalf)
        return v2[1] > v2[0] ? v2[1] : v2[0]
    }

    /// Lane-wise maximum. (The standard library's `pointwiseMax` handles NaN lane by lane and does
    /// not compile to a single vector instruction; a compare and blend does.)
    @_transparent
    public static func maximum(_ a: FloatVector, _ b: FloatVector) -> FloatVector {
        a.replacing(with: b, where: b .> a)
    }

    /// `x` limited to [low, high], lane-wise.
    @_transparent
    public static func clamp(_ x: FloatVector, _ low: Float, _ high: Float) -> FloatVector {
        let above = x.replacing(with: low, where: x .< low)
        return above.replacing(with: high, where: above .> high)
    }

    /// Loads up to 16 floats from `pointer`, zero-filling lanes past `count`.
    @_transparent
    public static func load(_ pointer: UnsafePointer<Float>, count: Int) -> FloatVector {
        if count >= FloatVector.scalarCount {
            return UnsafeRawPointer(pointer).loadUnaligned(as: FloatVector.self)
        }
        return loadPartial(pointer, count: count)
    }

    /// Stores the first `count` (at most 16) lanes of `vector` at `pointer`.
    @_transparent
    public static func store(_ vector: FloatVector, _ pointer: UnsafeMutablePointer<Float>, count: Int) {
        if count >= FloatVector.scalarCount {
            UnsafeMutableRawPointer(pointer).storeBytes(of: vector, as: FloatVector.self)
            return
        }
        storePartial(vector, pointer, count: count)
    }

    // Tails go through memory: a vector built lane by lane (or returned from a call, which the
    // calling convention splits into four registers) makes the optimiser split every vector of the
    // caller's loop into 128-bit pieces.
    @usableFromInline @inline(__always)
    static func loadPartial(_ pointer: UnsafePointer<Float>, count: Int) -> FloatVector {
        var vector = FloatVector()
        withUnsafeMutableBytes(of: &vector) { bytes in
            bytes.baseAddress!.copyMemory(from: pointer, byteCount: count * MemoryLayout<Float>.stride)
        }
        return vector
    }

    @usableFromInline @inline(__always)
    static func storePartial(_ vector: FloatVector, _ pointer: UnsafeMutablePointer<Float>, count: Int) {
        withUnsafeBytes(of: vector) { bytes in
            UnsafeMutableRawPointer(pointer).copyMemory(from: bytes.baseAddress!, byteCount: count * MemoryLayout<Float>.stride)
        }
    }

    /// Splits `0..<count` into chunks for all cores and calls `body` once per chunk. Chunks start on
    /// multiples of 16, so a kernel walks its chunk in whole vectors and at most one short tail:
    ///
    ///     VectorMath.forEachChunk(x.count) { chunk in
    ///         for i in stride(from: chunk.lowerBound, to: chunk.upperBound, by: 16) {
    ///             let n = min(16, chunk.upperBound - i)
    ///             …
    ///         }
    ///     }
    ///
    /// (A closure call per 16 floats would cost more than the arithmetic, so the loop stays inside.)
    @inlinable
    public static func forEachChunk(_ count: Int, _ body: (Range<Int>) -> Void) {
        let width = FloatVector.scalarCount
        let blocks = (count + width - 1) / width
        Parallel.forEachRange(blocks, grain: 4096) { range in
            body((range.lowerBound * width)..<min(count, range.upperBound * width))
        }
    }
}
