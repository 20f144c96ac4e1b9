// `electra benchmark pretrain`: pretraining updates per second, beside the same update in PyTorch.

import ArgumentParser
import Electra
import ElectraNN
import ElectraOptim
import ElectraTensor
import Foundation

public struct PretrainBenchmarkCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "pretrain",
        abstract: "Pretraining throughput (sequences/s) versus the same update in PyTorch/transformers.",
        discussion: """
            One update: masking, generator forward and backward, Gumbel-max sampling, discriminator forward \
            and backward, clipping and a LAMB step, on random ids; rounds alternate with \
            scripts/benchmark_torch_pretrain.py (transformers' models with shared embeddings, AdamW).
            """
    )

    @OptionGroup var options: ModelBenchmarkOptions

    public func run() throws {
        try options.precision.run(measure)
    }

    private func measure() throws {
        let (size, batch, length, repeats, rounds, python) =
            (options.size, options.batch, options.length, options.repeats, options.rounds, options.python)
        let discriminator = size.config
        let generator = discriminator.generator(fraction: ElectraConfig.defaultGeneratorFraction(for: discriminator.hiddenSize))
        var randomness = RandomGenerator(seed: 0)
        let model = PretrainingModel.initialized(discriminator: discriminator, generator: generator, randomness: &randomness)
        let gradients = model.makeGradients()
        let optimizer = Optimizer(settings: .nvidiaLAMB, parameters: model.parameters)
        let step = PretrainingStep(model: model, objective: PretrainingObjective(), batch: batch, length: length)
        var ids = [Int32](repeating: 0, count: batch * length)
        for i in ids.indices { ids[i] = Int32(1000 + randomness.nextInt(below: 29000)) }
        let tokens = TokenBatch(batch: batch, length: length, ids: ids)
        func update(_ index: Int) {
            gradients.parameters.zero()
            _ = step.run(tokens, randomness: RandomGenerator(seed: UInt64(index)), gradients: gradients)
            GlobalNorm.clip(gradients.parameters.tensors, maxNorm: 1)
            optimizer.update(gradients: gradients.parameters, learningRate: 1e-4)
        }
        let reference = PythonReference(python: python, script: "scripts/benchmark_torch_pretrain.py")
        print("electra benchmark pretrain: ELECTRA-\(size.rawValue) (generator hidden \(generator.hiddenSize)), "
              + "\(model.parameters.parameterCount.formatted()) parameters, batch \(batch) × \(length), Float32")
        if reference == nil { print("(transformers not found: pass --python PATH to compare)") }
        update(0)
        var ours = Double.infinity, theirs = Double.infinity, theirMemory = 0.0
        for round in 1...rounds {
            for index in 0..<repeats {
                let start = DispatchTime.now().uptimeNanoseconds
                update(round * 100 + index)
                ours = min(ours, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
            }
            if let reference {
                let result = try reference.run(["--size", size.rawValue, "--batch", String(batch), "--length", String(length),
                                                "--repeats", String(repeats)])
                theirs = min(theirs, result["seconds"] ?? .infinity)
                theirMemory = max(theirMemory, result["peak_rss_bytes"] ?? 0)
            }
        }
        print(String(format: "electra:       %7.1f sequences/s  (%.3f s per update), peak RSS %.0f MiB",
                     Double(batch) / ours, ours, Double(peakResidentBytes()) / 1048576))
        if theirs.isFinite {
            print(String(format: "PyTorch:       %7.1f sequences/s  (%.3f s per update), peak RSS %.0f MiB",
                         Double(batch) / theirs, theirs, theirMemory / 1048576))
            print(String(format: "ratio:         %.2fx (above 1: electra is faster)", theirs / ours))
        }
    }
}
