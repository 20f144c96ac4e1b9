// MPICommunicator: a `Communicator` over Open MPI's MPI_COMM_WORLD, opened at run time (CMPI).

import CMPI
import Electra
import Foundation

/// The ranks of an `mpirun` (or `srun --mpi=pmix`) launch, over Open MPI.
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int
    public let localRank: Int
    public let localSize: Int
    public let name: String

    /// Joins the job's MPI_COMM_WORLD (MPI_Init_thread, once per process).
    /// - Throws: `LaunchError.mpiUnavailable` when Open MPI cannot be opened, `CommunicatorError` when
    ///   MPI fails to start.
    init(launch: Launch) throws {
        try MPILibrary.load()
        var rank: Int32 = 0, size: Int32 = 0
        let status = electra_mpi_init(&rank, &size)
        guard status == 0 else { throw CommunicatorError.failed(operation: "MPI_Init_thread", code: status) }
        self.rank = Int(rank)
        self.size = Int(size)
        localRank = launch.localRank
        localSize = launch.localSize
        name = MPILibrary.version ?? "MPI"
    }

    private func check(_ operation: String, _ status: Int32) throws {
        guard status == 0 else { throw CommunicatorError.failed(operation: operation, code: status) }
    }

    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) throws {
        guard let base = values.baseAddress, values.count > 0 else { return }
        try check("MPI_Allreduce", electra_mpi_allreduce_sum_float(base, values.count))
    }

    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) throws {
        guard let base = values.baseAddress, values.count > 0 else { return }
        try check("MPI_Allreduce", electra_mpi_allreduce_sum_double(base, values.count))
    }

    public func allReduceSumBF16(_ values: UnsafeMutableBufferPointer<UInt16>) throws {
        guard let base = values.baseAddress, values.count > 0 else { return }
        try check("MPI_Allreduce", electra_mpi_allreduce_sum_bf16(base, values.count))
    }

    public func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        try check("MPI_Bcast", electra_mpi_broadcast(base, bytes.count, Int32(root)))
    }

    public func barrier() throws { try check("MPI_Barrier", electra_mpi_barrier()) }

    public func abort(code: Int32) -> Never {
        electra_mpi_abort(code)
        exit(code)
    }

    /// Ends MPI (MPI_Finalize) after the last collective call; without it `mpirun` reports the
    /// process as failed.
    public func finish() {
        _ = electra_mpi_finalize()
    }

    /// Seconds on MPI's clock (MPI_Wtime).
    public var time: Double { electra_mpi_time() }
}

/// Open MPI's shared library, opened with dlopen.
public enum MPILibrary {
    /// Opens libmpi.so.40 (once).
    /// - Throws: `LaunchError.mpiUnavailable` naming the fix.
    public static func load() throws {
        if let reason = unavailableReason { throw LaunchError.mpiUnavailable(reason) }
    }

    /// Why MPI cannot be used here, or nil when it can.
    public static var unavailableReason: String? {
        var message = [CChar](repeating: 0, count: 512)
        if electra_mpi_load(&message, message.count) == 1 { return nil }
        return String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// "Open MPI v4.1.4" (MPI_Get_library_version's first clause), or nil without MPI.
    public static var version: String? {
        guard unavailableReason == nil else { return nil }
        var text = [CChar](repeating: 0, count: 512)
        electra_mpi_library_version(&text, text.count)
        let value = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return value.isEmpty ? nil : value
    }
}
