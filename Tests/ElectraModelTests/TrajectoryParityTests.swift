// Whole training trajectories against independent PyTorch oracles (Tests/Fixtures/trajectory, written
// by scripts/make_trajectory_fixtures.py from NVIDIA's, Google's and tensorflow_addons' code, not
// from this project's): 10 to 20 updates each, dropout off, masks and samples given. Every step's
// losses and gradient norm, and every final weight (and, where this test drives the optimizer, every
// final moment), must agree within 1e-4 relative. One update from zero moments cannot catch a wrong
// recurrence; a dozen, with β1 ≠ β2, accumulation, clipping on some steps and not others, warmup and
// decay, a phase change that keeps the moments, and duplicated masked positions, can.
//
// Tolerances: |actual − expected| ≤ 1e-4·|expected| + floor. Losses, norms and rates are far from 0
// and have no floor. For a tensor (final weights, first or second moments) the floor is 1e-4 of the
// tensor's root mean square: elements near 0 (a weight crossing zero, a moment of a rarely-used
// embedding row) are compared at 1e-4 of their tensor's scale, the rest at 1e-4 of their own value.
// Why a floor is needed at all: Adam-type updates normalize every element by its own gradient
// history, so an element whose gradient is 1e-4 of the largest (and carries float32 round-off of
// 1e-4 to 1e-3 of itself, in PyTorch as here) still moves a full step; over a dozen steps that is
// a few 1e-6 absolute. The report prints the worst relative error among elements at least as large
// as their tensor's RMS, and the largest share of the tolerance any element used.
//
// Tensors whose gradient is mathematically zero (attention key biases; in the span model the head's
// bias and the last LayerNorm's bias; in the joint head the start and end logits' biases and the end
// layer's LayerNorm bias: the softmax over keys or positions ignores what they add) get
// round-off for a gradient in any implementation, which Adam-type updates amplify into steps of up to
// ~lr. The oracle uses the exact 0. Where this test drives the loop it checks the project's gradient
// there is round-off and sets it to 0 too; through `SQuADFineTuner.train` it can only bound how far
// those tensors drift.

import Electra
import ElectraData
import ElectraNN
import ElectraOptim
import ElectraTensor
import Foundation
import Testing
import _TestSupport

@Suite("Trajectory parity") struct TrajectoryParityTests {
    static let rtol = 1e-4

    /// One trajectory fixture: tensors, and the hyper-parameters from its metadata.
    struct Fixture {
        let file: SafetensorsFile
        let settings: [String: Double]

