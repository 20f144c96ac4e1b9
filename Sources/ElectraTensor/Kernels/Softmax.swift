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
        Parallel.forEachRange(R, grain: max(1, 8192 / max(C, 1))) { rows in
            var sequence = rows.lowerBound / rowsPerSequence
            var nextSequenceRow = (sequence + 1) * rowsPerSequence
            for r in rows {
                if r == nextSequenceRow {
                    sequence += 1
                    nextSequenceRow += rowsPerSequence
                }
                softmaxRow(xp + r * C, yp + r * C, maskPointer.map { $0 + sequence * C }, C, scale)
            }
        }
    }

    /// One row: `out = softmax(scale · x + mask)`. Three sweeps over a row that stays in L1: scale,
    /// mask and running maximum; exponentials and their sum; normalisation. Whole vectors take a
    /// branch-free path; only a row length that is not a multiple of 16 pays for a tail.
    @inline(__always)
    private static func softmaxRow(_ row: UnsafeMutablePointer<Float>, _ outRow: UnsafeMutablePointer<Float>,
                                   _ maskRow: UnsafeMutablePointer<Float>?, _ C: Int, _ scale: Float) {
        let width = FloatVector.scalarCount
        let whole = C - C % width
        var maximum = FloatVector(repeating: -.greatestFiniteMagnitude)
        var c = 0
        while c < whole {
            var z = VectorMath.load(row + c, count: width) * scale
            if let maskRow { z += VectorMath.load(maskRow + c, count: width) }
            maximum = VectorMath.maximum(maximum, z)
            VectorMath.store(z, outRow + c, count: width)
            c += width
        }
        if whole < C {
            let n = C - whole
            var z = VectorMath.load(row + whole, count: n) * scale
            if let maskRow { z += VectorMath.load(maskRow + whole, count: n) }
            z = z.replacing(with: -.greatestFiniteMagnitude, where: VectorMath.lanes(from: n))
            maximum = VectorMath.maximum(maximum, z)
            VectorMath.store(z, outRow + whole, count: n)
        }
        let m = VectorMath.max(maximum)
        var total = FloatVector()
        c = 0
        while c < whole {
            let e = VectorMath.exp(VectorMath.load(outRow + c, count: width) - m)
            total += e
            VectorMath.store(e, outRow + c, count: width)
            c += width
        }
        if whole < C {
            let n = C - whole
            let e = VectorMath.exp(VectorMath.load(outRow + whole, count: n) - m)
                .replacing(with: 0, where: VectorMath.lanes(from: n))
            total += e
            VectorMath.store(e, outRow + whole, count: n)
        }
        let inverse = 1 / VectorMath.sum(total)
        c = 0
        while c < C {
            let n = min(width, C - c)
            VectorMath.store(VectorMath.load(outRow + c, count: n) * inverse, outRow + c, count: n)
            c += width
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
                let s = VectorMath.sum(dot)
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
