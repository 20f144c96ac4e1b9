// Pretraining end to end on a small corpus: the model learns, a resumed run repeats the uninterrupted
// one exactly, a kill -9 at any moment leaves a loadable checkpoint, and a NaN stops with a message.

import Electra
import ElectraData
import ElectraOptim
import ElectraTensor
import ElectraTokenizer
import Foundation
import Testing
import _TestSupport

/// Shards of the novel's first chapters (sequence length 64), made once per test process.
let smallShards: String = {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("electra-shards-\(UUID().uuidString)").path
    let novel = Fixtures.novel.path
    let text = try! String(contentsOfFile: novel, encoding: .utf8)
    let excerpt = directory + "-excerpt.txt"
    try! String(text.prefix(60_000)).write(toFile: excerpt, atomically: true, encoding: .utf8)
    let preparer = try! CorpusPreparer(vocabulary: try! Vocabulary.bundled(), lowercase: true, vocabularyPath: Vocabulary.bundledPath(),
                                       options: PrepareOptions(maxSequenceLength: 64, shardCount: 2, format: .paragraphs, seed: 3))
    _ = try! preparer.prepare(files: [excerpt], outputDirectory: directory)
    return directory
}()

func tinySettings(steps: Int, run: String) -> PretrainingSettings {
    var d = ElectraConfig()
    (d.embeddingSize, d.hiddenSize, d.numHiddenLayers, d.numAttentionHeads, d.intermediateSize) = (32, 64, 2, 2, 128)
    d.maxPositionEmbeddings = 64
    let g = d.generator(fraction: 0.5, sizing: .google)
    var settings = PretrainingSettings(discriminator: d, generator: g,
                                       schedule: LearningRateSchedule(peak: 2e-3, warmupSteps: 5, totalSteps: steps, power: 1),
                                       batchSize: 16, maxSequenceLength: 64, steps: steps, seed: 7, checkpointEvery: 1000,
                                       data: smallShards, vocabulary: Vocabulary.bundledPath())
    settings.optimizer = .googleAdamW
    settings.logEvery = 1
    return settings
}

func temporaryRun(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("electra-\(name)-\(UUID().uuidString)").path
}

@Suite("Pretraining", .serialized) struct PretrainingTests {
    @Test func aTinyModelLearns() throws {
        let trainer = try Pretrainer(settings: tinySettings(steps: 60, run: ""), run: temporaryRun("learn"))
        let history = try trainer.train { _ in }
        let first = history.prefix(3), last = history.suffix(5)
        func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
        let generatorBefore = mean(first.map(\.generatorAccuracy)), generatorAfter = mean(last.map(\.generatorAccuracy))
        let discriminatorBefore = mean(first.map(\.discriminatorAccuracy)), discriminatorAfter = mean(last.map(\.discriminatorAccuracy))
        print("pretraining learns: generator accuracy \(generatorBefore) → \(generatorAfter), discriminator accuracy "
              + "\(discriminatorBefore) → \(discriminatorAfter), loss \(history.first!.loss) → \(history.last!.loss)")
        // From chance (1 in 30,522) to the corpus's most frequent fillers within 60 updates, and from a
        // coin toss to telling replaced tokens from originals.
        #expect(generatorBefore < 0.01 && generatorAfter > 0.04, "the generator learns to fill masks")
        #expect(mean(last.map(\.generatorLoss)) < 0.9 * mean(first.map(\.generatorLoss)))
        #expect(discriminatorAfter > discriminatorBefore + 0.25, "the discriminator learns to detect replacements")
        #expect(history.last!.loss < history.first!.loss * 0.6)
    }

