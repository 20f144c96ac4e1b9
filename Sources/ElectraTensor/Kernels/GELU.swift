// GELU, the exact form with erf (Hugging Face's "gelu", ELECTRA's hidden_act).

/// `gelu(x) = x · Φ(x) = ½ x (1 + erf(x/√2))`.
public enum GELU {
    /// Writes `gelu(x)` into `out` (may be `x` itself).
    public static func forward(_ x: Tensor, into out: Tensor) {
        checkShape(out.count == x.count, "GELU.forward", x.shape, out.shape)
        let xp = x.pointer, yp = out.pointer
        VectorMath.forEachChunk(x.count) { chunk in
            for i in stride(from: chunk.lowerBound, to: chunk.upperBound, by: FloatVector.scalarCount) {
                let n = min(FloatVector.scalarCount, chunk.upperBound - i)
                let v = VectorMath.load(xp + i, count: n)
                VectorMath.store(0.5 * v * (1 + VectorMath.erf(v * 0.707_106_781_186_547_5)), yp + i, count: n)
            }
        }
    }

    /// A dense layer's bias and activation in one pass: `x += bias` (in place, kept for the backward
    /// pass), then `out = gelu(x)`.
    public static func forward(_ x: Tensor, bias: Tensor, into out: Tensor) {
        checkShape(out.count == x.count && bias.count == x.columns, "GELU.forward(bias:)", x.shape, bias.shape, out.shape)
        let C = x.columns, xp = x.pointer, yp = out.pointer, bp = bias.pointer
        let width = FloatVector.scalarCount
        Parallel.forEachRange(x.rows, grain: max(1, 16384 / max(C, 1))) { rows in
            for r in rows {
                let xRow = xp + r * C, yRow = yp + r * C
                var c = 0
                while c < C {
                    let n = min(width, C - c)
                    let v = VectorMath.load(xRow + c, count: n) + VectorMath.load(bp + c, count: n)
                    VectorMath.store(v, xRow + c, count: n)
                    VectorMath.store(0.5 * v * (1 + VectorMath.erf(v * 0.707_106_781_186_547_5)), yRow + c, count: n)
                    c += width
                }
            }
        }
    }

    /// `dX += dOut · gelu'(x)` (or `dX = …` when `accumulate` is false), `gelu'(x) = Φ(x) + x · φ(x)`
    /// with `φ` the standard normal density.
    public static func backward(_ dOut: Tensor, _ x: Tensor, dX: Tensor, accumulate: Bool = true) {
        checkShape(dOut.count == x.count && dX.count == x.count, "GELU.backward", dOut.shape, x.shape, dX.shape)
        let gp = dOut.pointer, xp = x.pointer, dp = dX.pointer
        VectorMath.forEachChunk(x.count) { chunk in
            for i in stride(from: chunk.lowerBound, to: chunk.upperBound, by: FloatVector.scalarCount) {
                let n = min(FloatVector.scalarCount, chunk.upperBound - i)
                let v = VectorMath.load(xp + i, count: n)
                let cdf = 0.5 * (1 + VectorMath.erf(v * 0.707_106_781_186_547_5))
                let pdf = 0.398_942_280_401_432_7 * VectorMath.exp(-0.5 * v * v)
                let d = VectorMath.load(gp + i, count: n) * (cdf + v * pdf)
                VectorMath.store(accumulate ? VectorMath.load(dp + i, count: n) + d : d, dp + i, count: n)
            }
        }
    }
}
