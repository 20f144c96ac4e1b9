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
    @inlinable @inline(__always)
    public static func exp(_ input: FloatVector) -> FloatVector {
        let x = input.clamped(lowerBound: FloatVector(repeating: -87.3), upperBound: FloatVector(repeating: 88.7))
        let n = (x * 1.442_695_04).rounded(.toNearestOrEven)
        let r = x - n * 0.693_145_751_953_125 - n * 1.428_606_765_330_187_0e-6
        var p = FloatVector(repeating: 1.0 / 5040.0) + r * (1.0 / 40320.0)
        p = p * r + (1.0 / 720.0)
        p = p * r + (1.0 / 120.0)
        p = p * r + (1.0 / 24.0)
        p = p * r + (1.0 / 6.0)
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let bits = (SIMD16<Int32>(n, rounding: .towardZero) &+ 127) &<< 23
        let result = p * unsafeBitCast(bits, to: FloatVector.self)
        return result.replacing(with: 0, where: input .< -87.3)
    }

    /// The error function, `x · P(x²) / Q(x²)` on [-4, 4] and ±1 beyond (where erf rounds to ±1),
    /// never outside [-1, 1] so that `1 + erf(x)` cannot turn negative.
    @inlinable @inline(__always)
    public static func erf(_ x: FloatVector) -> FloatVector {
        let x = x.clamped(lowerBound: FloatVector(repeating: -4), upperBound: FloatVector(repeating: 4))
        let x2 = x * x
        var p = FloatVector(repeating: 1.910_165_872_698_321_7e-08)
        p = p * x2 - 1.941_997_969_504_005_7e-06
        p = p * x2 + 1.473_292_187_056_459e-04
        p = p * x2 + 3.993_389_169_018_835e-03
        p = p * x2 + 5.153_505_015_596_763e-02
        p = p * x2 + 2.071_988_842_168_09e-01
        p = p * x2 + 1.128_379_094_767_813_8
        var q = FloatVector(repeating: 1.021_703_292_388_937_8e-03)
        q = q * x2 + 1.496_431_048_371_690_8e-02
        q = q * x2 + 1.180_014_891_407_132_9e-01
        q = q * x2 + 5.169_564_863_428_849e-01
        q = q * x2 + 1
        return (x * p / q).clamped(lowerBound: FloatVector(repeating: -1), upperBound: FloatVector(repeating: 1))
    }

    /// The hyperbolic tangent: `x · P(x²) / Q(x²)` for |x| < 0.625, and `±(1 − 2/(e^{2|x|} + 1))`
    /// beyond, which keeps `1 − tanh²` (the derivative) accurate where tanh nears ±1.
    @inlinable @inline(__always)
    public static func tanh(_ input: FloatVector) -> FloatVector {
        let magnitude = pointwiseMax(input, -input)
        let saturating = 1 - 2 / (exp(2 * magnitude) + 1)
        let large = saturating.replacing(with: -saturating, where: input .< 0)
        let x = input.clamped(lowerBound: FloatVector(repeating: -9), upperBound: FloatVector(repeating: 9))
        let x2 = x * x
        var p = FloatVector(repeating: 1.335_330_054_863_526e-08)
        p = p * x2 + 2.060_811_896_116_262e-05
        p = p * x2 + 3.495_531_281_303_840_5e-03
        p = p * x2 + 1.338_097_867_986_267e-01
        p = p * x2 + 9.999_999_796_382_133e-01
        var q = FloatVector(repeating: 7.776_005_513_625_284e-07)
        q = q * x2 + 3.285_540_460_817_779_3e-04
        q = q * x2 + 2.587_676_853_021_108e-02
        q = q * x2 + 4.671_429_434_734_732e-01
        q = q * x2 + 1
        return (x * p / q).replacing(with: large, where: magnitude .>= 0.625)
    }

    /// Loads up to 16 floats from `pointer`, zero-filling lanes past `count`.
    @inlinable @inline(__always)
    public static func load(_ pointer: UnsafePointer<Float>, count: Int) -> FloatVector {
        if count >= FloatVector.scalarCount {
            return UnsafeRawPointer(pointer).loadUnaligned(as: FloatVector.self)
        }
        var vector = FloatVector()
        for lane in 0..<count { vector[lane] = pointer[lane] }
        return vector
    }

    /// Stores the first `count` (at most 16) lanes of `vector` at `pointer`.
    @inlinable @inline(__always)
    public static func store(_ vector: FloatVector, _ pointer: UnsafeMutablePointer<Float>, count: Int) {
        if count >= FloatVector.scalarCount {
            UnsafeMutableRawPointer(pointer).storeBytes(of: vector, as: FloatVector.self)
            return
        }
        for lane in 0..<count { pointer[lane] = vector[lane] }
    }

    /// Applies `body` to every 16-float block of `0..<count` on all cores. `body(i, n)` handles
    /// elements `i..<i+n`, `n` ≤ 16 only for the last block.
    @inlinable
    public static func forEachBlock(_ count: Int, _ body: (Int, Int) -> Void) {
        let width = FloatVector.scalarCount
        let blocks = (count + width - 1) / width
        Parallel.forEachRange(blocks, grain: 4096) { range in
            for block in range {
                let start = block * width
                body(start, min(width, count - start))
            }
        }
    }
}
