// Tanh, element-wise (the activation of the SQuAD joint head's end-logit network).

/// `y = tanh(x)`.
public enum Tanh {
    /// Writes `tanh(x)` into `out` (may be `x` itself).
    public static func forward(_ x: Tensor, into out: Tensor) {
        checkShape(out.count == x.count, "Tanh.forward", x.shape, out.shape)
        let xp = x.pointer, yp = out.pointer
        VectorMath.forEachChunk(x.count) { chunk in
            for i in stride(from: chunk.lowerBound, to: chunk.upperBound, by: FloatVector.scalarCount) {
                let n = min(FloatVector.scalarCount, chunk.upperBound - i)
                VectorMath.store(VectorMath.tanh(VectorMath.load(xp + i, count: n)), yp + i, count: n)
            }
        }
    }

    /// `dX += dOut · (1 − y²)`, from the forward output `y`.
    public static func backward(_ dOut: Tensor, output: Tensor, dX: Tensor) {
        checkShape(dOut.count == output.count && dX.count == output.count, "Tanh.backward",
                   dOut.shape, output.shape, dX.shape)
        let gp = dOut.pointer, yp = output.pointer, dp = dX.pointer
        VectorMath.forEachChunk(output.count) { chunk in
            for i in stride(from: chunk.lowerBound, to: chunk.upperBound, by: FloatVector.scalarCount) {
                let n = min(FloatVector.scalarCount, chunk.upperBound - i)
                let y = VectorMath.load(yp + i, count: n)
                let d = VectorMath.load(gp + i, count: n) * (1 - y * y)
                VectorMath.store(VectorMath.load(dp + i, count: n) + d, dp + i, count: n)
            }
        }
    }
}
