// LayerNorm over the last dimension, with learned scale and shift (PyTorch's `nn.LayerNorm`).

/// `y = (x − mean) / √(var + eps) · weight + bias`, per row, with the biased variance.
///
/// Legend: `R` rows, `C` columns (the normalised dimension).
public enum LayerNorm {
    /// The default epsilon of BERT and ELECTRA.
    public static let defaultEpsilon: Float = 1e-12

    /// Normalises each row of `x` (`[…, C]`) into `out`, saving each row's `mean` and reciprocal
    /// standard deviation `rstd` (`[R]` each) for the backward pass.
    public static func forward(_ x: Tensor, weight: Tensor, bias: Tensor, epsilon: Float = defaultEpsilon,
                               into out: Tensor, mean: Tensor, rstd: Tensor) {
        let C = x.columns, R = x.rows
        checkShape(weight.count == C && bias.count == C && out.count == x.count && mean.count == R
                   && rstd.count == R, "LayerNorm.forward", x.shape, weight.shape, bias.shape, out.shape)
        let xp = x.pointer, yp = out.pointer, wp = weight.pointer, bp = bias.pointer
        let mp = mean.pointer, sp = rstd.pointer
        Parallel.forEachRange(R, grain: max(1, 8192 / max(C, 1))) { rows in
            for r in rows {
                (mp[r], sp[r]) = normalizeRow(xp + r * C, yp + r * C, wp, bp, C, epsilon)
            }
        }
    }

    /// A post-LN transformer's sublayer output: `sum = (x + denseBias) ⊙ mask + residual`, then
    /// `out = LayerNorm(sum)`, one row at a time while it is in L1 (a dense layer's bias, its
    /// dropout and the residual connection fused with the normalisation). `sum` is kept for the
    /// backward pass, which is `LayerNorm.backward` on `sum` followed by the dropout's.
    /// - Parameters:
    ///   - x: the dense layer's product without its bias, `[R, C]`.
    ///   - denseBias: `[C]`, or `nil`.
    ///   - mask: the dropout's scale factors `[R, C]` (`Dropout.makeMask`), or `nil`.
    public static func forward(residualSumOf x: Tensor, denseBias: Tensor?, mask: Tensor?, residual: Tensor,
                               sum: Tensor, weight: Tensor, bias: Tensor, epsilon: Float = defaultEpsilon,
                               into out: Tensor, mean: Tensor, rstd: Tensor) {
        let C = x.columns, R = x.rows
        checkShape(residual.count == x.count && sum.count == x.count && out.count == x.count
                   && (mask?.count ?? x.count) == x.count && (denseBias?.count ?? C) == C
                   && weight.count == C && bias.count == C && mean.count == R && rstd.count == R,
                   "LayerNorm.forward(residualSumOf:)", x.shape, residual.shape, sum.shape, out.shape)
        let xp = x.pointer, rp = residual.pointer, yp = out.pointer, wp = weight.pointer, bp = bias.pointer
        let sump = sum.pointer, dbp = denseBias?.pointer, kp = mask?.pointer
        let mp = mean.pointer, sp = rstd.pointer
        let width = FloatVector.scalarCount
        Parallel.forEachRange(R, grain: max(1, 8192 / max(C, 1))) { rows in
            for r in rows {
                let offset = r * C
                var c = 0
                while c < C {
                    let n = min(width, C - c)
                    var v = VectorMath.load(xp + offset + c, count: n)
                    if let dbp { v += VectorMath.load(dbp + c, count: n) }
                    if let kp { v *= VectorMath.load(kp + offset + c, count: n) }
                    VectorMath.store(v + VectorMath.load(rp + offset + c, count: n), sump + offset + c, count: n)
                    c += width
                }
                (mp[r], sp[r]) = normalizeRow(sump + offset, yp + offset, wp, bp, C, epsilon)
            }
        }
    }

    /// One row: `out = (row − mean) · rstd · weight + bias`; returns `(mean, rstd)`.
    @inline(__always)
    private static func normalizeRow(_ row: UnsafeMutablePointer<Float>, _ outRow: UnsafeMutablePointer<Float>,
                                     _ wp: UnsafeMutablePointer<Float>, _ bp: UnsafeMutablePointer<Float>,
                                     _ C: Int, _ epsilon: Float) -> (Float, Float) {
        let width = FloatVector.scalarCount
        var sum = FloatVector()
        var c = 0
        while c < C { sum += VectorMath.load(row + c, count: C - c); c += width }
        let mu = VectorMath.sum(sum) / Float(C)
        var squares = FloatVector()
        c = 0
        while c < C {
            let n = min(width, C - c)
            var d = VectorMath.load(row + c, count: n) - mu
            if n < width { d = d.replacing(with: 0, where: VectorMath.lanes(from: n)) }
            squares += d * d
            c += width
        }
        let s = 1 / (VectorMath.sum(squares) / Float(C) + epsilon).squareRoot()
        c = 0
        while c < C {
            let n = min(width, C - c)
            let normalised = (VectorMath.load(row + c, count: n) - mu) * s
            let y = normalised * VectorMath.load(wp + c, count: n) + VectorMath.load(bp + c, count: n)
            VectorMath.store(y, outRow + c, count: n)
            c += width
        }
        return (mu, s)
    }

