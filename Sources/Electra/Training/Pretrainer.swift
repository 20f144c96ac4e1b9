// Pretrainer: the training loop: data, accumulation, clipping, LAMB/AdamW, logging, checkpoints, export.

import ElectraData
import ElectraNN
import ElectraOptim
import ElectraTensor
import ElectraTokenizer
import Foundation

/// Why training stopped early.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case nonFiniteLoss(step: Int, lastCheckpoint: String?)
    case invalid(String)

    public var description: String {
        switch self {
        case .nonFiniteLoss(let step, let checkpoint):
            return "the loss became NaN or infinite at step \(step); " + (checkpoint.map {
                "the last good checkpoint is \($0): resume from it with a lower --learning-rate or more --warmup-steps"
            } ?? "no checkpoint was saved yet: restart with a lower --learning-rate or more --warmup-steps")
        case .invalid(let reason):
            return reason
        }
    }
}

/// One logged update.
public struct StepReport: Sendable {
    public var step: Int
    public var totalSteps: Int
    public var metrics: PretrainingMetrics
    public var learningRate: Float
    public var gradientNorm: Float
    public var sequencesPerSecond: Double
    public var secondsRemaining: Double
    public var phase: Int
}

/// How a run is spread over data-parallel processes (one process by default).
public struct DataParallelism {
    /// The ranks training together; rank 0 writes the run directory.
    public var communicator: Communicator
    /// How gradients are sent.
    public var precision: AllReducePrecision
    /// Check that all ranks hold the same weights every this many updates (and after the first).
    public var checkEvery: Int

    public init(communicator: Communicator = SingleProcess(), precision: AllReducePrecision = .fp32, checkEvery: Int = 100) {
        self.communicator = communicator
        self.precision = precision
        self.checkEvery = checkEvery
    }
}

/// Runs pretraining in a run directory.
public final class Pretrainer {
    public let settings: PretrainingSettings
    public let run: String
    public let model: PretrainingModel
    let gradients: PretrainingModel
    let optimizer: Optimizer
    let dataset: PretrainingDataset
    let step: PretrainingStep
    let root: RandomGenerator
    let parallelism: DataParallelism
    let reducer: GradientReducer
    /// This rank's examples of each global micro-batch.
    let window: BatchWindow
    public private(set) var completed: Int
    private(set) var lastCheckpoint: String?
    var metricsFile: FileHandle?
    var events: TensorBoardWriter?

