// NaiveReference: the kernels written the obvious way, in Double, to check the fast Float versions.

import Foundation

enum NaiveReference {
    /// `op(a)·op(b)`; `a` is `[m,k]` (or `[k,m]` transposed), `b` is `[k,n]` (or `[n,k]`).
    static func matmul(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int, transposeA: Bool, transposeB: Bool) -> [Double] {
        var out = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let x = transposeA ? a[p * m + i] : a[i * k + p]
                    let y = transposeB ? b[j * k + p] : b[p * n + j]
                    sum += x * y
                }
                out[i * n + j] = sum
            }
        }
        return out
    }

    static func layerNorm(_ x: [Double], _ w: [Double], _ b: [Double], columns C: Int, epsilon: Double) -> [Double] {
        var out = x
        for r in 0..<(x.count / C) {
            let row = Array(x[(r * C)..<((r + 1) * C)])
            let mean = row.reduce(0, +) / Double(C)
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(C)
            for c in 0..<C { out[r * C + c] = (row[c] - mean) / (variance + epsilon).squareRoot() * w[c] + b[c] }
        }
        return out
    }

    static func gelu(_ x: [Double]) -> [Double] { x.map { 0.5 * $0 * (1 + erf($0 / 2.0.squareRoot())) } }

    static func softmax(_ x: [Double], columns C: Int, scale: Double, mask: [Double]?, maskRows: Int) -> [Double] {
        var out = x
        let rows = x.count / C
        for r in 0..<rows {
            let m = r / (rows / maskRows)
            let z = (0..<C).map { scale * x[r * C + $0] + (mask?[m * C + $0] ?? 0) }
            let top = z.max()!
            let e = z.map { exp($0 - top) }
            let total = e.reduce(0, +)
            for c in 0..<C { out[r * C + c] = e[c] / total }
        }
        return out
    }

    /// Multi-head attention on `[B, T, C]` inputs with an additive `[B, T]` key mask; `keep`
    /// (`[B, NH, T, T]`) multiplies the probabilities, as dropout does.
    static func attention(_ q: [Double], _ k: [Double], _ v: [Double], mask: [Double]?, keep: [Double]? = nil,
                          B: Int, T: Int, C: Int, heads NH: Int) -> [Double] {
        let HS = C / NH
        var out = [Double](repeating: 0, count: B * T * C)
        for b in 0..<B {
            for h in 0..<NH {
                for i in 0..<T {
                    var scores = [Double](repeating: 0, count: T)
                    for j in 0..<T {
                        var s = 0.0
                        for d in 0..<HS { s += q[(b * T + i) * C + h * HS + d] * k[(b * T + j) * C + h * HS + d] }
                        scores[j] = s / Double(HS).squareRoot() + (mask?[b * T + j] ?? 0)
                    }
                    let top = scores.max()!
                    let e = scores.map { exp($0 - top) }
                    let total = e.reduce(0, +)
                    for d in 0..<HS {
                        var s = 0.0
                        for j in 0..<T {
                            let factor = keep?[((b * NH + h) * T + i) * T + j] ?? 1
                            s += e[j] / total * factor * v[(b * T + j) * C + h * HS + d]
                        }
                        out[(b * T + i) * C + h * HS + d] = s
                    }
                }
            }
        }
        return out
    }

    static func crossEntropy(_ logits: [Double], targets: [Int32], vocabulary V: Int) -> Double {
        var total = 0.0, count = 0
        for (r, target) in targets.enumerated() where target != -100 {
            let row = logits[(r * V)..<((r + 1) * V)]
            let top = row.max()!
            let lse = top + log(row.map { exp($0 - top) }.reduce(0, +))
            total += lse - logits[r * V + Int(target)]
            count += 1
        }
        return total / Double(count)
    }

    static func binaryCrossEntropy(_ x: [Double], labels: [Double], weights: [Double]) -> Double {
        var total = 0.0, weight = 0.0
        for i in 0..<x.count {
            let p = 1 / (1 + exp(-x[i]))
            total += weights[i] * -(labels[i] * log(p) + (1 - labels[i]) * log(1 - p))
            weight += weights[i]
        }
        return total / weight
    }
}
