// The references' recipes, point by point: generator sizing, the two named presets, Google's AdamW
// without bias correction and its schedule, TensorFlow's clipping, phase 2 continuing the optimizer
// moments, masking with replacement and Gumbel sampling (statistical tests), and the run-directory
// housekeeping (checkpoint numbers past 999,999, metrics after a resume, damaged state).

@testable import Electra
import ElectraNN
import ElectraOptim
import ElectraTensor
import Foundation
import Testing
import _TestSupport

@Suite("Recipes") struct RecipeTests {
    @Test func generatorWidthIsRoundedUpToAMultipleOf64AsNVIDIA() {
        // NVIDIA TF2 modeling.py 585–593: ELECTRA-large at 1/3 gets 384 wide, 6 heads, FFN 1536.
        let large = ElectraConfig.large.generator(fraction: 1.0 / 3.0)
        #expect((large.hiddenSize, large.numAttentionHeads, large.intermediateSize) == (384, 6, 1536))
        let google = ElectraConfig.large.generator(fraction: 1.0 / 3.0, sizing: .google)
        #expect(google.hiddenSize == 341)
        for sizing in ElectraConfig.GeneratorSizing.allCases {
            let small = ElectraConfig.small.generator(fraction: 0.25, sizing: sizing)
            #expect((small.hiddenSize, small.numAttentionHeads, small.intermediateSize) == (64, 1, 256))
            let base = ElectraConfig.base.generator(fraction: 1.0 / 3.0, sizing: sizing)
            #expect((base.hiddenSize, base.numAttentionHeads, base.intermediateSize) == (256, 4, 1024))
        }
        #expect(PretrainingRecipe.nvidia.generatorFraction(hiddenSize: 1024) == 1.0 / 3.0)
        #expect(PretrainingRecipe.google.generatorFraction(hiddenSize: 1024) == 0.25)
    }

