// `electra benchmark kernels`: GFLOP/s of the matrix products and GB/s of the element-wise kernels at
// ELECTRA's shapes, beside a large GEMM and a large memory copy measured in the same rounds.

import ArgumentParser
import ElectraTensor
import Foundation

public struct KernelBenchmarkCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "Kernel throughput at ELECTRA shapes versus the machine's GEMM and memory-copy ceilings.",
        discussion: """
            Every item runs once per round; rounds interleave all items (and PyTorch, when found), and \
            each item reports its best round, so a slow minute on a shared machine hits all alike. \
            Byte counts are the bytes a kernel must read and write; a copy of N bytes moves 2N.
            """
    )

    @Option(help: "Tokens per batch (batch size × sequence length).")
    var tokens = 4096

    @Option(help: "Interleaved measurement rounds; each item reports its best.")
    var rounds = 5

    @Option(name: [.customLong("python"), .customLong("torch-python")],
            help: "Python with torch for the side-by-side reference (default: .venv-ref/bin/python if present; 'none' to skip).")
    var python: String?

    public func validate() throws {
        guard tokens >= 128 && tokens % 128 == 0 else {
            throw ValidationError("--tokens must be a positive multiple of 128 (sequences of 128 tokens), got \(tokens)")
        }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
    }

    public func run() throws {
        let items = KernelBenchmark.items(tokens: tokens)
        let torch = PythonReference(python: python, script: "scripts/benchmark_torch_kernels.py")
        print("electra benchmark kernels: \(tokens) tokens, best of \(rounds) interleaved rounds, "
              + "BLAS \(BLAS.libraryName) \(BLAS.coreName ?? "") × \(BLAS.threadCount) threads, "
              + "kernels × \(Parallel.threadCount) threads, vector code \(SystemInfo.vectorTarget)")
        if let warning = SystemInfo.blasWarning { print("warning: \(warning)") }
        if torch == nil { print("(PyTorch reference not found: pass --python PATH to compare)") }

        var best = [Double](repeating: .infinity, count: items.count)
        var torchBest: [String: Double] = [:]
        for round in 1...rounds {
            for (index, item) in items.enumerated() {
                best[index] = min(best[index], item.measure())
            }
            if let torch {
                for (name, seconds) in try torch.run(["--tokens", String(tokens)]) {
                    torchBest[name] = min(torchBest[name] ?? .infinity, seconds)
                }
            }
            FileHandle.standardError.write("round \(round)/\(rounds) done\n".data(using: .utf8)!)
        }
        KernelBenchmark.printReport(items: items, seconds: best, torchSeconds: torchBest)
    }
}
