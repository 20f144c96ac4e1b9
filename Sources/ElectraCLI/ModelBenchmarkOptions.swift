// ModelBenchmarkOptions: the options `benchmark model` and `benchmark pretrain` share.

import ArgumentParser

struct ModelBenchmarkOptions: ParsableArguments {
    @Option(help: "Model size preset: \(ModelSize.allCases.map(\.rawValue).joined(separator: ", ")).")
    var size: ModelSize = .small

    @Option(help: "Sequences per batch.")
    var batch = 32

    @Option(help: "Tokens per sequence.")
    var length = 128

    @Option(help: "Timed repetitions per round.")
    var repeats = 3

    @Option(help: "Interleaved rounds.")
    var rounds = 2

    @OptionGroup var precision: PrecisionOption

    @Option(help: "Python with torch and transformers (default: .venv-ref/bin/python if present; 'none' to skip).")
    var python: String?

    func validate() throws {
        guard batch >= 1, length >= 2, length <= 512 else { throw ValidationError("--batch must be ≥ 1 and --length in 2...512") }
        guard repeats >= 1, rounds >= 1 else { throw ValidationError("--repeats and --rounds must be at least 1") }
    }
}