    @Test func thePresetsAreTheReferences() {
        let nvidia = PretrainingRecipe.nvidia, google = PretrainingRecipe.google
        #expect(nvidia.optimizer == OptimizerSettings(kind: .lamb, beta1: 0.878, beta2: 0.974, epsilon: 1e-6, weightDecay: 0.01,
                                                      skipAdaptive: true, biasCorrection: true))
        #expect(google.optimizer == OptimizerSettings(kind: .adamw, beta1: 0.9, beta2: 0.999, epsilon: 1e-6, weightDecay: 0.01,
                                                      skipAdaptive: false, biasCorrection: false))
        #expect(nvidia.learningRate(hiddenSize: 768, phase: 1) == 6e-3 && nvidia.learningRate(hiddenSize: 768, phase: 2) == 4e-3)
        #expect(google.learningRate(hiddenSize: 256, phase: 1) == 5e-4 && google.learningRate(hiddenSize: 768, phase: 1) == 2e-4)
        #expect(nvidia.warmupSteps(steps: 10_000) == 2_000 && google.warmupSteps(steps: 1_000_000) == 10_000)
        #expect(nvidia.scheduleKind == .warmupThenDecay && nvidia.decayPower == 0.5)
        #expect(google.scheduleKind == .decayTimesWarmup && google.decayPower == 1)
        #expect(google.maskProbability(hiddenSize: 1024) == 0.25 && nvidia.maskProbability(hiddenSize: 1024) == 0.15)
    }

    @Test func googlesAdamWHasNoBiasCorrection() {
        // model/optimization.py: m = 0.1 g, v = 0.001 g², update = m / (√v + ε); no division by 1 − βᵗ.
        let store = ParameterStore(layout: [("w.bias", [1])])
        store["w.bias"].fill(1)
        let gradients = store.zerosLike()
        gradients["w.bias"].fill(0.5)
        let optimizer = Optimizer(settings: .googleAdamW, parameters: store)
        optimizer.update(gradients: gradients, learningRate: 0.1)
        let g = 0.5, m = 0.1 * g, v = 0.001 * g * g
        let expected = 1 - 0.1 * m / (v.squareRoot() + 1e-6)
        #expect(abs(Double(store["w.bias"].scalars[0]) - expected) < 1e-5, "\(store["w.bias"].scalars[0]) vs \(expected)")
        // With bias correction (NVIDIA, PyTorch) the first step is lr · g / (|g| + ε) ≈ lr.
        store["w.bias"].fill(1)
        Optimizer(settings: .adamW, parameters: store).update(gradients: gradients, learningRate: 0.1)
        #expect(abs(Double(store["w.bias"].scalars[0]) - 0.9) < 1e-5)
    }

    @Test func schedulesFollowTensorFlowsFormulas() {
        let nvidia = LearningRateSchedule(peak: 1, warmupSteps: 10, totalSteps: 100, power: 1)
        let google = LearningRateSchedule(peak: 1, warmupSteps: 10, totalSteps: 100, power: 1, kind: .decayTimesWarmup)
        #expect(nvidia.rate(0) == 0 && google.rate(0) == 0)
        #expect(nvidia.rate(5) == 0.5)
        #expect(abs(google.rate(5) - 0.95 * 0.5) < 1e-7)          // (1 − 5/100) · 5/10
        #expect(abs(nvidia.rate(55) - (1 - 45.0 / 90)) < 1e-7)    // decay counted from the warmup's end
        #expect(abs(google.rate(55) - (1 - 55.0 / 100)) < 1e-7)   // decay counted from step 0
        #expect(nvidia.rate(100) == 0 && google.rate(150) == 0)
        let sqrt = LearningRateSchedule(peak: 2, warmupSteps: 0, totalSteps: 4, power: 0.5)
        #expect(abs(sqrt.rate(3) - 2 * Float(0.25).squareRoot()) < 1e-6)
    }

    @Test func clippingIsTensorFlowsClipByGlobalNorm() {
        // t · clip / max(‖t‖, clip): a norm of exactly the threshold is left alone, a larger one is
        // scaled to it exactly (PyTorch's clip/(‖t‖ + 1e-6) would change both).
        let atThreshold = [Tensor(shape: [2], values: [0.6, 0.8])]
        #expect(GlobalNorm.clip(atThreshold, maxNorm: 1) == 1)
        #expect(atThreshold[0].scalars == [0.6, 0.8])
        let twice = [Tensor(shape: [1], values: [2]), Tensor(shape: [1], values: [0])]
        #expect(GlobalNorm.clip(twice, maxNorm: 1) == 2)
        #expect(twice[0].scalars == [1] && twice[1].scalars == [0])
    }

    @Test func phaseTwoContinuesThePhaseOneMoments() throws {
        let run = temporaryRun("phase1")
        let first = try Pretrainer(settings: tinySettings(steps: 3, run: run), run: run)
        try first.train { _ in }
        let checkpoint = try #require(CheckpointStore.latest(run: run))
        var settings = tinySettings(steps: 4, run: "")
        settings.phase = 2
        let second = try Pretrainer(settings: settings, run: temporaryRun("phase2"), initFrom: checkpoint)
        #expect(second.optimizer.step == 0, "bias correction restarts in phase 2")
        #expect(second.optimizer.firstMoments.flat.scalars == first.optimizer.firstMoments.flat.scalars)
        #expect(second.optimizer.secondMoments.flat.scalars == first.optimizer.secondMoments.flat.scalars)
        #expect(second.model.parameters.flat.scalars == first.model.parameters.flat.scalars)
        #expect(first.optimizer.secondMoments.flat.scalars.contains { $0 != 0 })
        let fresh = try Pretrainer(settings: settings, run: temporaryRun("phase2-fresh"), initFrom: checkpoint, continueMoments: false)
        #expect(fresh.optimizer.secondMoments.flat.scalars.allSatisfy { $0 == 0 })
    }

    /// 4,000 sequences of 32 with 28 candidates each: counts, exclusions, duplicates, uniformity and
    /// the [MASK] share against what `tf.random.categorical` with replacement gives.
    @Test func maskingDrawsWithReplacementAsTheReferences() {
        let B = 4000, T = 32
        var ids = [Int32](repeating: 0, count: B * T), mask = [Int32](repeating: 0, count: B * T)
        for b in 0..<B {
            let length = b % 2 == 0 ? T : 30   // every other sequence ends in two padding tokens
            for t in 0..<length {
                ids[b * T + t] = t == 0 ? 101 : t == length - 1 ? 102 : t == 5 ? 103 : Int32(1000 + t)
                mask[b * T + t] = 1
            }
        }
        let batch = TokenBatch(batch: B, length: T, ids: ids, attentionMask: mask)
        var randomness = RandomGenerator(seed: 5)
        let masked = MaskingPolicy().mask(batch, randomness: &randomness)
        // max(1, min(int(0.155 · 32) = 4, round(tokens · 0.15))): 32 tokens → 4 (4.8 capped), 30 → 4 (4.5 → 4).
        #expect(masked.positions.count == 4 * B)
        var perSequence = [Int](repeating: 0, count: B), duplicates = 0, histogram = [Int](repeating: 0, count: T)
        var drawnOnce = 0, maskedOnce = 0
        for (k, position) in masked.positions.enumerated() {
            let p = Int(position), t = p % T
            perSequence[p / T] += 1
            histogram[t] += 1
            #expect(![101, 102, 103].contains(ids[p]) && mask[p] == 1, "position \(t) is not a candidate")
            #expect(masked.targets[k] == ids[p])
            if k > 0 && masked.positions[k - 1] == position { duplicates += 1 }
            let alone = (k == 0 || masked.positions[k - 1] != position) && (k + 1 == masked.positions.count || masked.positions[k + 1] != position)
            if alone { drawnOnce += 1; if masked.input.ids[p] == 103 { maskedOnce += 1 } }
        }
        #expect(perSequence.allSatisfy { $0 == 4 })
        #expect(zip(masked.positions, masked.positions.dropFirst()).allSatisfy { $0 <= $1 }, "positions ascend")
        // Four draws from 28 (or 26) candidates repeat a position with probability ≈ 0.2: about 800 of 4000.
        #expect(duplicates > 600 && duplicates < 1000, "\(duplicates) repeated draws")
        // Uniform over the candidates: the 26 positions every sequence offers (1–4, 6–27) are hit
        // equally often; chi-square with 25 degrees of freedom below its 0.999 quantile (52.6).
        let common = Array(1...4) + Array(6...27)
        let total = common.map { Double(histogram[$0]) }.reduce(0, +), expected = total / Double(common.count)
        let chiSquare = common.map { pow(Double(histogram[$0]) - expected, 2) / expected }.reduce(0, +)
        #expect(chiSquare < 52.6, "chi-square \(chiSquare)")
        // A position drawn once is [MASK] with probability 0.85 (four standard deviations allowed).
        let share = Double(maskedOnce) / Double(drawnOnce), deviation = (0.85 * 0.15 / Double(drawnOnce)).squareRoot()
        #expect(abs(share - 0.85) < 4 * deviation, "[MASK] share \(share)")
    }

    @Test func aPositionDrawnTwiceTakesTheFloorOfItsSamplesMean() {
        let input = TokenBatch(batch: 1, length: 4, ids: [101, 7, 8, 102])
        let masked = MaskedBatch(input: input, positions: [1, 1, 2], targets: [7, 7, 8])
        #expect(masked.corrupted(input.ids, samples: [10, 13, 9]) == [101, 11, 9, 102])   // ⌊(10 + 13) / 2⌋ = 11
    }

    /// Gumbel-max samples follow softmax(logits / temperature): chi-square over 8 outcomes.
    @Test func gumbelSamplesFollowTheSoftmax() {
        let logits: [Float] = [2, 1, 0.5, 0, -0.5, -1, 1.5, 0.25]
        let rows = 40_000
        let table = Tensor(zeros: [rows, logits.count])
        for r in 0..<rows { for (j, value) in logits.enumerated() { table.pointer[r * logits.count + j] = value } }
        for temperature: Float in [1, 0.5] {
            var randomness = RandomGenerator(seed: 11)
            let samples = GumbelSampler.sample(table, temperature: temperature, randomness: &randomness)
            var counts = [Double](repeating: 0, count: logits.count)
            for s in samples { counts[Int(s)] += 1 }
            let weights: [Double] = logits.map { exp(Double($0 / temperature)) }
            let sum = weights.reduce(0, +)
            var chiSquare = 0.0
            for (count, weight) in zip(counts, weights) {
                let expected: Double = Double(rows) * weight / sum
                chiSquare += (count - expected) * (count - expected) / expected
            }
            #expect(chiSquare < 24.3, "temperature \(temperature): chi-square \(chiSquare) with 7 degrees of freedom")   // 0.999 quantile
        }
    }
}

