// `electra benchmark model`: discriminator inference throughput and peak memory, beside
// transformers on PyTorch measured in the same run.

import ArgumentParser
import Electra
import ElectraNN
import ElectraTensor
import Foundation

/// Google's size presets.
enum ModelSize: String, ExpressibleByArgument, CaseIterable, Sendable {
    case small, base, large

    var config: ElectraConfig {
        switch self {
        case .small: return .small
        case .base: return .base
        case .large: return .large
        }
    }
}

public struct ModelBenchmarkCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Discriminator inference (sequences/s, peak memory) versus transformers on PyTorch.",
        discussion: """
            Builds a randomly initialised ELECTRA discriminator of the size preset, times the forward pass \
            on a batch of random ids (best of --repeats per round), and alternates rounds with \
            scripts/benchmark_torch_model.py, which times transformers' ElectraForPreTraining in eval mode \
            on the same shapes. Peak memory is each process's peak resident set size.
            """
    )

    @OptionGroup var options: ModelBenchmarkOptions

    public func run() throws {
        try options.precision.run(measure)
    }

    private func measure() throws {
        let (size, batch, length, repeats, rounds, python) =
            (options.size, options.batch, options.length, options.repeats, options.rounds, options.python)
        var config = size.config
        config.hiddenDropoutProb = 0
        config.attentionProbsDropoutProb = 0
        let store = ParameterStore(layout: ElectraDiscriminator.layout(config))
        var generator = RandomGenerator(seed: 0)
        Initializer.initialize(store, config: config, generator: &generator)
        let model = ElectraDiscriminator(config: config, parameters: store)
        var ids = [Int32](repeating: 0, count: batch * length)
        for i in ids.indices { ids[i] = Int32(1000 + generator.nextInt(below: 29000)) }
        let tokens = TokenBatch(batch: batch, length: length, ids: ids)
        let workspace = ElectraDiscriminator.Workspace(config: config, batch: batch, length: length, training: false)
        let reference = PythonReference(python: python, script: "scripts/benchmark_torch_model.py")
        print("electra benchmark model: ELECTRA-\(size.rawValue) discriminator (\(store.parameterCount.formatted()) parameters), "
              + "batch \(batch) × \(length), inference")
        let ceiling = BenchmarkReport.header(options.precision)
        if reference == nil { print("(transformers not found: pass --python PATH to compare)") }
        _ = model.logits(tokens, workspace)   // warm-up
        let comparison = try InterleavedComparison.run(rounds: rounds, reference: reference, options: options) { _ in
            var best = Double.infinity
            for _ in 0..<repeats {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = model.logits(tokens, workspace)
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
            }
            return best
        }
        comparison.print(batch: batch, flops: MatmulFLOPs.discriminator(config, batch: batch, length: length),
                         ceiling: ceiling, unit: "batch")
    }
}