    /// Starts a run (or continues one with `resume`). `initFrom` (a checkpoint folder) seeds the
    /// weights of a new phase, as phase 2 starts from phase 1; with `continueMoments` the optimizer's
    /// moments come from it too and only its step count restarts, as NVIDIA's run_pretraining.py
    /// restores the optimizer and sets `optimizer.iterations` to 0 for phase 2 (lines 392–396).
    ///
    /// With several ranks in `parallelism` (data parallelism), `settings.batchSize` is the global
    /// micro-batch: every rank reads all of it, masks all of it, and trains on its equal share
    /// (`PretrainingShard`); gradients are summed over the ranks before the identical update on each, so
    /// N ranks compute what one process computes with the whole batch. Only rank 0 writes into `run`
    /// (settings, metrics, TensorBoard, checkpoints); every rank reads it to resume, so it must be on a
    /// file system they share.
    ///
    /// `initialWeights` (a converted Google checkpoint, or a discriminator and a generator directory:
    /// `InitialNetworks`) starts a new run from those networks instead, with fresh optimizer moments:
    /// continued pretraining. Its configurations must be the settings'.
    public init(settings: PretrainingSettings, run: String, resume: Bool = false, initFrom: String? = nil,
                initialWeights: PretrainingModel? = nil,
                continueMoments: Bool = true, parallelism: DataParallelism = DataParallelism()) throws {
        var settings = settings
        var state: TrainingState? = nil
        let latest = CheckpointStore.latest(run: run)
        if resume {
            guard let latest else { throw CheckpointError.missing(path: CheckpointStore.directory(run)) }
            let stored = try Self.readState(checkpoint: latest)
            settings = stored.settings
            state = stored
        } else if latest != nil {
            throw TrainingError.invalid("\(run) already holds checkpoints: pass --resume to continue that run, or choose another --output")
        }
        try settings.validate(source: "the run's settings (see `electra help pretrain`)")
        let ranks = parallelism.communicator.size
        guard settings.batchSize % ranks == 0 else {
            throw TrainingError.invalid("the run's micro-batch of \(settings.batchSize) sequences does not split evenly over \(ranks) ranks: "
                + "launch a number of ranks that divides it")
        }
        self.settings = settings
        self.run = run
        self.parallelism = parallelism
        reducer = GradientReducer(communicator: parallelism.communicator, precision: parallelism.precision)
        window = BatchWindow.share(parallelism.communicator.rank, of: ranks, total: settings.batchSize)
        let leader = parallelism.communicator.isLeader
        let vocabulary = try Vocabulary(contentsOf: settings.vocabulary)
        guard vocabulary.count == settings.discriminator.vocabSize else {
            throw TrainingError.invalid("the vocabulary \(settings.vocabulary) has \(vocabulary.count) tokens but the model's vocab_size is \(settings.discriminator.vocabSize)")
        }
        var objective = settings.objective
        objective.masking.maskId = vocabulary.maskId
        objective.masking.excludedIds = [vocabulary.classifierId, vocabulary.separatorId, vocabulary.maskId]
        root = RandomGenerator(seed: settings.seed)
        var initialization = root.split("initialization")
        model = PretrainingModel.initialized(discriminator: settings.discriminator, generator: settings.generator,
                                             randomness: &initialization)
        gradients = model.makeGradients()
        optimizer = Optimizer(settings: settings.optimizer, parameters: model.parameters)
        var position = DataPosition()
        if let state, let latest {
            _ = try CheckpointStore.load(latest, parameters: model.parameters, firstMoments: optimizer.firstMoments,
                                         secondMoments: optimizer.secondMoments, as: TrainingState.self)
            optimizer.step = state.optimizerStep
            position = DataPosition(epoch: state.dataPosition.epoch, index: state.dataPosition.index)
            completed = state.step
            lastCheckpoint = latest
        } else {
            completed = 0
            if let initFrom {
                _ = try CheckpointStore.load(initFrom, parameters: model.parameters,
                                             firstMoments: continueMoments ? optimizer.firstMoments : nil,
                                             secondMoments: continueMoments ? optimizer.secondMoments : nil, as: TrainingState.self)
                optimizer.step = 0   // bias correction restarts; the moments carry on
            } else if let initialWeights {
                guard initialWeights.parameters.entries == model.parameters.entries else {
                    throw TrainingError.invalid("the initial networks' tensors are not laid out as the run's configurations imply: "
                                                + "continue with the configurations they came with")
                }
                model.parameters.flat.copy(from: initialWeights.parameters.flat)
            }
        }
        dataset = try PretrainingDataset(directory: settings.data, vocabularyFingerprint: vocabulary.fingerprint,
                                         maxSequenceLength: settings.maxSequenceLength, seed: settings.seed,
                                         position: position, padId: vocabulary.padId)
        step = PretrainingStep(model: model, objective: objective, batch: window.count, length: settings.maxSequenceLength)
        guard leader else { return }
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        if state == nil {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try writeAtomically(try encoder.encode(settings), to: run + "/settings.json")
        }
        let metricsPath = run + "/metrics.jsonl"
        if !FileManager.default.fileExists(atPath: metricsPath) { _ = FileManager.default.createFile(atPath: metricsPath, contents: nil) }
        if state != nil {   // lines logged after the checkpoint we resume from will be logged again
            try MetricsLog.truncate(metricsPath, phase: settings.phase, after: completed)
        }
        metricsFile = try FileHandle(forWritingTo: URL(fileURLWithPath: metricsPath))
        metricsFile?.seekToEndOfFile()
        events = try? TensorBoardWriter(directory: run)
    }