@Suite("Run directories", .serialized) struct RunDirectoryTests {
    @Test func checkpointNumbersPast999999KeepTheNewest() throws {
        let run = temporaryRun("numbers")
        let store = ParameterStore(layout: [("w", [2])])
        for step in [999_998, 999_999, 1_000_000, 1_000_001] {
            store["w"].fill(Float(step))
            try CheckpointStore.save(run: run, step: step, parameters: store, firstMoments: store.zerosLike(),
                                     secondMoments: store.zerosLike(), state: ["step": step], keep: 2)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: CheckpointStore.directory(run)).filter { $0.hasPrefix("ckpt-") }.sorted()
        #expect(names == ["ckpt-1000000", "ckpt-1000001"])
        #expect(CheckpointStore.latest(run: run)?.hasSuffix("ckpt-1000001") == true)
        try FileManager.default.removeItem(atPath: CheckpointStore.directory(run) + "/latest")
        #expect(CheckpointStore.latest(run: run)?.hasSuffix("ckpt-1000001") == true, "the scan orders by number, not name")
    }

    @Test func checkpointEveryZeroSavesOnlyAtTheEnd() throws {
        let run = temporaryRun("every0")
        var settings = tinySettings(steps: 2, run: run)
        settings.checkpointEvery = 0
        try Pretrainer(settings: settings, run: run).train { _ in }
        let names = try FileManager.default.contentsOfDirectory(atPath: CheckpointStore.directory(run)).filter { $0.hasPrefix("ckpt-") }
        #expect(names == ["ckpt-000002"])
    }

