// `electra pretrain`: ELECTRA pretraining (replaced-token detection) on prepared shards.

import ArgumentParser
import Electra
import ElectraOptim
import ElectraTensor
import ElectraTokenizer
import Foundation

public struct PretrainCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "pretrain",
        abstract: "Pretrain an ELECTRA generator and discriminator on shards made by `electra prepare`.",
        discussion: """
            --recipe nvidia (the default) is NVIDIA's ELECTRA for TensorFlow2: LAMB (β1 0.878, β2 0.974, \
            ε 1e-6, weight decay 0.01 without LayerNorm and biases, skip adaptive, bias correction), peak \
            learning rate 6e-3 (4e-3 in phase 2), warmup for a fifth of the updates then decay with power \
            0.5 to 0, generator 1/4 of the hidden size for small and 1/3 for base and large, rounded up \
            to a multiple of 64. --recipe google is Google's original: AdamW without bias correction \
            (β 0.9/0.999), learning rate 5e-4 for small and 2e-4 for base and large, linear decay over \
            all updates times a warmup factor over the first hundredth, generator 1/4 (1/3 for base), \
            mask probability 0.25 for large. Both clip gradients at a global norm of 1.0 as \
            tf.clip_by_global_norm and weigh the discriminator loss by 50. Options given explicitly \
            override the recipe.
            Phase 2 (sequence length 512) starts a new schedule from a phase-1 checkpoint, with its \
            weights and, as NVIDIA restores them, its optimizer moments (--fresh-optimizer starts them \
            at zero); the model configuration and vocabulary are the checkpoint's:
              electra pretrain --phase2 --init-from RUN/checkpoints/ckpt-010000 --max-seq-length 512 …
            Continued pretraining starts a new run (fresh optimizer moments, a new schedule, either \
            recipe) from released networks: one of Google's TF1 checkpoints (its prefix; vocab.txt beside \
            it or --vocab), or a discriminator directory with --init-generator and its generator \
            directory. Make the shards with the networks' vocabulary. See docs/checkpoints.md:
              electra pretrain --init-from electra_small/model.ckpt-1000000 --data shards/ --output runs/domain …
              electra pretrain --init-from disc/ --init-generator gen/ --data shards/ --output runs/domain …
            Data parallelism: `mpirun -np N electra pretrain …` runs N ranks, each on --batch-size \
            sequences of every micro-batch of N × --batch-size; the result is one process's with that \
            batch. Rank 0 writes the run directory, which (with --data) every rank must reach. See \
            docs/distributed.md.
            """
    )

    @Option(help: "Size preset for the discriminator: small, base or large.")
    var modelSize: ModelSize = .small
    @Option(help: "A discriminator config.json instead of a preset.")
    var config: String?
    @Option(help: "nvidia or google: whose hyper-parameters the options below default to.")
    var recipe: PretrainingRecipe = .nvidia
    @Option(help: "Generator hidden size as a fraction of the discriminator's (default: the recipe's).")
    var generatorFraction: Double?
    @Option(help: "Shards made by `electra prepare`.")
    var data: String
    @Option(help: "The run directory: checkpoints, metrics.jsonl, TensorBoard events.")
    var output: String
    @Option(help: "The vocabulary the shards were built with (default: the bundled BERT uncased one).")
    var vocab: String?
    @Option(help: "Sequence length (the shards' length): 128 in phase 1, 512 in phase 2.")
    var maxSeqLength = 128
    @Option(help: "Sequences per micro-batch (under mpirun: on each rank; the micro-batch is ranks × this).")
    var batchSize = 32
    @Option(help: "Micro-batches per update (gradient accumulation).")
    var accumulation = 1
    @Option(help: "Updates in this phase.")
    var steps = 1000
    @Option(help: "Warmup updates (default: the recipe's share of --steps, NVIDIA 1/5, Google 1/100).")
    var warmupSteps: Int?
    @Option(help: "Peak learning rate (default: the recipe's).")
    var learningRate: Float?
    @Option(help: "Learning rate at the end of the decay.")
    var endLearningRate: Float = 0
    @Option(help: "Power of the polynomial decay (default: the recipe's, NVIDIA 0.5, Google 1).")
    var decayPower: Float?
    @Option(help: "lamb or adamw (default: the recipe's, NVIDIA lamb, Google adamw).")
    var optimizer: OptimizerKind?
    @Flag(inversion: .prefixedNo, help: "LAMB: leave LayerNorm parameters and biases out of the trust ratio (default: on, NVIDIA's setting).")
    var skipAdaptive: Bool?
    @Flag(help: "Phase 2: start the optimizer moments at zero instead of continuing the --init-from checkpoint's.")
    var freshOptimizer = false
    @Option(help: "Weight of the discriminator loss.")
    var discriminatorWeight: Float = 50
    @Option(help: "Seed for initialisation, data order, masking, dropout and sampling.")
    var seed: UInt64 = 12439
    @Option(help: "Save a checkpoint every this many updates (0: only at the end).")
    var checkpointEvery = 500
    @Option(help: "Checkpoints to keep.")
    var keep = 3
    @Option(help: "Log every this many updates.")
    var logEvery = 10
    @Flag(help: "Continue the run in --output from its latest checkpoint.")
    var resume = false
    @Flag(help: "Phase 2: a new schedule at --max-seq-length (512) from --init-from.")
    var phase2 = false
    @Option(help: "A checkpoint folder whose weights start this run (phase 2); or, to continue pretraining released networks, a Google TF1 checkpoint prefix or a discriminator model directory (with --init-generator).")
    var initFrom: String?
    @Option(help: "With a discriminator directory as --init-from: the generator directory trained with it.")
    var initGenerator: String?
    @Option(help: "With a TF checkpoint as --init-from: the discriminator's attention heads (default hidden size / 64, Google's rule).")
    var heads: Int?
    @Option(help: "With a TF checkpoint as --init-from: the generator's attention heads (default hidden size / 64).")
    var generatorHeads: Int?
    @Option(help: "Held-out shards to evaluate on at the end.")
    var evalData: String?
    @Option(help: "Stop after this many updates (the run can be resumed).")
    var stopAfter: Int?

    public func validate() throws {
        guard batchSize >= 1, accumulation >= 1, steps >= 1 else { throw ValidationError("--batch-size, --accumulation and --steps must be at least 1") }
        guard logEvery >= 1 else { throw ValidationError("--log-every must be at least 1") }
        guard checkpointEvery >= 0 else { throw ValidationError("--checkpoint-every must be 0 (only at the end) or more") }
        guard keep >= 1 else { throw ValidationError("--keep must be at least 1") }
        if let warmupSteps, warmupSteps < 0 { throw ValidationError("--warmup-steps must not be negative") }
        if let stopAfter, stopAfter < 1 { throw ValidationError("--stop-after must be at least 1") }
        if let generatorFraction, !(generatorFraction > 0 && generatorFraction <= 1) {
            throw ValidationError("--generator-fraction must be in (0, 1]")
        }
        if let learningRate, !(learningRate.isFinite && learningRate > 0) { throw ValidationError("--learning-rate must be a positive number") }
        if freshOptimizer && initFrom == nil { throw ValidationError("--fresh-optimizer goes with --init-from") }
        let source = initFrom.map(InitialSource.init)
        if source != nil && (config != nil || (vocab != nil && source != .googleCheckpoint) || generatorFraction != nil) {
            throw ValidationError("--init-from continues those networks and their vocabulary: leave out --config, --vocab and --generator-fraction "
                                  + "(--vocab only names a TF checkpoint's vocabulary)")
        }
        if (heads != nil || generatorHeads != nil) && source != .googleCheckpoint {
            throw ValidationError("--heads and --generator-heads go with a TF checkpoint prefix as --init-from")
        }
        if let count = heads ?? generatorHeads, count < 1 { throw ValidationError("--heads and --generator-heads must be at least 1") }
        if (initGenerator != nil) != (source == .modelDirectory) {
            throw ValidationError("--init-generator GENERATOR_DIR goes with a discriminator model directory as --init-from, and only with it")
        }
        guard [128, 256, 512].contains(maxSeqLength) || (8...4096).contains(maxSeqLength) else {
            throw ValidationError("--max-seq-length must be between 8 and 4096 (128 in phase 1, 512 in phase 2)")
        }
        if phase2 && initFrom == nil && !resume { throw ValidationError("--phase2 needs --init-from CHECKPOINT (a phase-1 checkpoint folder)") }
        if let initFrom, source == .unknown {
            throw ValidationError("--init-from \(initFrom) is not a checkpoint folder (with state.json), a TF checkpoint prefix "
                                  + "(\(initFrom).index) or a model directory (with config.json)")
        }
        guard FileManager.default.fileExists(atPath: data) else { throw ValidationError("--data \(data) does not exist: make shards with `electra prepare`") }
    }

    @OptionGroup var precision: PrecisionOption
    @OptionGroup var parallel: DataParallelOptions

    public func run() throws {
        try parallel.validateOptions()
        try parallel.run { parallelism in try precision.run { try execute(parallelism) } }
    }

    private func execute(_ parallelism: DataParallelism) throws {
        let ranks = parallelism.communicator.size, leader = parallelism.communicator.isLeader
        // Phase 2 continues the phase-1 networks: their configurations and vocabulary come with them,
        // as they do with released networks (continued pretraining).
        let source = initFrom.map(InitialSource.init)
        let initial = try initFrom.flatMap { source == .checkpoint ? try Pretrainer.readState(checkpoint: $0).settings : nil }
        let networks = resume ? nil : try initialNetworks(source)
        var discriminator = try initial?.discriminator ?? networks?.model.discriminatorConfig
            ?? config.map { try ElectraConfig(contentsOf: $0) } ?? modelSize.config
        discriminator.architectures = ["ElectraForPreTraining"]
        let hidden = discriminator.hiddenSize
        let generator = initial?.generator ?? networks?.model.generatorConfig
            ?? discriminator.generator(fraction: generatorFraction ?? recipe.generatorFraction(hiddenSize: hidden),
                                       sizing: recipe.generatorSizing)
        let phase = phase2 ? 2 : 1
        let kind = optimizer ?? recipe.optimizer.kind
        var optimizerSettings = recipe.optimizer
        if kind != optimizerSettings.kind {   // the recipe's other optimizer: same betas, the references' bias correction
            optimizerSettings.kind = kind
            optimizerSettings.biasCorrection = recipe == .nvidia || kind == .lamb
        }
        optimizerSettings.skipAdaptive = skipAdaptive ?? (kind == .lamb)
        var settings = PretrainingSettings(
            discriminator: discriminator, generator: generator,
            schedule: LearningRateSchedule(peak: learningRate ?? recipe.learningRate(hiddenSize: hidden, phase: phase),
                                           warmupSteps: warmupSteps ?? recipe.warmupSteps(steps: steps), totalSteps: steps,
                                           power: decayPower ?? recipe.decayPower, end: endLearningRate, kind: recipe.scheduleKind),
            batchSize: batchSize * ranks, maxSequenceLength: maxSeqLength, steps: steps, seed: seed, checkpointEvery: checkpointEvery,
            data: data, vocabulary: initial?.vocabulary ?? networks?.vocabulary ?? vocab ?? Vocabulary.bundledPath())
        if let initial { settings.lowercase = initial.lowercase }
        if let networks {
            settings.lowercase = networks.lowercase
            if leader {   // the vocabulary travels with the run (rank 0 writes it; the others read the same tokens at the source)
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
                try writeAtomically(try Data(contentsOf: URL(fileURLWithPath: networks.vocabulary)), to: output + "/vocab.txt")
                settings.vocabulary = output + "/vocab.txt"
            }
            if networks.embeddingDifference > 0, leader {
                Console.line("warning: the generator's embeddings differ from the discriminator's by up to \(networks.embeddingDifference); "
                             + "ELECTRA shares one embedding block, and this run keeps the discriminator's")
            }
        }
        settings.recipe = recipe
        settings.optimizer = optimizerSettings
        settings.objective.discriminatorWeight = discriminatorWeight
        settings.objective.masking.probability = initial?.objective.masking.probability ?? recipe.maskProbability(hiddenSize: hidden)
        settings.accumulation = accumulation
        settings.keepCheckpoints = keep
        settings.logEvery = logEvery
        settings.phase = phase
        let trainer = try Pretrainer(settings: settings, run: output, resume: resume, initFrom: source == .checkpoint ? initFrom : nil,
                                     initialWeights: networks?.model, continueMoments: !freshOptimizer, parallelism: parallelism)
        let s = trainer.settings
        let console = leader ? Console.line : { (_: String) in }
        if ranks > 1 {
            console("data parallel over \(ranks) ranks (\(parallelism.communicator.name)): \(s.batchSize / ranks) sequences of each "
                    + "micro-batch per rank, gradients summed in \(parallelism.precision.rawValue), "
                    + "\(Parallel.threadCount) thread\(Parallel.threadCount == 1 ? "" : "s") per rank")
        }
        console("pretraining ELECTRA (phase \(s.phase)): discriminator hidden \(s.discriminator.hiddenSize) × \(s.discriminator.numHiddenLayers) layers, "
              + "generator hidden \(s.generator.hiddenSize), \(trainer.model.parameters.parameterCount.formatted()) parameters; "
              + "\(s.sequencesPerStep) sequences of \(s.maxSequenceLength) per update, \(s.steps) updates (\(s.schedule.warmupSteps) warmup), "
              + "\(s.recipe?.rawValue ?? "custom") recipe: \(s.optimizer.kind.rawValue) peak \(s.schedule.peak); "
              + "matrix products in \(precision.description)")
        if resume {
            console("resuming at update \(trainer.completed) with the run's saved settings (\(output)/settings.json); "
                         + "options given now other than --output, --stop-after and --precision are not used")
        }
        let terminal = Console.isTerminal && ranks == 1   // mpirun hands ranks a pseudo-terminal even when its output is a file
        try trainer.train(stopAfter: stopAfter) { r in
            guard leader else { return }
            let m = r.metrics
            let line = String(format: "step %d/%d  loss %.3f (gen %.3f, disc %.4f)  gen acc %.3f  disc acc %.3f  P %.2f R %.2f  lr %.2e  %.1f seq/s  ETA %@",
                              r.step, r.totalSteps, m.loss, m.generatorLoss, m.discriminatorLoss, m.generatorAccuracy,
                              m.discriminatorAccuracy, m.precision, m.recall, r.learningRate, r.sequencesPerSecond,
                              Self.duration(r.secondsRemaining))
            if terminal {
                Console.write("\r" + line + "\u{1B}[K")
            } else {
                Console.line(line)
            }
        }
        guard leader else { return }
        if terminal { Console.line("") }
        print("checkpoints in \(CheckpointStore.directory(output)); metrics in \(output)/metrics.jsonl (tensorboard --logdir \(output))")
        if let evalData {
            let vocabulary = try Vocabulary(contentsOf: s.vocabulary)
            let m = try Pretrainer.evaluate(model: trainer.model, objective: s.objective, data: evalData, vocabulary: vocabulary,
                                            batchSize: s.batchSize, length: s.maxSequenceLength, batches: 50, seed: s.seed)
            print(String(format: "evaluation on %@: loss %.3f  gen acc %.3f  disc acc %.3f  precision %.3f  recall %.3f",
                         evalData, m.loss, m.generatorAccuracy, m.discriminatorAccuracy, m.precision, m.recall))
        }
    }

    /// The networks of a TF checkpoint or of two model directories (nil for a checkpoint folder or none).
    private func initialNetworks(_ source: InitialSource?) throws -> InitialNetworks? {
        guard let initFrom else { return nil }
        switch source {
        case .googleCheckpoint?:
            return try .googleCheckpoint(initFrom, vocabulary: vocab, options: GoogleElectraOptions(heads: heads, generatorHeads: generatorHeads))
        case .modelDirectory?:
            return try .directories(discriminator: initFrom, generator: initGenerator ?? "")
        default:
            return nil
        }
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds)
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s % 3600 / 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}

/// What `--init-from` names.
enum InitialSource: Equatable {
    case checkpoint, googleCheckpoint, modelDirectory, unknown

    init(_ path: String) {
        let files = FileManager.default
        if files.fileExists(atPath: path + "/state.json") { self = .checkpoint }
        else if TFCheckpoint.isPrefix(path) || (path.hasSuffix(".index") && files.fileExists(atPath: path)) { self = .googleCheckpoint }
        else if files.fileExists(atPath: path + "/config.json") { self = .modelDirectory }
        else { self = .unknown }
    }
}

extension OptimizerKind: ExpressibleByArgument {}
extension PretrainingRecipe: ExpressibleByArgument {}
