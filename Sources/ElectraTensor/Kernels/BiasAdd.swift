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

/// Column sums of a `[rows, columns]` matrix.
///
/// Threads split the columns into contiguous ranges (so no two threads write the same sum, and the
/// result does not depend on the thread count). Each range is summed in tiles of up to 1024 columns:
/// rows outer, four at a time, columns inner in vectors, into a tile of partial sums that stays in
/// the L1 cache, so the matrix is read row by row in long contiguous runs rather than down the
/// columns. Each column's sum adds the rows in groups of four, `(x₀ + x₁) + (x₂ + x₃)`, in row order.
enum ColumnSum {
    /// Columns per tile of partial sums (4 KiB).
    static let tileVectors = 64

    /// `sums[c] += Σ_r x[r, c]`.
    static func accumulate(_ x: Tensor, into sums: Tensor) {
        let columns = x.columns, rows = x.rows, p = x.pointer, s = sums.pointer
        let width = FloatVector.scalarCount
        let vectors = (columns + width - 1) / width
        Parallel.forEachRange(vectors, grain: max(1, 65536 / max(rows * width, 1))) { range in
            withUnsafeTemporaryAllocation(of: FloatVector.self, capacity: tileVectors) { tile in
                var first = range.lowerBound * width
                let end = min(columns, range.upperBound * width)
                while first < end {
                    let last = min(end, first + tileVectors * width)
                    sumTile(p, rows: rows, columns: columns, first..<last, into: s, scratch: tile.baseAddress!)
                    first = last
                }
            }
        }
    }

    /// `s[c] += Σ_r x[r, c]` for `c` in `range` (at most `tileVectors` vectors wide), with partial
    /// sums of the whole vectors in `scratch` and of the last few columns in a register.
    @inline(__always)
    private static func sumTile(_ x: UnsafeMutablePointer<Float>, rows: Int, columns: Int, _ range: Range<Int>,
                                into s: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<FloatVector>) {
        let width = FloatVector.scalarCount
        let full = range.count / width, tailStart = range.lowerBound + full * width
        let tailCount = range.upperBound - tailStart
        scratch.initialize(repeating: FloatVector(), count: full)
        var tail = FloatVector()
        @inline(__always) func load(_ pointer: UnsafeMutablePointer<Float>) -> FloatVector {
            UnsafeRawPointer(pointer).loadUnaligned(as: FloatVector.self)
        }
        var r = 0
        while r + 4 <= rows {
            let a = x + r * columns + range.lowerBound
            let b = a + columns, c = b + columns, d = c + columns
            for v in 0..<full {
                let o = v * width
                scratch[v] += (load(a + o) + load(b + o)) + (load(c + o) + load(d + o))
            }
            for j in 0..<tailCount {
                let o = full * width + j
                tail[j] += (a[o] + b[o]) + (c[o] + d[o])
            }
            r += 4
        }
        while r < rows {
            let a = x + r * columns + range.lowerBound
            for v in 0..<full { scratch[v] += load(a + v * width) }
            for j in 0..<tailCount { tail[j] += a[full * width + j] }
            r += 1
        }
        for v in 0..<full {
            let o = range.lowerBound + v * width
            VectorMath.store(VectorMath.load(s + o, count: width) + scratch[v], s + o, count: width)
        }
        for j in 0..<tailCount { s[tailStart + j] += tail[j] }
    }
}
