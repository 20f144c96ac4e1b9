// `electra doctor`: what this build runs on, and what to fix when it runs slowly.

import ArgumentParser
import ElectraDistributed
import ElectraTensor
import Foundation

public struct DoctorCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Report the toolchain, build, BLAS, threads and CPU features, with fixes for slow set-ups."
    )

    public func run() throws {
        let (lines, warnings) = Self.report(environment: ProcessInfo.processInfo.environment)
        print("electra doctor")
        for line in lines { print("  " + line) }
        if warnings.isEmpty {
            print("ok: no problems found")
        } else {
            for warning in warnings { print("warning: \(warning)") }
        }
    }

    /// The report's lines (`label  value`) and its warnings, each warning with its fix.
    static func report(environment: [String: String]) -> (lines: [String], warnings: [String]) {
        func line(_ label: String, _ value: String) -> String {
            label.padding(toLength: 18, withPad: " ", startingAt: 0) + " " + value
        }
        var lines: [String] = []
        lines.append(line("swift compiler", SystemInfo.compilerVersion))
        lines.append(line("build", "\(SystemInfo.buildConfiguration), vector code for \(SystemInfo.vectorTarget)"))
        lines.append(line("processor", "\(SystemInfo.processorName ?? "unknown"), \(SystemInfo.processorCount) logical cores"))
        lines.append(line("cpu features", SystemInfo.features.map { "\($0.name) \($0.present ? "yes" : "no")" }
            .joined(separator: ", ")))
        lines.append(line("blas", BLAS.libraryName + (BLAS.configuration.map { " (\($0))" } ?? "")))
        if let core = BLAS.coreName {
            let requested = environment["OPENBLAS_CORETYPE"].map { "OPENBLAS_CORETYPE=\($0)" } ?? "OPENBLAS_CORETYPE unset"
            lines.append(line("blas kernels", "\(core) (\(requested))"))
        }
        lines.append(line("blas threads", String(BLAS.threadCount)))
        let bf16 = BF16Backend.status
        lines.append(line("bf16 products", bf16.available
            ? "oneDNN \(BF16Backend.version ?? "?"), kernel \(BF16Backend.kernel ?? "?") (used by --precision bf16)"
            : "unavailable: \(bf16.reason); --precision bf16 runs in fp32"))
        lines.append(line("kernel threads", String(Parallel.threadCount)
            + (environment["ELECTRA_NUM_THREADS"] == nil ? "" : " (ELECTRA_NUM_THREADS)")))
        let mpiVersion = MPILibrary.version
        lines.append(line("mpi", mpiVersion.map { "\($0) (libmpi.so.40): mpirun -np N electra pretrain | finetune squad" }
            ?? "unavailable: \(MPILibrary.unavailableReason ?? "no version"); electra runs as one process"))
        let launch = Launch(environment: environment)
        if launch.isDistributed {
            lines.append(line("mpi rank", "\(launch.rank) of \(launch.size), \(launch.localRank) of \(launch.localSize) on this machine, "
                + "\(launch.threadsPerRank(environment: environment, cores: SystemInfo.processorCount)) threads"))
        }

        var warnings: [String] = []
        if let warning = SystemInfo.blasWarning { warnings.append(warning) }
        if !bf16.available && (SystemInfo.has("AVX512-BF16") || SystemInfo.has("AMX-BF16")) {
            warnings.append("This processor has bf16 instructions but \(bf16.reason); install Debian's libdnnl2 "
                + "(`apt-get install libdnnl-dev`, which scripts/env.sh does when run as root) for --precision bf16.")
        }
        if mpiVersion == nil && launch.isDistributed {
            warnings.append("This process was started by an MPI launcher but Open MPI cannot be opened; install it on every "
                + "machine of the job (`apt-get install openmpi-bin`).")
        }
        if SystemInfo.buildConfiguration == "debug" {
            warnings.append("This is a debug build; kernels run 10-50x slower. Build with scripts/build.sh "
                + "(or `swift build -c release`).")
        }
        if SystemInfo.isBaselineBuild && (SystemInfo.has("AVX2") || SystemInfo.has("AVX-512F")) {
            warnings.append("The Swift code was compiled for baseline x86-64 (SSE2) although this processor has "
                + "wider vectors; element-wise kernels run several times slower. Build with scripts/build.sh, "
                + "which passes -target-cpu for this processor.")
        }
        return (lines, warnings)
    }
}
