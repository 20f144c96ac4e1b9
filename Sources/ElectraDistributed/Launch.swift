// Launch: how this process was started (alone, or as one rank of an MPI job), read from the
// environment the launcher sets, and the thread counts a rank should use.

import Electra
import ElectraTensor
import Foundation

/// Why a data-parallel launch cannot go on.
public enum LaunchError: Error, CustomStringConvertible, Equatable {
    /// Started by mpirun (or srun) but MPI could not be opened.
    case mpiUnavailable(String)

    public var description: String {
        switch self {
        case .mpiUnavailable(let reason):
            return "this process was started as one rank of an MPI job, but \(reason); install Open MPI on every machine "
                + "of the job (`apt-get install openmpi-bin` on Debian) or run electra without mpirun"
        }
    }
}

/// What the launcher told this process about the job.
public struct Launch: Equatable, Sendable {
    /// Ranks in the job (1: not launched by MPI).
    public var size: Int
    public var rank: Int
    /// Ranks on this machine, and this one's number among them.
    public var localSize: Int
    public var localRank: Int

    /// Reads Open MPI's variables (`OMPI_COMM_WORLD_SIZE`, `_RANK`, `_LOCAL_SIZE`, `_LOCAL_RANK`),
    /// which mpirun sets; under `srun --mpi=pmix` (PMIx's `PMIX_RANK` set) Slurm's task counts. The
    /// group's real size and this rank's number come from MPI once joined; these only decide whether
    /// to join and how many threads to take.
    public init(environment: [String: String]) {
        func value(_ names: String...) -> Int? {
            for name in names { if let text = environment[name], let number = Int(text) { return number } }
            return nil
        }
        let slurmTasks = environment["PMIX_RANK"] != nil ? value("SLURM_NTASKS", "SLURM_NPROCS") : nil
        size = max(1, value("OMPI_COMM_WORLD_SIZE", "PMI_SIZE") ?? slurmTasks ?? 1)
        rank = value("OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK") ?? 0
        localSize = max(1, value("OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS") ?? (size == 1 ? 1 : Launch.slurmTasksHere(environment) ?? 1))
        localRank = value("OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", "SLURM_LOCALID") ?? 0
    }

    /// This process's launch.
    public static var current: Launch { Launch(environment: ProcessInfo.processInfo.environment) }

    /// Whether an MPI launcher started this process as one rank of several.
    public var isDistributed: Bool { size > 1 }

    /// Slurm's tasks on this node (`SLURM_TASKS_PER_NODE` such as "2(x3)" or "4,2" is per node; the
    /// node's own count when all nodes agree).
    static func slurmTasksHere(_ environment: [String: String]) -> Int? {
        guard let text = environment["SLURM_TASKS_PER_NODE"] else { return nil }
        let counts = text.split(separator: ",").compactMap { Int($0.prefix { $0.isNumber }) }
        guard let first = counts.first, counts.allSatisfy({ $0 == first }) else { return nil }
        return first
    }

    /// Threads each rank should use: `ELECTRA_NUM_THREADS` when set, otherwise this machine's cores
    /// shared among its ranks (at least one).
    public func threadsPerRank(environment: [String: String], cores: Int) -> Int {
        if let text = environment["ELECTRA_NUM_THREADS"], let value = Int(text), value > 0 { return value }
        return max(1, cores / localSize)
    }

    /// For a rank of an MPI job, sets every thread pool to this rank's share of the cores before any
    /// of them starts: our kernels' (`ELECTRA_NUM_THREADS`), OpenBLAS's (now, and
    /// `OPENBLAS_NUM_THREADS`) and oneDNN's OpenMP (`OMP_NUM_THREADS`), each unless already set. Must
    /// run before the first kernel (the start of `main`). Does nothing for a process on its own.
    public func configureThreads() {
        guard isDistributed else { return }
        let environment = ProcessInfo.processInfo.environment
        let threads = threadsPerRank(environment: environment, cores: SystemInfo.processorCount)
        for name in ["ELECTRA_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"] where environment[name] == nil {
            setenv(name, String(threads), 0)
        }
        BLAS.setThreadCount(Int(environment["OPENBLAS_NUM_THREADS"] ?? "") ?? threads)
    }

    /// The group this process trains in: `SingleProcess` unless launched as a rank of an MPI job.
    /// - Throws: `LaunchError.mpiUnavailable` when launched by MPI but Open MPI cannot be opened.
    public func join() throws -> Communicator {
        guard isDistributed else { return SingleProcess() }
        return try MPICommunicator(launch: self)
    }
}
