// Packs separate query, key and value tensors into attention's fused [B, T, 3C] projection and back.

import ElectraTensor

enum AttentionProjection {
    /// `[B, T, 3C]` with each row `[q | k | v]`.
    static func pack(_ q: Tensor, _ k: Tensor, _ v: Tensor) -> Tensor {
        let (B, T, C) = (q.shape[0], q.shape[1], q.shape[2])
        let out = Tensor(zeros: [B, T, 3 * C])
        for row in 0..<(B * T) {
            for (part, x) in [q, k, v].enumerated() {
                (out.pointer + row * 3 * C + part * C).update(from: x.pointer + row * C, count: C)
            }
        }
        return out
    }

    /// The three `[B, T, C]` parts of a packed projection (or of its gradient).
    static func unpack(_ x: Tensor) -> (Tensor, Tensor, Tensor) {
        let (B, T, C) = (x.shape[0], x.shape[1], x.shape[2] / 3)
        let parts = (0..<3).map { _ in Tensor(zeros: [B, T, C]) }
        for row in 0..<(B * T) {
            for part in 0..<3 {
                (parts[part].pointer + row * C).update(from: x.pointer + row * 3 * C + part * C, count: C)
            }
        }
        return (parts[0], parts[1], parts[2])
    }
}
