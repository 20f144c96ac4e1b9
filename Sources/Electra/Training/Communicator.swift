// Communicator: the processes that train one model together (data parallelism) and the collective
// operations the training loops need from them. `SingleProcess` is the one-process group every run
// uses unless launched by `mpirun`; the MPI implementation lives in `ElectraDistributed`.

import Foundation

/// Why a collective operation failed.
public enum CommunicatorError: Error, CustomStringConvertible, Equatable {
    /// `operation` returned MPI error `code`.
    case failed(operation: String, code: Int32)
    /// The ranks disagree on something they must share (weights, the run's settings).
    case diverged(String)

    public var description: String {
        switch self {
        case .failed(let operation, let code):
            return "\(operation) failed with MPI error \(code): another rank probably stopped; see its message above"
        case .diverged(let reason):
            return reason
        }
    }
}

/// A group of processes (ranks) running the same training loop on different parts of each batch.
///
/// Every rank must make the same calls in the same order (they are collective). Ranks are numbered
/// `0 ..< size`; rank 0 writes checkpoints, logs and exports.
public protocol Communicator: AnyObject {
    /// This process's number, `0 ..< size`.
    var rank: Int { get }
    /// The number of processes.
    var size: Int { get }
    /// Processes of the group on this machine, and this one's number among them.
    var localRank: Int { get }
    var localSize: Int { get }
    /// What carries the group, for the logs ("single process", "Open MPI v4.1.4").
    var name: String { get }

    /// Element-wise sums over all ranks, in place.
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) throws
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) throws
    /// Element-wise sums of bf16 values (the high 16 bits of Float32s) over all ranks, in place.
    func allReduceSumBF16(_ values: UnsafeMutableBufferPointer<UInt16>) throws
    /// Copies `bytes` from rank `root` to every rank.
    func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) throws
    /// Waits until every rank has called it.
    func barrier() throws
    /// Ends every process of the group with exit status `code`.
    func abort(code: Int32) -> Never
}

extension Communicator {
    /// Whether this is rank 0, the one that writes.
    public var isLeader: Bool { rank == 0 }

    /// Sums `values` over all ranks, in place.
    public func allReduceSum(_ values: inout [Double]) throws {
        try values.withUnsafeMutableBufferPointer { try allReduceSum($0) }
    }

    /// Rank `root`'s `value` (a fixed-size plain value), on every rank.
    public func broadcast<T: BitwiseCopyable>(_ value: T, root: Int = 0) throws -> T {
        var copy = value
        try withUnsafeMutableBytes(of: &copy) { try broadcast($0, root: root) }
        return copy
    }
}

/// The group of one process: every collective operation is the identity.
public final class SingleProcess: Communicator {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public var localRank: Int { 0 }
    public var localSize: Int { 1 }
    public var name: String { "single process" }
    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) throws {}
    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) throws {}
    public func allReduceSumBF16(_ values: UnsafeMutableBufferPointer<UInt16>) throws {}
    public func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) throws {}
    public func barrier() throws {}
    public func abort(code: Int32) -> Never { exit(code) }
}