    @Test func resumingRepeatsTheUninterruptedRunExactly() throws {
        let steps = 8
        let whole = try Pretrainer(settings: tinySettings(steps: steps, run: ""), run: temporaryRun("whole"))
        let expected = try whole.train { _ in }.map(\.loss)
        let run = temporaryRun("resumed")
        let first = try Pretrainer(settings: tinySettings(steps: steps, run: run), run: run)
        var losses = try first.train(stopAfter: 3) { _ in }.map(\.loss)
        let second = try Pretrainer(settings: tinySettings(steps: steps, run: run), run: run, resume: true)
        #expect(second.completed == 3)
        losses += try second.train { _ in }.map(\.loss)
        #expect(losses == expected, "resumed \(losses) vs uninterrupted \(expected)")
        let metrics = try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(metrics.count == steps && metrics.last!.contains("\"step\":\(steps)"))
        // Export gives two Hugging Face directories.
        let export = run + "/export"
        try Pretrainer.export(checkpoint: CheckpointStore.latest(run: run)!, to: export)
        let discriminator = try ModelDirectory.loadDiscriminator(export + "/discriminator")
        let generator = try ModelDirectory.loadGenerator(export + "/generator")
        #expect(discriminator.parameters["electra.embeddings.word_embeddings.weight"].scalars
                == generator.parameters["electra.embeddings.word_embeddings.weight"].scalars)
    }

    @Test func aStartInAnOccupiedRunDirectoryIsRefused() throws {
        let run = temporaryRun("occupied")
        _ = try Pretrainer(settings: tinySettings(steps: 2, run: run), run: run).train { _ in }
        #expect(throws: TrainingError.self) { _ = try Pretrainer(settings: tinySettings(steps: 2, run: run), run: run) }
    }

    @Test func aCheckpointOfAnotherConfigurationIsRefused() throws {
        let run = temporaryRun("source")
        _ = try Pretrainer(settings: tinySettings(steps: 1, run: run), run: run).train { _ in }
        var other = tinySettings(steps: 1, run: "")
        other.discriminator.intermediateSize = 96
        other.generator.intermediateSize = 96
        do {
            _ = try Pretrainer(settings: other, run: temporaryRun("target"), initFrom: CheckpointStore.latest(run: run))
            Issue.record("a checkpoint of another shape was accepted")
        } catch let error as CheckpointError {
            #expect("\(error)".contains("intermediate") || "\(error)".contains("shape"), "\(error)")
        }
    }

    @Test func aNaNLossStopsWithTheStepAndLastCheckpoint() throws {
        let run = temporaryRun("nan")
        let trainer = try Pretrainer(settings: tinySettings(steps: 4, run: run), run: run)
        trainer.model.parameters["discriminator_predictions.dense.weight"].fill(.nan)
        do {
            try trainer.train { _ in }
            Issue.record("training went on with a NaN loss")
        } catch let error as TrainingError {
            #expect(error == .nonFiniteLoss(step: 1, lastCheckpoint: nil))
            #expect("\(error)".contains("step 1"))
        }
    }

    /// Kills `electra pretrain` with SIGKILL at many moments while it saves a checkpoint every step;
    /// the newest complete checkpoint must always load and resume. A kill counts as landing inside a
    /// save when it leaves a half-written `ckpt-NNNNNN.tmp` folder or a renamed checkpoint that
    /// `latest` does not name yet; the test fails unless at least two kills landed so.
    @Test func killDuringSavesLeavesALoadableCheckpoint() throws {
        #if DEBUG
        let configuration = "debug"
        #else
        let configuration = "release"
        #endif
        let binary = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/\(configuration)/electra").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            Issue.record("\(binary) is not built; run the tests through scripts/test.sh")
            return
        }
        var insideSaves = 0, attempts = 0
        while insideSaves < 2 && attempts < 16 {
            attempts += 1
            let run = temporaryRun("kill")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["pretrain", "--data", smallShards, "--output", run, "--max-seq-length", "64", "--batch-size", "2",
                                 "--steps", "100000", "--checkpoint-every", "1", "--keep", "2", "--log-every", "100000",
                                 "--config", Fixtures.directory.appendingPathComponent("model/discriminator/config.json").path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Wait for the first checkpoint, then kill at a moment that moves through the save cycle.
            let root = CheckpointStore.directory(run)
            let deadline = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: root + "/latest") && Date() < deadline && process.isRunning {
                Thread.sleep(forTimeInterval: 0.01)
            }
            Thread.sleep(forTimeInterval: 0.05 + 0.037 * Double(attempts))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
            let pointer = (try? String(contentsOfFile: root + "/latest", encoding: .utf8)) ?? ""
            let newest = names.filter { $0.hasPrefix("ckpt-") && !$0.hasSuffix(".tmp") }.max() ?? ""
            if names.contains(where: { $0.hasSuffix(".tmp") }) || (newest != "" && newest != pointer) { insideSaves += 1 }
            guard let latest = CheckpointStore.latest(run: run) else { continue }
            let (model, settings) = try Pretrainer.loadModel(checkpoint: latest)
            #expect(model.parameters.parameterCount > 0 && settings.steps == 100000)
            let resumed = try Pretrainer(settings: settings, run: run, resume: true)
            #expect(resumed.completed >= 1)
            try? FileManager.default.removeItem(atPath: run)
        }
        print("kill -9 during saves: \(insideSaves) of \(attempts) kills landed inside a save")
        #expect(insideSaves >= 2, "only \(insideSaves) of \(attempts) kills landed inside a save: the test proved nothing")
    }
}