        init(_ name: String) throws {
            file = try Fixtures.open("trajectory/\(name).safetensors")
            let json = try #require(file.metadata["settings"], "\(name): no settings in the metadata")
            settings = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Double])
        }

        func value(_ key: String) throws -> Double { try #require(settings[key], "no setting \(key)") }
        func int(_ key: String) throws -> Int { Int(try value(key)) }
        func float(_ key: String) throws -> Float { Float(try value(key)) }
        func config(_ key: String) throws -> ElectraConfig {
            try JSONDecoder().decode(ElectraConfig.self, from: Data(try #require(file.metadata[key]).utf8))
        }
        func scalars(_ name: String) throws -> [Double] { try file.tensor(name).scalars.map(Double.init) }
    }

    /// What one trajectory's comparison found, for the summary line.
    struct Worst: CustomStringConvertible {
        var loss = 0.0, norm = 0.0
        var weights = StoreReport(), moments = StoreReport()
        var description: String {
            "worst relative error: losses \(e(loss)), gradient norms \(e(norm)), weights \(weights), moments \(moments)"
        }
    }

    /// The worst relative error among elements at least as large as their tensor's RMS, and the
    /// largest share of the tolerance (1 = at the limit) any element used.
    struct StoreReport: CustomStringConvertible {
        var relative = 0.0, share = 0.0
        var description: String { "\(e(relative)) (tolerance used \(String(format: "%.2f", share)))" }
        mutating func merge(_ other: StoreReport) { relative = max(relative, other.relative); share = max(share, other.share) }
    }

    static func e(_ x: Double) -> String { String(format: "%.2e", x) }

    /// Tensors whose gradient is mathematically zero (see the header).
    static func zeroGradient(_ name: String, layers: Int = 0, head: QuestionAnsweringHeadKind? = nil) -> Bool {
        if name.hasSuffix("attention.self.key.bias") { return true }
        switch head {
        case .span?: return name == "qa_outputs.bias" || name == "electra.encoder.layer.\(layers - 1).output.LayerNorm.bias"
        case .joint?: return ["start_logits.dense.bias", "end_logits.dense_1.bias", "end_logits.LayerNorm.bias"].contains(name)
        case nil: return false
        }
    }

    /// Compares a per-step series; returns the worst relative error.
    static func expectSeries(_ label: String, _ actual: [Double], _ expected: [Double], rtol: Double = rtol,
                             sourceLocation: SourceLocation = #_sourceLocation) -> Double {
        #expect(actual.count == expected.count, "\(label): \(actual.count) steps, expected \(expected.count)", sourceLocation: sourceLocation)
        var worst = 0.0
        for (step, (a, e)) in zip(actual, expected).enumerated() {
            let error = abs(a - e)
            worst = max(worst, e == 0 ? error : error / abs(e))
            #expect(error <= rtol * abs(e), "\(label) at update \(step + 1): \(a) vs \(e) (relative \(error / max(abs(e), 1e-30)))",
                    sourceLocation: sourceLocation)
        }
        return worst
    }

    /// Compares every tensor of `store` with `prefix.<name>` of the fixture (floor: 1e-4 of the
    /// expected tensor's RMS).
    static func expectStore(_ label: String, _ store: ParameterStore, _ fixture: Fixture, prefix: String,
                            skip: (String) -> Bool = { _ in false },
                            sourceLocation: SourceLocation = #_sourceLocation) throws -> StoreReport {
        var report = StoreReport()
        for entry in store.entries where !skip(entry.name) {
            let expected = try fixture.file.tensor("\(prefix).\(entry.name)")
            let values = expected.scalars.map(Double.init)
            let rms = (values.reduce(0) { $0 + $1 * $1 } / Double(max(values.count, 1))).squareRoot()
            let floor = rtol * rms
            let comparison = Comparison("\(label) \(prefix).\(entry.name)", actual: store[entry.name], expected: expected,
                                        rtol: rtol, atol: floor)
            #expect(comparison.passed, "\(comparison) (floor \(e(floor)))", sourceLocation: sourceLocation)
            for (a, e) in zip(store[entry.name].scalars.map(Double.init), values) {
                let error = abs(a - e)
                if abs(e) >= rms && abs(e) > 0 { report.relative = max(report.relative, error / abs(e)) }
                if floor + rtol * abs(e) > 0 { report.share = max(report.share, error / (floor + rtol * abs(e))) }
            }
        }
        return report
    }

    // MARK: Pretraining

    /// One given micro-batch: the original tokens, the generator's input and masked slots, and one
    /// sample per slot.
    struct MicroBatch {
        let original: TokenBatch
        let masked: MaskedBatch
        let samples: [Int32]
    }

    /// The fixture's micro-batches, `[update][micro-batch]`.
    static func microBatches(_ fixture: Fixture) throws -> [[MicroBatch]] {
        let (shape, ids) = try fixture.file.integers("input_ids")
        let (U, A, B, T) = (shape[0], shape[1], shape[2], shape[3])
        let types = try fixture.file.integers("token_type_ids").values
        let mask = try fixture.file.integers("attention_mask").values
        let maskedIds = try fixture.file.integers("masked_input_ids").values
        let (slotShape, positions) = try fixture.file.integers("masked_positions")
        let samples = try fixture.file.integers("sampled_ids").values
        let K = slotShape[2]
        return (0..<U).map { u in
            (0..<A).map { a in
                let tokens = ((u * A + a) * B * T)..<((u * A + a + 1) * B * T)
                let slots = ((u * A + a) * K)..<((u * A + a + 1) * K)
                let original = TokenBatch(batch: B, length: T, ids: Array(ids[tokens]), tokenTypes: Array(types[tokens]),
                                          attentionMask: Array(mask[tokens]))
                let input = TokenBatch(batch: B, length: T, ids: Array(maskedIds[tokens]), tokenTypes: original.tokenTypes,
                                       attentionMask: original.attentionMask)
                let p = Array(positions[slots])
                return MicroBatch(original: original, masked: MaskedBatch(input: input, positions: p, targets: p.map { original.ids[Int($0)] }),
                                  samples: Array(samples[slots]))
            }
        }
    }

    /// Runs the fixture's updates as `Pretrainer.train` does (zero the gradients; each micro-batch with
    /// scale 1/accumulation; clip the global norm; update at `schedule.rate(step)`), from the model's and
    /// the optimizer's current state, and compares every step with the fixture.
    static func runPretraining(_ fixture: Fixture, model: PretrainingModel, optimizer: Optimizer,
                               schedule: LearningRateSchedule) throws -> Worst {
        let data = try microBatches(fixture)
        let (B, T) = (data[0][0].original.batch, data[0][0].original.length)
        let A = data[0].count
        let step = PretrainingStep(model: model, objective: PretrainingObjective(), batch: B, length: T,
                                   maskedRows: data[0][0].masked.positions.count)
        let gradients = model.makeGradients()
        let clipNorm = try fixture.float("clip_norm")
        var losses: [[Double]] = [[], [], []], norms: [Double] = [], rates: [Double] = [], clipped: [Double] = []
        var largestZeroGradient: Float = 0
        for (update, microBatches) in data.enumerated() {
            gradients.parameters.zero()
            var metrics = PretrainingMetrics()
            for micro in microBatches {
                let result = step.run(micro.masked, original: micro.original, randomness: RandomGenerator(seed: 1), gradients: gradients,
                                      scale: 1 / Float(A), sampled: micro.samples)
                metrics.merge(result, weight: 1 / Double(A))
            }
            for entry in gradients.parameters.entries where zeroGradient(entry.name) {
                let g = gradients.parameters[entry.name]
                largestZeroGradient = max(largestZeroGradient, g.scalars.map(abs).max()!)
                g.fill(0)
            }
            let norm = GlobalNorm.clip(gradients.parameters.tensors, maxNorm: clipNorm)
            let rate = schedule.rate(update)
            optimizer.update(gradients: gradients.parameters, learningRate: rate)
            losses[0].append(metrics.loss); losses[1].append(metrics.generatorLoss); losses[2].append(metrics.discriminatorLoss)
            norms.append(Double(norm)); rates.append(Double(rate)); clipped.append(norm > clipNorm ? 1 : 0)
        }
        #expect(largestZeroGradient < 1e-5, "attention key-bias gradients are round-off (largest \(largestZeroGradient))")
        var worst = Worst()
        for (k, name) in ["loss", "generator_loss", "discriminator_loss"].enumerated() {
            worst.loss = max(worst.loss, expectSeries(name, losses[k], try fixture.scalars(name)))
        }
        worst.norm = expectSeries("gradient norm", norms, try fixture.scalars("gradient_norm"))
        _ = expectSeries("learning rate", rates, try fixture.scalars("learning_rate"), rtol: 1e-6)
        let expectedClipped = try fixture.scalars("clipped")
        #expect(clipped == expectedClipped, "the same updates are clipped")
        worst.weights = try expectStore("final", model.parameters, fixture, prefix: "final")
        worst.moments = try expectStore("moments", optimizer.firstMoments, fixture, prefix: "m")
        worst.moments.merge(try expectStore("moments", optimizer.secondMoments, fixture, prefix: "v"))
        return worst
    }

    static func pretrainingModel(_ fixture: Fixture, weights: Fixture, prefix: String) throws -> PretrainingModel {
        let (d, g) = (try fixture.config("disc_config"), try fixture.config("gen_config"))
        let store = ParameterStore(layout: PretrainingModel.layout(discriminator: d, generator: g))
        for entry in store.entries { store[entry.name].copy(from: try weights.file.tensor("\(prefix).\(entry.name)")) }
        return PretrainingModel(discriminator: d, generator: g, parameters: store)
    }

    static func lambSettings(_ fixture: Fixture) throws -> OptimizerSettings {
        let settings = OptimizerSettings(kind: .lamb, beta1: try fixture.float("beta1"), beta2: try fixture.float("beta2"),
                                         epsilon: try fixture.float("eps"), weightDecay: try fixture.float("weight_decay"))
        #expect(settings == .nvidiaLAMB, "the fixture uses NVIDIA's LAMB settings")
        return settings
    }

    static func schedule(_ fixture: Fixture, kind: LearningRateSchedule.Kind) throws -> LearningRateSchedule {
        LearningRateSchedule(peak: try fixture.float("peak"), warmupSteps: try fixture.int("warmup"), totalSteps: try fixture.int("total"),
                             power: try fixture.float("power"), kind: kind)
    }

    @Test func nvidiaPhase1LAMBWithAccumulation() throws {
        let fixture = try Fixture("lamb_phase1")
        let model = try Self.pretrainingModel(fixture, weights: fixture, prefix: "init")
        let optimizer = Optimizer(settings: try Self.lambSettings(fixture), parameters: model.parameters)
        let worst = try Self.runPretraining(fixture, model: model, optimizer: optimizer,
                                            schedule: try Self.schedule(fixture, kind: .warmupThenDecay))
        print("trajectory parity, NVIDIA phase 1 (LAMB, accumulation 2, 12 updates): \(worst)")
    }

    @Test func nvidiaPhase2KeepsTheMomentsAndRestartsTheStep() throws {
        let phase1 = try Fixture("lamb_phase1")
        let fixture = try Fixture("lamb_phase2")
        let model = try Self.pretrainingModel(fixture, weights: phase1, prefix: "final")
        let optimizer = Optimizer(settings: try Self.lambSettings(fixture), parameters: model.parameters)
        for entry in model.parameters.entries {
            optimizer.firstMoments[entry.name].copy(from: try phase1.file.tensor("m.\(entry.name)"))
            optimizer.secondMoments[entry.name].copy(from: try phase1.file.tensor("v.\(entry.name)"))
        }
        optimizer.step = 0   // NVIDIA run_pretraining.py:392-397: phase 2 sets optimizer.iterations to 0, keeping the slots
        let worst = try Self.runPretraining(fixture, model: model, optimizer: optimizer,
                                            schedule: try Self.schedule(fixture, kind: .warmupThenDecay))
        print("trajectory parity, NVIDIA phase 2 (moments kept, step reset, length 32, 10 updates): \(worst)")
    }

    @Test func googleAdamWWithoutBiasCorrection() throws {
        let fixture = try Fixture("google_adamw")
        let model = try Self.pretrainingModel(fixture, weights: fixture, prefix: "init")
        let settings = OptimizerSettings.googleAdamW
        #expect(!settings.biasCorrection)
        let fixed = (try fixture.float("beta1"), try fixture.float("beta2"), try fixture.float("eps"), try fixture.float("weight_decay"))
        #expect(settings.beta1 == fixed.0 && settings.beta2 == fixed.1 && settings.epsilon == fixed.2 && settings.weightDecay == fixed.3,
                "the fixture uses Google's AdamW settings")
        let optimizer = Optimizer(settings: settings, parameters: model.parameters)
        let worst = try Self.runPretraining(fixture, model: model, optimizer: optimizer,
                                            schedule: try Self.schedule(fixture, kind: .decayTimesWarmup))
        print("trajectory parity, Google AdamW (no bias correction, decay × warmup, 12 updates): \(worst)")
    }

    // MARK: SQuAD

    /// The fixture's rows as training features ([CLS] question [SEP] context [SEP] + padding).
    static func squadFeatures(_ fixture: Fixture) throws -> [SQuADFeature] {
        let (shape, ids) = try fixture.file.integers("input_ids")
        let (F, T) = (shape[0], shape[1])
        let mask = try fixture.file.integers("attention_mask").values
        let types = try fixture.file.integers("token_type_ids").values
        let pMask = try fixture.file.tensor("p_mask").scalars.map { Int32($0) }
        let impossible = try fixture.file.tensor("is_impossible").scalars
        let questions = try fixture.file.integers("question_lengths").values
        let starts = try fixture.file.integers("start_positions").values, ends = try fixture.file.integers("end_positions").values
        return (0..<F).map { i in
            let rows = (i * T)..<((i + 1) * T)
            let n = Int(mask[rows].reduce(0, +))
            let q = Int(questions[i])
            let context = n - q - 3
            let feature = SQuADFeature(exampleIndex: i, windowIndex: 0, sequenceLength: T, tokenIds: Array(ids[(i * T)..<(i * T + n)]), padId: 0,
                                       contextStart: q + 2, contextLength: context, windowStart: 0,
                                       contextOffsets: ArraySlice((0..<context).map { $0..<($0 + 1) }),
                                       maxContextFlags: Array(repeating: true, count: context), startPosition: Int(starts[i]),
                                       endPosition: Int(ends[i]), isImpossible: impossible[i] == 1)
            #expect(feature.tokenTypeIds == Array(types[rows]) && feature.pMask == Array(pMask[rows]),
                    "feature \(i): token types and p_mask as the fixture's")
            return feature
        }
    }

    /// Fine-tunes the fixture's model directory through `SQuADFineTuner.train` with one batch of every
    /// feature per update (the epoch shuffles then only permute the rows of a mean) and compares.
    static func runSQuAD(_ head: QuestionAnsweringHeadKind) throws {
        let fixture = try Fixture("squad_\(head.rawValue)")
        let directory = Fixtures.directory.appendingPathComponent("trajectory/squad-\(head.rawValue)-model").path
        let model = try QuestionAnsweringModel.load(directory, kind: head, answerability: head == .joint, head: .required)
        let initial = model.parameters.zerosLike()
        for entry in initial.entries { initial[entry.name].copy(from: model.parameters[entry.name]) }
        let features = try squadFeatures(fixture)
        let updates = try fixture.int("updates")
        let settings = SQuADTrainingSettings(
            epochs: Double(updates), batchSize: features.count, accumulation: 1, learningRate: try fixture.float("peak"),
            warmupProportion: try fixture.float("warmup_proportion"), optimizer: .adamW, schedule: .warmupThenDecay,
            weightDecay: try fixture.float("weight_decay"), layerDecay: try fixture.float("layer_decay"),
            clipNorm: try fixture.float("clip_norm"), seed: 1, beamSize: 5)
        let fixed = (try fixture.float("beta1"), try fixture.float("beta2"), try fixture.float("eps"))
        #expect(settings.optimizer.biasCorrection && settings.optimizer.beta1 == fixed.0 && settings.optimizer.beta2 == fixed.1
                && settings.optimizer.epsilon == fixed.2, "bias-corrected AdamW with the fixture's settings")
        #expect(settings.updates(features: features.count) == updates)
        let schedule = settings.learningRates(features: features.count)
        var worst = Worst()
        _ = expectSeries("learning rate", (0..<updates).map { Double(schedule.rate($0)) }, try fixture.scalars("learning_rate"),
                         rtol: 1e-6)
        let losses = try SQuADFineTuner(model: model, settings: settings).train(features)
        worst.loss = expectSeries("squad loss", losses.map(Double.init), try fixture.scalars("loss"))
        let layers = model.config.numHiddenLayers
        worst.weights = try expectStore("squad", model.parameters, fixture, prefix: "final",
                                        skip: { zeroGradient($0, layers: layers, head: head) })
        // The zero-gradient tensors: the oracle leaves them where they started; here they follow
        // AdamW's reading of round-off, bounded by one unit step per update at each tensor's rate.
        let scales = model.layerRateScales(decay: settings.layerDecay)
        let travel = (0..<updates).reduce(0.0) { $0 + Double(schedule.rate($1)) }
        var drift = 0.0
        for entry in model.parameters.entries where zeroGradient(entry.name, layers: layers, head: head) {
            let expected = try fixture.file.tensor("final.\(entry.name)").scalars
            #expect(expected == initial[entry.name].scalars, "the oracle keeps \(entry.name)")
            let moved = zip(model.parameters[entry.name].scalars, expected).map { Double(abs($0 - $1)) }.max()!
            drift = max(drift, moved)
            #expect(moved <= travel * Double(scales[entry.name]!), "\(entry.name) drifted \(moved)")
        }
        print("trajectory parity, SQuAD \(head.rawValue) head (AdamW, layer decay 0.8, \(updates) updates): worst relative error: "
              + "losses \(e(worst.loss)), weights \(worst.weights); zero-gradient tensors drifted at most \(e(drift))")
    }

    @Test func squadSpanFineTuningWithLayerDecay() throws { try Self.runSQuAD(.span) }

    @Test func squadJointHeadFineTuningWithAnswerability() throws { try Self.runSQuAD(.joint) }
}
