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
    @Option(help: "Timed repetitions per round.")
    var repeats = 2
    @Option(help: "Interleaved rounds (ours, then PyTorch's).")
    var rounds = 2
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

    @Flag(help: "Also time PyTorch under torch.compile (an extra column; slow to start).")
    var compile = false

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
        let trainUpdate = {
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
        let inferOne = inference(one), inferMany = inference(many)
        let reference = PythonReference(python: python, script: "scripts/benchmark_torch_squad.py")
        print("electra benchmark squad: ELECTRA-\(size.rawValue), \(head.rawValue) head, sequences of \(length)")
        let ceiling = BenchmarkReport.header(precision)
        var ours = (train: Double.infinity, latency: Double.infinity, throughput: Double.infinity)
        var theirs = ours, compiled = ours, theirPeak = 0.0, compileFailure: String?
        func keepBest(_ r: [String: Double], into times: inout (train: Double, latency: Double, throughput: Double)) {
            times.train = min(times.train, r["train_seconds"] ?? .infinity)
            times.latency = min(times.latency, r["latency_seconds"] ?? .infinity)
            times.throughput = min(times.throughput, r["throughput_seconds"] ?? .infinity)
        }
        let arguments = ["--size", size.rawValue, "--length", String(length), "--train-batch", String(trainBatch),
                         "--inference-batch", String(inferenceBatch), "--repeats", String(repeats),
                         "--precision", precision.precision.rawValue]
        for _ in 1...rounds {
            ours.train = min(ours.train, best(repeats, trainUpdate))
            ours.latency = min(ours.latency, best(repeats * 3, inferOne))
            ours.throughput = min(ours.throughput, best(repeats, inferMany))
            guard let reference else { continue }
            let r = try reference.run(arguments)
            keepBest(r, into: &theirs)
            theirPeak = max(theirPeak, r["peak_rss_bytes"] ?? 0)
            if compile && compileFailure == nil {
                do { keepBest(try reference.run(arguments + ["--compile"]), into: &compiled) }
                catch { compileFailure = "\(error)" }
            }
        }
        let trainFLOPs = 3 * MatmulFLOPs.questionAnswering(config, batch: trainBatch, length: length)
        let inferenceFLOPs = MatmulFLOPs.questionAnswering(config, batch: inferenceBatch, length: length)
        let peak = Double(peakResidentBytes())
        print("fine-tuning, batch \(trainBatch):")
        print(BenchmarkReport.line("  electra", sequences: trainBatch, seconds: ours.train, flops: trainFLOPs, ceiling: ceiling,
                                   peakBytes: nil))
        if theirs.train.isFinite {
            print(BenchmarkReport.line("  PyTorch", sequences: trainBatch, seconds: theirs.train, flops: trainFLOPs,
                                       ceiling: ceiling, peakBytes: nil))
            print("  " + BenchmarkReport.ratio(ours.train, theirs.train, against: "PyTorch"))
        }
        if compiled.train.isFinite {
            print(BenchmarkReport.line("  torch.compile", sequences: trainBatch, seconds: compiled.train, flops: trainFLOPs,
                                       ceiling: ceiling, peakBytes: nil))
            print("  " + BenchmarkReport.ratio(ours.train, compiled.train, against: "torch.compile"))
        }
        print("inference, batch \(inferenceBatch):")
        print(BenchmarkReport.line("  electra", sequences: inferenceBatch, seconds: ours.throughput, flops: inferenceFLOPs,
                                   ceiling: ceiling, peakBytes: nil, unit: "batch"))
        if theirs.throughput.isFinite {
            print(BenchmarkReport.line("  PyTorch", sequences: inferenceBatch, seconds: theirs.throughput, flops: inferenceFLOPs,
                                       ceiling: ceiling, peakBytes: nil, unit: "batch"))
            print("  " + BenchmarkReport.ratio(ours.throughput, theirs.throughput, against: "PyTorch"))
        }
        if compiled.throughput.isFinite {
            print(BenchmarkReport.line("  torch.compile", sequences: inferenceBatch, seconds: compiled.throughput,
                                       flops: inferenceFLOPs, ceiling: ceiling, peakBytes: nil, unit: "batch"))
            print("  " + BenchmarkReport.ratio(ours.throughput, compiled.throughput, against: "torch.compile"))
        }
        if let compileFailure { print("torch.compile: unavailable (\(compileFailure))") }
        print(String(format: "latency, batch 1: electra %.1f ms", ours.latency * 1000)
              + (theirs.latency.isFinite ? String(format: ", PyTorch %.1f ms (%.2fx)", theirs.latency * 1000, theirs.latency / ours.latency) : ""))
        print(String(format: "peak RSS: electra %.0f MiB", peak / 1048576)
              + (theirPeak > 0 ? String(format: ", PyTorch %.0f MiB (electra %.2fx of PyTorch's)", theirPeak / 1048576, peak / theirPeak) : ""))
        if reference == nil { print("(transformers not found: pass --python PATH to compare)") }
    }
}
