// GradientReducer: sums a gradient store over the ranks of a data-parallel group, in buckets,
// optionally sent as bf16 (as NVIDIA's --fp16_compression sends fp16), and checks that the ranks
// still hold the same weights.

import ElectraData
import ElectraTensor
import Foundation

/// How gradients travel between ranks.
public enum AllReducePrecision: String, Codable, CaseIterable, Sendable {
    /// Float32: the sum is the single-process one up to the order of additions.
    case fp32
    /// bfloat16 (round to nearest even) on the wire: half the bytes; each partial sum is rounded to
    /// bf16, so the update differs from the single-process one by bf16's relative 2⁻⁸ per gradient.
    case bf16
}

/// Sums gradient stores over a `Communicator`'s ranks.
public final class GradientReducer {
    public let communicator: Communicator
    public let precision: AllReducePrecision
    /// Floats per all-reduce call (NVIDIA's Horovod fuses tensors into 64 MB buffers; smaller buckets
    /// start sooner, larger ones pay the latency less often).
    public let bucketElements: Int
    private var packed: [UInt16]

    public init(communicator: Communicator, precision: AllReducePrecision = .fp32, bucketElements: Int = 4 << 20) {
        precondition(bucketElements >= 1, "GradientReducer: buckets must hold at least one element")
        self.communicator = communicator
        self.precision = precision
        self.bucketElements = bucketElements
        packed = precision == .bf16 ? [UInt16](repeating: 0, count: bucketElements) : []
    }

    /// Replaces every element of `store` by its sum over all ranks (nothing to do on one rank).
    public func sum(_ store: ParameterStore) throws {
        guard communicator.size > 1 else { return }
        let base = store.flat.pointer, count = store.flat.count
        var start = 0
        while start < count {
            let n = min(bucketElements, count - start)
            let bucket = UnsafeMutableBufferPointer(start: base + start, count: n)
            switch precision {
            case .fp32:
                try communicator.allReduceSum(bucket)
            case .bf16:
                try packed.withUnsafeMutableBufferPointer { wire in
                    let part = UnsafeMutableBufferPointer(rebasing: wire[0..<n])
                    for i in 0..<n { part[i] = BFloat16Bits.round(bucket[i]) }
                    try communicator.allReduceSumBF16(part)
                    for i in 0..<n { bucket[i] = BFloat16Bits.float(part[i]) }
                }
            }
            start += n
        }
    }

    /// Throws `CommunicatorError.diverged` on every rank unless all ranks hold bit-identical `store`s
    /// (an XXH64 of the bytes, rank 0's broadcast and compared, mismatches counted over all ranks).
    /// `what` and `step` go into the message.
    public func checkReplicas(_ store: ParameterStore, what: String, step: Int) throws {
        guard communicator.size > 1 else { return }
        let bytes = UnsafeRawBufferPointer(start: store.flat.pointer, count: store.flat.count * MemoryLayout<Float>.size)
        let local = XXHash64.hash(bytes)
        let leader = try communicator.broadcast(local, root: 0)
        var mismatches = [local == leader ? 0.0 : 1.0]
        try communicator.allReduceSum(&mismatches)
        if mismatches[0] > 0 {
            throw CommunicatorError.diverged(
                "the ranks' \(what) drifted apart at update \(step): \(Int(mismatches[0])) of \(communicator.size) ranks differ from rank 0"
                    + (local == leader ? "" : " (this rank, \(communicator.rank), is one)")
                    + "; resume from the last checkpoint, and report it if it happens again")
        }
    }
}

/// bfloat16 as the high 16 bits of a Float32.
enum BFloat16Bits {
    /// Rounded to nearest, ties to even; NaN stays NaN.
    @inline(__always)
    static func round(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x40 }
        return UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
    }

    @inline(__always)
    static func float(_ bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }
}
