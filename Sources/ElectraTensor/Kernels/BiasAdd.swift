// BiasAdd: adds a bias vector to every row, and sums rows for its gradient.

/// `x[r, c] += bias[c]` in place.
public enum BiasAdd {
    /// Adds `bias` (`[C]`) to each row of `x` (`[…, C]`) in place.
    public static func forward(_ x: Tensor, bias: Tensor) {
        checkShape(bias.count == x.columns, "BiasAdd.forward", x.shape, bias.shape)
        let columns = x.columns, p = x.pointer, b = bias.pointer
        Parallel.forEachRange(x.rows, grain: max(1, 16384 / max(columns, 1))) { rows in
            for r in rows {
                let row = p + r * columns
                for c in 0..<columns { row[c] += b[c] }
            }
        }
    }

    /// `dBias[c] += Σ_r dOut[r, c]`. The gradient with respect to `x` is `dOut` itself.
    public static func backward(_ dOut: Tensor, dBias: Tensor) {
        checkShape(dBias.count == dOut.columns, "BiasAdd.backward", dOut.shape, dBias.shape)
        ColumnSum.accumulate(dOut, into: dBias)
    }
}

/// Column sums of a `[rows, columns]` matrix, split across threads by column blocks so that no two
/// threads write the same sum.
enum ColumnSum {
    /// `sums[c] += Σ_r x[r, c]`.
    static func accumulate(_ x: Tensor, into sums: Tensor) {
        let columns = x.columns, rows = x.rows, p = x.pointer, s = sums.pointer
        let width = FloatVector.scalarCount
        let blocks = (columns + width - 1) / width
        Parallel.forEachRange(blocks, grain: max(1, 65536 / max(rows * width, 1))) { range in
            for block in range {
                let c0 = block * width, n = min(width, columns - c0)
                var total = FloatVector()
                for r in 0..<rows { total += VectorMath.load(p + r * columns + c0, count: n) }
                VectorMath.store(VectorMath.load(s + c0, count: n) + total, s + c0, count: n)
            }
        }
    }
}