    /// A run that logged updates after its last checkpoint and then died logs them again on resume:
    /// `metrics.jsonl` must still hold each update once.
    @Test func resumingLeavesNoRepeatedMetricsLines() throws {
        let run = temporaryRun("metrics")
        var settings = tinySettings(steps: 6, run: run)
        settings.checkpointEvery = 2
        settings.keepCheckpoints = 5
        try Pretrainer(settings: settings, run: run).train { _ in }
        // Pretend it died after logging update 6 but before saving it.
        let root = CheckpointStore.directory(run)
        try FileManager.default.removeItem(atPath: root + "/ckpt-000006")
        try Data("ckpt-000004".utf8).write(to: URL(fileURLWithPath: root + "/latest"))
        let resumed = try Pretrainer(settings: settings, run: run, resume: true)
        #expect(resumed.completed == 4)
        try resumed.train { _ in }
        let steps = try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8).split(separator: "\n").map { line -> Int in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return object["step"] as! Int
        }
        #expect(steps == [1, 2, 3, 4, 5, 6])
    }

    @Test func aDamagedStateIsRefusedWithItsPath() throws {
        let run = temporaryRun("damaged")
        try Pretrainer(settings: tinySettings(steps: 1, run: run), run: run).train { _ in }
        let checkpoint = try #require(CheckpointStore.latest(run: run))
        let path = checkpoint + "/state.json"
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        for damage in ["{", "{\"step\": 1}", String(decoding: good, as: UTF8.self).replacingOccurrences(of: "\"batchSize\" : 16", with: "\"batchSize\" : 0"),
                       String(decoding: good, as: UTF8.self).replacingOccurrences(of: "\"num_attention_heads\" : 2", with: "\"num_attention_heads\" : 0")] {
            try Data(damage.utf8).write(to: URL(fileURLWithPath: path))
            let loads: [() throws -> Void] = [{ _ = try Pretrainer.loadModel(checkpoint: checkpoint) },
                                              { _ = try Pretrainer(settings: tinySettings(steps: 1, run: run), run: run, resume: true) }]
            for load in loads {
                do {
                    try load()
                    Issue.record("a damaged state.json was accepted: \(damage.prefix(40))")
                } catch {
                    #expect(error is CheckpointError || error is ConfigError)
                    #expect("\(error)".contains(checkpoint), "\(error)")
                }
            }
        }
    }

    @Test func tokenTypesBeyondTheModelAreAnErrorNotATrap() throws {
        var settings = tinySettings(steps: 1, run: "")
        settings.discriminator.typeVocabSize = 1
        settings.generator.typeVocabSize = 1
        let trainer = try Pretrainer(settings: settings, run: temporaryRun("types"))
        #expect(throws: InputError.self) { try trainer.train { _ in } }   // the novel's shards hold sentence pairs
    }
}
