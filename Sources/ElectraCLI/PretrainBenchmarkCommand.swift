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
              + "\(model.parameters.parameterCount.formatted()) parameters, batch \(batch) × \(length), "
              + "generator head at \(step.maskedRowCapacity) masked rows")
        let ceiling = BenchmarkReport.header(options.precision)
        if reference == nil { print("(transformers not found: pass --python PATH to compare)") }
        update(0)
        let flops = MatmulFLOPs.pretrainingUpdate(discriminator: discriminator, generator: generator, batch: batch,
                                                  length: length, maskedRows: step.maskedRowCapacity)
        let comparison = try InterleavedComparison.run(rounds: rounds, reference: reference, options: options) { round in
            var best = Double.infinity
            for index in 0..<repeats {
                let start = DispatchTime.now().uptimeNanoseconds
                update(round * 100 + index)
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
            }
            return best
        }
        comparison.print(batch: batch, flops: flops, ceiling: ceiling, unit: "update")
    }
}