    /// The randomness of micro-batch `micro` of update `update`: a pure function of the seed and the
    /// step, so a resumed run draws exactly what the uninterrupted one would have.
    func randomness(update: Int, micro: Int) -> RandomGenerator {
        root.split("phase \(settings.phase)").split(UInt64(update)).split(UInt64(micro))
    }

    /// Trains until `settings.steps` updates are done (or `stopAfter` more), reporting every logged step.
    @discardableResult
    public func train(stopAfter: Int? = nil, report: (StepReport) -> Void) throws -> [PretrainingMetrics] {
        var history: [PretrainingMetrics] = []
        var batch = PretrainingBatch(batchSize: settings.batchSize, sequenceLength: settings.maxSequenceLength)
        let start = Date()
        let firstStep = completed
        let end = min(settings.steps, stopAfter.map { completed + $0 } ?? settings.steps)
        while completed < end {
            let stepStart = Date()
            gradients.parameters.zero()
            var metrics = PretrainingMetrics()
            for micro in 0..<settings.accumulation {
                dataset.nextBatch(into: &batch)
                let tokens = TokenBatch(batch: settings.batchSize, length: settings.maxSequenceLength, ids: batch.inputIds,
                                        tokenTypes: batch.tokenTypeIds, attentionMask: batch.attentionMask)
                try settings.discriminator.check(tokens, source: "the shards in \(settings.data)")
                let randomness = randomness(update: completed, micro: micro)
                var masking = randomness.split("masking")
                let part = PretrainingShard.split(tokens, policy: step.objective.masking, randomness: &masking, window: window)
                let result = step.run(part.masked, original: part.original, randomness: randomness, gradients: gradients,
                                      scale: 1 / Float(settings.accumulation), shard: part.shard)
                metrics.merge(result, weight: 1 / Double(settings.accumulation))
            }
            try reducer.sum(gradients.parameters)
            metrics = try Self.sum(metrics, over: parallelism.communicator)
            guard metrics.loss.isFinite else {
                throw TrainingError.nonFiniteLoss(step: completed + 1, lastCheckpoint: lastCheckpoint)
            }
            let norm = GlobalNorm.clip(gradients.parameters.tensors, maxNorm: settings.clipNorm)
            guard norm.isFinite else { throw TrainingError.nonFiniteLoss(step: completed + 1, lastCheckpoint: lastCheckpoint) }
            let rate = settings.schedule.rate(completed)
            optimizer.update(gradients: gradients.parameters, learningRate: rate)
            completed += 1
            history.append(metrics)
            if completed == firstStep + 1 || completed % parallelism.checkEvery == 0 || completed == end {
                try reducer.checkReplicas(model.parameters, what: "weights", step: completed)
            }
            let elapsed = Date().timeIntervalSince(start)
            let stepSeconds = Date().timeIntervalSince(stepStart)
            let perStep = elapsed / Double(completed - firstStep)
            let stepReport = StepReport(step: completed, totalSteps: settings.steps, metrics: metrics, learningRate: rate,
                                        gradientNorm: norm, sequencesPerSecond: Double(settings.sequencesPerStep) / stepSeconds,
                                        secondsRemaining: perStep * Double(settings.steps - completed), phase: settings.phase)
            if completed % settings.logEvery == 0 || completed == end || completed == 1 {
                log(stepReport)
                report(stepReport)
            }
            if (settings.checkpointEvery > 0 && completed % settings.checkpointEvery == 0) || completed == settings.steps {
                try saveCheckpoint()
            }
        }
        if completed < settings.steps && completed > firstStep
            && lastCheckpoint != CheckpointStore.directory(run) + "/" + CheckpointStore.name(step: completed) {
            try saveCheckpoint()   // stopped early: leave a checkpoint to resume from
        }
        events?.flush()
        return history
    }