    /// Accumulates `dX` (or writes it, when `accumulate` is false), `dWeight` and `dBias` from `dOut`.
    ///
    /// With `x̂ = (x − mean)·rstd` and `g = dOut ⊙ weight`, per row:
    /// `dX = rstd · (g − mean(g) − x̂ · mean(g ⊙ x̂))`; `dWeight = Σ_rows dOut ⊙ x̂`,
    /// `dBias = Σ_rows dOut`.
    ///
    /// With `partials` (`[Parallel.threadCount, 2C]`, see `partialsShape`), each thread sums its
    /// rows' parameter gradients there during the single pass over the rows, and the partial sums
    /// are added at the end; without it, a second pass over the columns computes them.
    public static func backward(_ dOut: Tensor, _ x: Tensor, weight: Tensor, mean: Tensor, rstd: Tensor,
                                dX: Tensor, dWeight: Tensor, dBias: Tensor, partials: Tensor? = nil,
                                accumulate: Bool = true) {
        let C = x.columns, R = x.rows
        checkShape(dOut.count == x.count && dX.count == x.count && dWeight.count == C && dBias.count == C
                   && mean.count == R && rstd.count == R && (partials?.count ?? Int.max) >= Parallel.threadCount * 2 * C,
                   "LayerNorm.backward", dOut.shape, x.shape, dX.shape, partials?.shape ?? [])
        partials?.fill(0)
        let gp = dOut.pointer, xp = x.pointer, wp = weight.pointer, mp = mean.pointer, sp = rstd.pointer
        let dxp = dX.pointer, pp = partials?.pointer
        let width = FloatVector.scalarCount
        Parallel.forEachChunk(R, grain: max(1, 8192 / max(C, 1))) { chunk, rows in
            let partialW = pp.map { $0 + chunk * 2 * C }, partialB = partialW.map { $0 + C }
            for r in rows {
                let row = xp + r * C, gRow = gp + r * C, dxRow = dxp + r * C
                let mu = mp[r], s = sp[r]
                var sumG = FloatVector(), sumGX = FloatVector()
                var c = 0
                while c < C {
                    let n = min(width, C - c)
                    let upstream = VectorMath.load(gRow + c, count: n)
                    let normalised = (VectorMath.load(row + c, count: n) - mu) * s
                    let g = upstream * VectorMath.load(wp + c, count: n)
                    sumG += g
                    sumGX += g * normalised
                    if let partialW, let partialB {
                        VectorMath.store(VectorMath.load(partialW + c, count: n) + upstream * normalised, partialW + c, count: n)
                        VectorMath.store(VectorMath.load(partialB + c, count: n) + upstream, partialB + c, count: n)
                    }
                    c += width
                }
                let meanG = VectorMath.sum(sumG) / Float(C), meanGX = VectorMath.sum(sumGX) / Float(C)
                c = 0
                while c < C {
                    let n = min(width, C - c)
                    let g = VectorMath.load(gRow + c, count: n) * VectorMath.load(wp + c, count: n)
                    let normalised = (VectorMath.load(row + c, count: n) - mu) * s
                    let d = s * (g - meanG - normalised * meanGX)
                    VectorMath.store(accumulate ? VectorMath.load(dxRow + c, count: n) + d : d, dxRow + c, count: n)
                    c += width
                }
            }
        }
        let dwp = dWeight.pointer, dbp = dBias.pointer
        if let pp {
            for chunk in 0..<Parallel.threadCount {
                let partialW = pp + chunk * 2 * C, partialB = partialW + C
                for c in 0..<C {
                    dwp[c] += partialW[c]
                    dbp[c] += partialB[c]
                }
            }
            return
        }
        // Without scratch: each thread owns a block of columns and walks all rows.
        let blocks = (C + width - 1) / width
        Parallel.forEachRange(blocks, grain: max(1, 65536 / max(R * width, 1))) { range in
            for block in range {
                let c0 = block * width, n = min(width, C - c0)
                var sumW = FloatVector(), sumB = FloatVector()
                for r in 0..<R {
                    let g = VectorMath.load(gp + r * C + c0, count: n)
                    let normalised = (VectorMath.load(xp + r * C + c0, count: n) - mp[r]) * sp[r]
                    sumW += g * normalised
                    sumB += g
                }
                VectorMath.store(VectorMath.load(dwp + c0, count: n) + sumW, dwp + c0, count: n)
                VectorMath.store(VectorMath.load(dbp + c0, count: n) + sumB, dbp + c0, count: n)
            }
        }
    }

    /// The shape of `backward`'s `partials` for rows of `columns`.
    public static func partialsShape(columns: Int) -> [Int] { [Parallel.threadCount, 2 * columns] }
}
