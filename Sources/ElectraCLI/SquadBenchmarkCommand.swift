// `electra benchmark squad`: fine-tuning and inference speed at SQuAD shapes, beside transformers.

import ArgumentParser
import Electra
import ElectraNN
import ElectraOptim
import ElectraTensor
import Foundation

public struct SquadBenchmarkCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "squad",
        abstract: "Fine-tuning sequences/s at 384, inference latency (batch 1) and throughput (batch 32) versus transformers.",
        discussion: """
            Both sides use Hugging Face's span head (qa_outputs) so that the work is the same; --head joint \
            measures NVIDIA's joint head with beam search instead (the reference still uses qa_outputs).
            """
    )

    @Option(help: "Model size preset: small or base.")
    var size: ModelSize = .small
    @Option(help: "Tokens per sequence.")
    var length = 384
    @Option(help: "Sequences per fine-tuning update.")
    var trainBatch = 8
    @Option(help: "Sequences per inference batch for throughput.")
    var inferenceBatch = 32
    @Option(help: "span or joint.")
    var head: QuestionAnsweringHeadKind = .span
    @Option(help: "Timed repetitions.")
    var repeats = 2
    @Option(help: "Python with torch and transformers (default: .venv-ref/bin/python if present; 'none' to skip).")
    var python: String?

    private func best(_ repeats: Int, _ body: () -> Void) -> Double {
        body()
        var fastest = Double.infinity
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            fastest = min(fastest, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        return fastest
    }

    @OptionGroup var precision: PrecisionOption

    public func run() throws {
        try precision.run(execute)
    }

    private func execute() throws {
        let config = size.config
        let store = ParameterStore(layout: QuestionAnsweringModel.layout(config, kind: head, answerability: false))
        var randomness = RandomGenerator(seed: 0)
        Initializer.initialize(store, config: config, generator: &randomness)
        let model = QuestionAnsweringModel(config: config, kind: head, answerability: false, parameters: store)
        let gradients = model.makeGradients()
        let optimizer = Optimizer(settings: SQuADTrainingSettings().optimizer, parameters: store)   // what `finetune squad` runs
        func batch(_ size: Int) -> TokenBatch {
            TokenBatch(batch: size, length: length, ids: (0..<(size * length)).map { _ in Int32(1000 + randomness.nextInt(below: 29000)) })
        }
        let train = batch(trainBatch), one = batch(1), many = batch(inferenceBatch)
        let pMask = [Float](repeating: 0, count: trainBatch * length)
        let starts = (0..<trainBatch).map { _ in Int32(randomness.nextInt(below: length - 4)) }, ends = starts.map { $0 + 3 }
        let trainWorkspace = ElectraEncoder.Workspace(config: config, batch: trainBatch, length: length, training: true)
        let jointWorkspace = JointHead.Workspace(batch: trainBatch, length: length, hidden: config.hiddenSize)
        let spanWorkspace = SpanHead.Workspace(batch: trainBatch, length: length)
        let dHidden = Tensor(zeros: [trainBatch * length, config.hiddenSize])
        let trainSeconds = best(repeats) {
            var dropout = RandomGenerator(seed: 1)
            let hidden = model.encoder.forward(train, trainWorkspace, generator: &dropout)
            gradients.parameters.zero()
            dHidden.fill(0)
            if head == .joint {
                _ = model.joint!.train(hidden, pMask: pMask, starts: starts, ends: ends, impossible: nil, jointWorkspace,
                                       dHidden: dHidden, gradients: gradients.joint)
            } else {
                _ = model.span!.forward(hidden, batch: trainBatch, length: length, spanWorkspace)
                _ = model.span!.loss(hidden: hidden, starts: starts, ends: ends, batch: trainBatch, length: length, spanWorkspace,
                                     dHidden: dHidden, gradients: gradients.span)
            }
            model.encoder.backward(dHidden, train, trainWorkspace, gradients: gradients.encoder)
            GlobalNorm.clip(gradients.parameters.tensors, maxNorm: 1)
            optimizer.update(gradients: gradients.parameters, learningRate: 1e-4)
        }
        func inference(_ tokens: TokenBatch) -> () -> Void {
            let workspace = ElectraEncoder.Workspace(config: config, batch: tokens.batch, length: length, training: false)
            let spans = SpanHead.Workspace(batch: tokens.batch, length: length)
            let joints = JointHead.Workspace(batch: tokens.batch, length: length, hidden: config.hiddenSize)
            let mask = [Float](repeating: 0, count: tokens.count)
            return {
                var unused = RandomGenerator(seed: 0)
                let hidden = model.encoder.forward(tokens, workspace, generator: &unused)
                if head == .joint { _ = model.joint!.beamSearch(hidden, pMask: mask, beamSize: 5, joints) }
                else { _ = model.span!.forward(hidden, batch: tokens.batch, length: length, spans) }
            }
        }
        let latency = best(repeats * 3, inference(one))
        let throughput = best(repeats, inference(many))
        print("electra benchmark squad: ELECTRA-\(size.rawValue), \(head.rawValue) head, sequences of \(length), Float32")
        print(String(format: "electra:       fine-tuning %6.2f seq/s (batch %d)  latency %6.1f ms (batch 1)  inference %6.2f seq/s (batch %d)",
                     Double(trainBatch) / trainSeconds, trainBatch, latency * 1000, Double(inferenceBatch) / throughput, inferenceBatch))
        if let reference = PythonReference(python: python, script: "scripts/benchmark_torch_squad.py") {
            let r = try reference.run(["--size", size.rawValue, "--length", String(length), "--train-batch", String(trainBatch),
                                       "--inference-batch", String(inferenceBatch), "--repeats", String(repeats)])
            let (t, l, p) = (r["train_seconds"] ?? .nan, r["latency_seconds"] ?? .nan, r["throughput_seconds"] ?? .nan)
            print(String(format: "transformers: fine-tuning %6.2f seq/s            latency %6.1f ms            inference %6.2f seq/s",
                         Double(trainBatch) / t, l * 1000, Double(inferenceBatch) / p))
            print(String(format: "ratios (above 1: electra is faster): fine-tuning %.2fx, latency %.2fx, throughput %.2fx",
                         t / trainSeconds, l / latency, p / throughput))
        } else {
            print("(transformers not found: pass --python PATH to compare)")
        }
    }
}
