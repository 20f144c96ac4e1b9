// Softmax over the last dimension, with a scale and an additive mask broadcast over heads and rows.

/// `y = softmax(scale · x + mask)` along the last dimension.
///
/// Attention scores `[B, NH, T, T]` take a mask `[B, T]`: row `r` of the scores belongs to sequence
/// `r / (R / B)`, and `mask[b, j]` is added to column `j` (0 for tokens to attend to, a large
/// negative number for padding, as Hugging Face's extended attention mask).
public enum Softmax {
    /// Writes the softmax of each row of `x` into `out` (may be `x` itself).
    /// - Parameters:
    ///   - x: `[…, C]` with `R` rows.
    ///   - scale: multiplies `x` before the mask is added.
    ///   - mask: `[B, C]` additive mask with `R` divisible by `B`, or `nil`.
    public static func forward(_ x: Tensor, scale: Float = 1, mask: Tensor? = nil, into out: Tensor) {
        let C = x.columns, R = x.rows
        checkShape(out.count == x.count, "Softmax.forward", x.shape, out.shape)
        let rowsPerSequence = rowsPerMaskRow(mask, R, C, x.shape)
        let xp = x.pointer, yp = out.pointer, maskPointer = mask?.pointer
        let width = FloatVector.scalarCount
        Parallel.forEachRange(R, grain: max(1, 8192 / max(C, 1))) { rows in
            for r in rows {
                let row = xp + r * C, outRow = yp + r * C
                let maskRow = maskPointer.map { $0 + (r / rowsPerSequence) * C }
                var maximum = FloatVector(repeating: -.greatestFiniteMagnitude)
                var c = 0
                while c < C {
                    let n = min(width, C - c)
                    var z = VectorMath.load(row + c, count: n) * scale
                    if let maskRow { z += VectorMath.load(maskRow + c, count: n) }
                    if n < width { z = z.replacing(with: -.greatestFiniteMagnitude, where: laneIndices .>= Int32(n)) }
                    maximum = pointwiseMax(maximum, z)
                    VectorMath.store(z, outRow + c, count: n)
                    c += width
                }
                let m = maximum.max()
                var total = FloatVector()
                c = 0
                while c < C {
                    let n = min(width, C - c)
                    var e = VectorMath.exp(VectorMath.load(outRow + c, count: n) - m)
                    if n < width { e = e.replacing(with: 0, where: laneIndices .>= Int32(n)) }
                    total += e
                    VectorMath.store(e, outRow + c, count: n)
                    c += width
                }
                let inverse = 1 / total.sum()
                c = 0
                while c < C {
                    let n = min(width, C - c)
                    VectorMath.store(VectorMath.load(outRow + c, count: n) * inverse, outRow + c, count: n)
                    c += width
                }
            }
        }
    }

    /// `dX += scale · y ⊙ (dOut − Σ_j dOut_j y_j)` per row, from the forward output `y`.
    /// `dX` may be `dOut` itself, in which case it is overwritten rather than accumulated.
    public static func backward(_ dOut: Tensor, output: Tensor, scale: Float = 1, dX: Tensor) {
        let C = output.columns, R = output.rows
        checkShape(dOut.count == output.count && dX.count == output.count, "Softmax.backward",
                   dOut.shape, output.shape, dX.shape)
        let gp = dOut.pointer, yp = output.pointer, dp = dX.pointer
        let inPlace = gp == dp
        let width = FloatVector.scalarCount
        Parallel.forEachRange(R, grain: max(1, 8192 / max(C, 1))) { rows in
            for r in rows {
                let g = gp + r * C, y = yp + r * C, d = dp + r * C
                var dot = FloatVector()
                var c = 0
                while c < C {
                    let n = min(width, C - c)
                    dot += VectorMath.load(g + c, count: n) * VectorMath.load(y + c, count: n)
                    c += width
                }
                let s = dot.sum()
                c = 0
                while c < C {
                    let n = min(width, C - c)
                    let grad = scale * VectorMath.load(y + c, count: n) * (VectorMath.load(g + c, count: n) - s)
                    VectorMath.store(inPlace ? grad : VectorMath.load(d + c, count: n) + grad, d + c, count: n)
                    c += width
                }
            }
        }
    }

    private static func rowsPerMaskRow(_ mask: Tensor?, _ rows: Int, _ columns: Int, _ shape: [Int]) -> Int {
        guard let mask else { return max(rows, 1) }
        checkShape(mask.columns == columns && mask.rows > 0 && rows % mask.rows == 0,
                   "Softmax mask", shape, mask.shape)
        return rows / mask.rows
    }
}