    /// The metrics of every rank's part of the batch, combined (`PretrainingStep` returns shares of
    /// the means, which add up).
    static func sum(_ metrics: PretrainingMetrics, over communicator: Communicator) throws -> PretrainingMetrics {
        guard communicator.size > 1 else { return metrics }
        var m = metrics
        var values = [m.loss, m.generatorLoss, m.discriminatorLoss] + [m.masked, m.correctPredictions, m.tokens, m.correctDetections,
                                                                        m.replaced, m.flagged, m.truePositives].map(Double.init)
        try communicator.allReduceSum(&values)
        (m.loss, m.generatorLoss, m.discriminatorLoss) = (values[0], values[1], values[2])
        let counts = values[3...].map { Int($0) }
        (m.masked, m.correctPredictions, m.tokens, m.correctDetections) = (counts[0], counts[1], counts[2], counts[3])
        (m.replaced, m.flagged, m.truePositives) = (counts[4], counts[5], counts[6])
        m.finishRates()
        return m
    }

    /// Saves a checkpoint of the current state (rank 0 alone writes; the others only note its name).
    public func saveCheckpoint() throws {
        defer { lastCheckpoint = CheckpointStore.directory(run) + "/" + CheckpointStore.name(step: completed) }
        guard parallelism.communicator.isLeader else { return }
        let position = dataset.position
        let state = TrainingState(settings: settings, step: completed, optimizerStep: optimizer.step,
                                  dataPosition: DataPositionRecord(epoch: position.epoch, index: position.index),
                                  randomness: RandomGeneratorRecord(key: root.key, stream: root.stream, position: root.position),
                                  ranks: parallelism.communicator.size)
        try CheckpointStore.save(run: run, step: completed, parameters: model.parameters, firstMoments: optimizer.firstMoments,
                                 secondMoments: optimizer.secondMoments, state: state, keep: settings.keepCheckpoints)
    }

    private func log(_ r: StepReport) {
        let m = r.metrics
        let fields: [(String, Double)] = [
            ("loss", m.loss), ("generator_loss", m.generatorLoss), ("discriminator_loss", m.discriminatorLoss),
            ("generator_accuracy", m.generatorAccuracy), ("discriminator_accuracy", m.discriminatorAccuracy),
            ("precision", m.precision), ("recall", m.recall), ("learning_rate", Double(r.learningRate)),
            ("gradient_norm", Double(r.gradientNorm)), ("sequences_per_second", r.sequencesPerSecond),
        ]
        let json = "{\"step\":\(r.step),\"phase\":\(r.phase)," + fields.map { "\"\($0.0)\":\(jsonNumber($0.1))" }.joined(separator: ",") + "}\n"
        metricsFile?.write(Data(json.utf8))
        events?.add(step: r.step, fields.map { ("phase\(r.phase)/\($0.0)", $0.1) })
    }

    private func jsonNumber(_ value: Double) -> String { value.isFinite ? String(value) : "null" }

    /// Averages the objective over `batches` batches of `data` without updating anything.
    public static func evaluate(model: PretrainingModel, objective: PretrainingObjective, data: String, vocabulary: Vocabulary,
                                batchSize: Int, length: Int, batches: Int, seed: UInt64) throws -> PretrainingMetrics {
        let dataset = try PretrainingDataset(directory: data, vocabularyFingerprint: vocabulary.fingerprint,
                                             maxSequenceLength: length, seed: seed, padId: vocabulary.padId)
        var objective = objective
        objective.masking.maskId = vocabulary.maskId
        objective.masking.excludedIds = [vocabulary.classifierId, vocabulary.separatorId, vocabulary.maskId]
        let step = PretrainingStep(model: model, objective: objective, batch: batchSize, length: length, training: false)
        var total = PretrainingMetrics()
        let count = max(1, min(batches, (dataset.exampleCount + batchSize - 1) / batchSize))
        let root = RandomGenerator(seed: seed).split("evaluation")
        var batch = PretrainingBatch(batchSize: batchSize, sequenceLength: length)
        for index in 0..<count {
            dataset.nextBatch(into: &batch)
            let tokens = TokenBatch(batch: batchSize, length: length, ids: batch.inputIds, tokenTypes: batch.tokenTypeIds,
                                    attentionMask: batch.attentionMask)
            total.merge(step.run(tokens, randomness: root.split(UInt64(index)), gradients: nil), weight: 1 / Double(count))
        }
        return total
    }

