// `electra doctor`: what this build runs on, and what to fix when it runs slowly.

import ArgumentParser
import ElectraTensor
import Foundation

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Report the toolchain, build, BLAS, threads and CPU features, with fixes for slow set-ups."
    )

    func run() throws {
        var warnings: [String] = []
        let environment = ProcessInfo.processInfo.environment
        print("electra doctor")
        print("  swift compiler     \(SystemInfo.compilerVersion)")
        print("  build              \(SystemInfo.buildConfiguration), vector code for \(SystemInfo.vectorTarget)")
        print("  processor          \(SystemInfo.processorName ?? "unknown"), \(SystemInfo.processorCount) logical cores")
        let features = SystemInfo.features.map { "\($0.name) \($0.present ? "yes" : "no")" }
        print("  cpu features       \(features.joined(separator: ", "))")
        print("  blas               \(BLAS.libraryName)\(BLAS.configuration.map { " (\($0))" } ?? "")")
        if let core = BLAS.coreName {
            let requested = environment["OPENBLAS_CORETYPE"].map { "OPENBLAS_CORETYPE=\($0)" } ?? "OPENBLAS_CORETYPE unset"
            print("  blas kernels       \(core) (\(requested))")
        }
        print("  blas threads       \(BLAS.threadCount)")
        print("  kernel threads     \(Parallel.threadCount)\(environment["ELECTRA_NUM_THREADS"] == nil ? "" : " (ELECTRA_NUM_THREADS)")")

        if let warning = SystemInfo.blasWarning { warnings.append(warning) }
        if SystemInfo.buildConfiguration == "debug" {
            warnings.append("This is a debug build; kernels run 10-50x slower. Build with `swift build -c release` "
                + "or use scripts/demo.sh.")
        }
        if SystemInfo.isBaselineBuild && (SystemInfo.has("AVX2") || SystemInfo.has("AVX-512F")) {
            warnings.append("The Swift code was compiled for baseline x86-64 (SSE2) although this processor has "
                + "wider vectors; element-wise kernels run several times slower. Build through scripts/build.sh, "
                + "which passes -target-cpu for this processor.")
        }
        if warnings.isEmpty {
            print("ok: no problems found")
        } else {
            for warning in warnings { print("warning: \(warning)") }
        }
    }
}
