// Embedding: row lookup by token id, and the scatter-add of its gradient.

/// `out[i] = table[ids[i]]`.
public enum Embedding {
    /// Gathers rows of `table` (`[V, C]`) for `ids` into `out` (`[N, C]`, any leading shape).
    public static func forward(ids: [Int32], table: Tensor, into out: Tensor) {
        let C = table.columns, V = table.rows
        checkShape(out.count == ids.count * C, "Embedding.forward", [ids.count], table.shape, out.shape)
        let tp = table.pointer, op = out.pointer
        ids.withUnsafeBufferPointer { idp in
            Parallel.forEachRange(ids.count, grain: max(1, 16384 / max(C, 1))) { range in
                for i in range {
                    let id = Int(idp[i])
                    precondition(id >= 0 && id < V, "Embedding: id \(id) outside the table's \(V) rows")
                    (op + i * C).update(from: tp + id * C, count: C)
                }
            }
        }
    }

    /// `dTable[ids[i]] += dOut[i]` for every `i`. Repeated ids add up. Threads split the columns,
    /// so two threads never write the same element. Rows of `paddingId` get no gradient, as with
    /// PyTorch's `nn.Embedding(padding_idx:)`.
    public static func backward(_ dOut: Tensor, ids: [Int32], dTable: Tensor, paddingId: Int32? = nil) {
        let C = dTable.columns
        checkShape(dOut.count == ids.count * C, "Embedding.backward", dOut.shape, [ids.count], dTable.shape)
        let gp = dOut.pointer, dp = dTable.pointer
        let width = FloatVector.scalarCount
        let blocks = (C + width - 1) / width
        ids.withUnsafeBufferPointer { idp in
            Parallel.forEachRange(blocks, grain: max(1, 65536 / max(ids.count * width, 1))) { range in
                for block in range {
                    let c0 = block * width, n = min(width, C - c0)
                    for i in 0..<idp.count where idp[i] != paddingId {
                        let target = dp + Int(idp[i]) * C + c0
                        let sum = VectorMath.load(target, count: n) + VectorMath.load(gp + i * C + c0, count: n)
                        VectorMath.store(sum, target, count: n)
                    }
                }
            }
        }
    }
}