    /// The state a checkpoint folder records, checked so that a damaged or edited `state.json` ends in
    /// an error naming it.
    public static func readState(checkpoint: String) throws -> TrainingState {
        let path = checkpoint + "/state.json"
        guard FileManager.default.fileExists(atPath: path) else { throw CheckpointError.missing(path: checkpoint) }
        let state: TrainingState
        do {
            state = try JSONDecoder().decode(TrainingState.self, from: try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw CheckpointError.corrupt(path: checkpoint, reason: "state.json does not decode (\(error))")
        }
        do { try state.settings.validate(source: "state.json") } catch {
            throw CheckpointError.corrupt(path: checkpoint, reason: "\(error)")
        }
        // The tensors must be there in the settings' shapes before anything of that size is allocated.
        try CheckpointStore.check(try SafetensorsFile(path: checkpoint + "/model.safetensors"),
                                  layout: PretrainingModel.layout(discriminator: state.settings.discriminator, generator: state.settings.generator),
                                  path: checkpoint)
        guard state.step >= 0, state.step <= state.settings.steps, state.optimizerStep >= 0,
              state.dataPosition.epoch >= 0, state.dataPosition.index >= 0 else {
            throw CheckpointError.corrupt(path: checkpoint, reason: "state.json records step \(state.step) of \(state.settings.steps), optimizer step \(state.optimizerStep), data position \(state.dataPosition.epoch)/\(state.dataPosition.index)")
        }
        return state
    }

    /// The model and settings of a checkpoint folder.
    public static func loadModel(checkpoint: String) throws -> (PretrainingModel, PretrainingSettings) {
        let s = try readState(checkpoint: checkpoint).settings
        let store = ParameterStore(layout: PretrainingModel.layout(discriminator: s.discriminator, generator: s.generator))
        _ = try CheckpointStore.load(checkpoint, parameters: store, firstMoments: nil, secondMoments: nil, as: TrainingState.self)
        return (PretrainingModel(discriminator: s.discriminator, generator: s.generator, parameters: store), s)
    }

    /// Writes the discriminator and the generator of checkpoint `checkpoint` as Hugging Face
    /// directories `output/discriminator` and `output/generator`, each with `vocab.txt`.
    public static func export(checkpoint: String, to output: String) throws {
        let (model, s) = try loadModel(checkpoint: checkpoint)
        let vocabulary = try ModelDirectory.recordedVocabulary(s.vocabulary, recordedIn: "checkpoint \(checkpoint)")
        try export(model, vocabulary: vocabulary, lowercase: s.lowercase, to: output)
    }

    /// Writes the discriminator and the generator of `model` as Hugging Face directories
    /// `output/discriminator` and `output/generator`, each with a copy of `vocabulary` and a
    /// `tokenizer_config.json` recording `lowercase`.
    public static func export(_ model: PretrainingModel, vocabulary: String, lowercase: Bool, to output: String) throws {
        try ModelDirectory.save(config: model.discriminatorConfig, parameters: model.discriminatorStore(), role: .discriminator,
                                vocabulary: vocabulary, to: output + "/discriminator")
        try ModelDirectory.save(config: model.generatorConfig, parameters: model.generatorStore(), role: .generator,
                                vocabulary: vocabulary, to: output + "/generator")
        let tokenizerConfig = "{\"do_lower_case\": \(lowercase), \"tokenizer_class\": \"ElectraTokenizer\"}\n"
        for role in ["discriminator", "generator"] {
            try writeAtomically(Data(tokenizerConfig.utf8), to: output + "/\(role)/tokenizer_config.json")
        }
    }
}
