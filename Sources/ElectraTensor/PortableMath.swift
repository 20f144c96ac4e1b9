// PortableMath: logarithm, sine and cosine computed with IEEE-exact operations only.
//
// The C library's `log`, `sin` and `cos` may differ in the last bit between platforms; random draws
// built on them would then differ too. These versions use only +, −, ×, ÷ and bit manipulation, so
// they give the same Double everywhere. Accuracy is a few units in the last place: ample for sampling.

/// Transcendental functions that return bit-identical results on every platform.
public enum PortableMath {
    private static let ln2: Double = 0.693_147_180_559_945_309_417_232_121_458

    /// Natural logarithm of a positive, finite, normal `x`.
    ///
    /// `x = m · 2^e` with `m` in [√½, √2); `log m = 2·atanh(f)`, `f = (m − 1)/(m + 1)`, summed as
    /// `2(f + f³/3 + f⁵/5 + …)` until the terms vanish (|f| ≤ 0.172, so 12 terms reach 1e-19).
    public static func log(_ x: Double) -> Double {
        precondition(x > 0 && x.isFinite && x.isNormal, "PortableMath.log needs a positive normal number, got \(x)")
        var exponent = Int(x.exponent)
        var mantissa = x.significand          // in [1, 2)
        if mantissa > 1.414_213_562_373_095_048_8 {
            mantissa *= 0.5
            exponent += 1
        }
        let f = (mantissa - 1) / (mantissa + 1)
        let f2 = f * f
        var term = f
        var sum = 0.0
        var denominator = 1.0
        for _ in 0..<12 {
            sum += term / denominator
            term *= f2
            denominator += 2
        }
        return Double(exponent) * ln2 + 2 * sum
    }

    /// Sine and cosine of `2π · turns` for `turns` in [0, 1).
    ///
    /// The angle is reduced to a quarter turn by symmetry, then both functions are summed as Taylor
    /// series on [0, π/2], where 14 terms reach double precision.
    public static func sinCos(turns: Double) -> (sin: Double, cos: Double) {
        let quarters = turns * 4
        let quadrant = Int(quarters.rounded(.down)) & 3
        let angle = (quarters - quarters.rounded(.down)) * (Double.pi / 2)
        let a2 = angle * angle
        var sine = 0.0, cosine = 0.0
        var sineTerm = angle, cosineTerm = 1.0
        for n in 0..<14 {
            sine += sineTerm
            cosine += cosineTerm
            let k = Double(2 * n)
            sineTerm *= -a2 / ((k + 2) * (k + 3))
            cosineTerm *= -a2 / ((k + 1) * (k + 2))
        }
        switch quadrant {
        case 0: return (sine, cosine)
        case 1: return (cosine, -sine)
        case 2: return (-sine, -cosine)
        default: return (-cosine, sine)
        }
    }
}
