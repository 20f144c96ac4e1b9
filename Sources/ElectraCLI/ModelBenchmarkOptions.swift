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

    @Flag(help: "Also time PyTorch under torch.compile (an extra column; slow to start).")
    var compile = false

    @Option(help: "Python with torch and transformers (default: .venv-ref/bin/python if present; 'none' to skip).")
    var python: String?

    /// The reference script's arguments for one variant (`compiled`: under torch.compile).
    func referenceArguments(compiled: Bool) -> [String] {
        ["--size", size.rawValue, "--batch", String(batch), "--length", String(length), "--repeats", String(repeats),
         "--precision", precision.precision.rawValue] + (compiled ? ["--compile"] : [])
    }

    func validate() throws {
        guard batch >= 1, length >= 2, length <= 512 else { throw ValidationError("--batch must be ≥ 1 and --length in 2...512") }
        guard repeats >= 1, rounds >= 1 else { throw ValidationError("--repeats and --rounds must be at least 1") }
    }
}
