// `electra benchmark`: performance measurements, each beside the machine's measured ceiling and,
// where the PyTorch reference is installed, beside PyTorch on the same shapes in the same run.

import ArgumentParser

public struct BenchmarkCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Measure kernel and model speed against the machine's ceilings and PyTorch.",
        subcommands: [KernelBenchmarkCommand.self, TokenizerBenchmarkCommand.self, ModelBenchmarkCommand.self, PretrainBenchmarkCommand.self, SquadBenchmarkCommand.self, AllReduceBenchmarkCommand.self]
    )
}
