// Classification fine-tuning through the shared loop: a small model learns a synthetic sentiment task
// and a synthetic tagging task well above chance on held-out sentences, evaluated every epoch with
// the best epoch's parameters kept; regression and multi-label heads reduce their losses.

import Electra
import ElectraNN
import ElectraTensor
import ElectraTokenizer
import Foundation
import Testing
import _TestSupport

/// Sentences whose label only their sentiment words decide: "the film was great and fun" is
/// positive; nouns and the neutral filler carry nothing. Dev sentences use nouns never trained on.
enum SentimentTask {
    static let positive = ["great", "good", "wonderful", "excellent", "fun", "lovely", "nice", "happy"]
    static let negative = ["bad", "awful", "terrible", "boring", "poor", "sad", "horrible", "dull"]
    static let trainingNouns = ["film", "book", "meal", "trip", "game", "show", "song", "party", "class", "hotel"]
    static let heldOutNouns = ["concert", "museum", "lecture", "garden", "festival"]
    static let fillers = ["really", "quite", "very", "rather"]

    /// Sentence `i` about `noun`, and its label (1 positive, 0 negative).
    static func sentence(_ i: Int, noun: String) -> (String, Int) {
        let label = (i / 3 + i) % 2
        let words = label == 1 ? positive : negative
        let first = words[(i * 3) % words.count], second = words[(i * 5 + 1) % words.count]
        return ("the \(noun) was \(fillers[i % fillers.count]) \(first) and \(second)", label)
    }

    static func features(_ featurizer: ClassificationFeaturizer, nouns: [String], count: Int, offset: Int) -> [ClassificationFeature] {
        (0..<count).map { k in
            let (text, label) = sentence(offset + k, noun: nouns[k % nouns.count])
            return featurizer.sequence(text, target: .category(label), example: k)
        }
    }
}

/// Tagging by context: the word after "to" is a place (1), the word before "said" a person (2),
/// everything else 0; the names are drawn from pools, the dev sentences' from pools never trained on.
enum TaggingTask {
    static let trainingNames = ["paris", "rome", "oslo", "lima", "cairo", "delhi", "tokyo", "berlin", "madrid", "vienna",
                                "john", "mary", "peter", "susan", "david", "linda", "james", "karen", "paul", "nancy",
                                "london", "moscow", "athens", "warsaw", "lisbon", "boston", "denver", "dallas", "seattle", "miami",
                                "robert", "alice", "thomas", "emma", "daniel", "sarah", "mark", "anna", "steven", "julia"]
    static let heldOutNames = ["dublin", "prague", "sofia", "kyoto", "george", "helen", "frank", "laura"]

    static func sentence(_ i: Int, names: [String]) -> (words: [String], tags: [Int]) {
        let place = names[(i * 7) % names.count], person = names[(i * 3 + 1) % names.count]
        if i % 2 == 0 {
            return (["yesterday", person, "said", "we", "went", "to", place], [0, 2, 0, 0, 0, 0, 1])
        }
        return (["we", "flew", "to", place, "and", person, "said", "hello"], [0, 0, 0, 1, 0, 2, 0, 0])
    }
}

private let fixtureModel = Fixtures.directory.appendingPathComponent("model/discriminator").path

@Suite("Classification fine-tuning", .serialized) struct ClassificationFineTuningTests {
    func settings(epochs: Double, rate: Float) -> FineTuningSettings {
        var settings = FineTuningSettings(epochs: epochs, batchSize: 8, accumulation: 1, learningRate: rate, warmupProportion: 0.1,
                                          optimizer: .googleAdamW, schedule: .decayTimesWarmup, weightDecay: 0.01, layerDecay: 0.8)
        settings.seed = 7
        return settings
    }

    func accuracy(_ tuner: ClassificationFineTuner, _ features: [ClassificationFeature]) -> Double {
        let logits = tuner.logits(features)
        let correct = zip(logits, features).filter { logits, feature in
            guard case .category(let label)? = feature.target else { return false }
            return logits.indices.max { logits[$0] < logits[$1] } == label
        }.count
        return Double(correct) / Double(features.count)
    }

    @Test func sentimentRisesWellAboveChanceOnHeldOutSentences() throws {
        let model = try ClassificationModel.load(fixtureModel, kind: .sequence, problem: .singleLabel, labelNames: ["negative", "positive"],
                                                 head: .initializeIfAbsent(seed: 2))
        let featurizer = ClassificationFeaturizer(tokenizer: try ModelDirectory.tokenizer(for: fixtureModel, config: model.config),
                                                  maxSequenceLength: 16)
        let train = SentimentTask.features(featurizer, nouns: SentimentTask.trainingNouns, count: 160, offset: 0)
        let dev = SentimentTask.features(featurizer, nouns: SentimentTask.heldOutNouns, count: 60, offset: 1000)
        #expect(Set(dev.compactMap(\.target)).count == 2)
        let tuner = ClassificationFineTuner(model: model, settings: settings(epochs: 12, rate: 2e-3))
        let before = accuracy(tuner, dev)
        let result = try tuner.train(train, evaluate: { epoch in
            let score = accuracy(tuner, dev)
            return FineTuningEvaluation(score: score, summary: "epoch \(epoch): dev accuracy \(score)")
        })
        let scores = result.evaluations.map(\.score)
        print("sentiment fine-tuning (\(result.losses.count) updates): loss \(result.losses.prefix(5).reduce(0, +) / 5) → "
              + "\(result.losses.suffix(5).reduce(0, +) / 5); dev accuracy \(before) before, per epoch \(scores), best epoch \(result.best.map { $0 + 1 } ?? 0)")
        #expect(result.evaluations.count == 12)
        #expect(scores.max()! >= 0.9, "dev accuracy \(scores): chance is 0.5")
        // The model holds the best epoch's parameters.
        #expect(accuracy(tuner, dev) == scores[result.best!])
    }

    @Test func taggingLearnsFromContextOnHeldOutNames() throws {
        let model = try ClassificationModel.load(fixtureModel, kind: .token, problem: .singleLabel, labelNames: ["O", "LOC", "PER"],
                                                 head: .initializeIfAbsent(seed: 4))
        let featurizer = ClassificationFeaturizer(tokenizer: try ModelDirectory.tokenizer(for: fixtureModel, config: model.config),
                                                  maxSequenceLength: 16)
        func features(_ names: [String], _ count: Int, offset: Int) -> [(ClassificationFeature, [Int])] {
            (0..<count).flatMap { k in
                let (words, tags) = TaggingTask.sentence(offset + k, names: names)
                return featurizer.words(words, tags: tags, example: k).map { ($0, tags) }
            }
        }
        let train = features(TaggingTask.trainingNames, 240, offset: 0).map(\.0)
        let dev = features(TaggingTask.heldOutNames, 40, offset: 500)
        let tuner = ClassificationFineTuner(model: model, settings: settings(epochs: 10, rate: 3e-3))
        /// Accuracy on the names (the tags that are not O), by each word's first sub-token.
        func nameAccuracy() -> Double {
            let logits = tuner.logits(dev.map(\.0))
            var correct = 0, total = 0
            for ((feature, tags), values) in zip(dev, logits) {
                for (t, word) in feature.words.enumerated() {
                    guard let word, tags[word] != 0 else { continue }
                    let row = values[(t * 3)..<(t * 3 + 3)]
                    correct += row.indices.max { row[$0] < row[$1] }! - row.startIndex == tags[word] ? 1 : 0
                    total += 1
                }
            }
            return Double(correct) / Double(total)
        }
        let result = try tuner.train(train, evaluate: { _ in FineTuningEvaluation(score: nameAccuracy(), summary: "") })
        let scores = result.evaluations.map(\.score)
        print("tagging fine-tuning (\(result.losses.count) updates): loss \(result.losses.prefix(5).reduce(0, +) / 5) → "
              + "\(result.losses.suffix(5).reduce(0, +) / 5); held-out name accuracy per epoch \(scores)")
        // Three tags: always guessing one of LOC, PER gets half of the names.
        #expect(scores.max()! >= 0.9, "name accuracy \(scores)")
    }

    @Test(arguments: [ClassificationProblem.regression, .multiLabel])
    func regressionAndMultiLabelLossesFall(problem: ClassificationProblem) throws {
        let labels = problem == .regression ? ["LABEL_0"] : ["positive", "about food", "long"]
        let model = try ClassificationModel.load(fixtureModel, kind: .sequence, problem: problem, labelNames: labels,
                                                 head: .initializeIfAbsent(seed: 5))
        let featurizer = ClassificationFeaturizer(tokenizer: try ModelDirectory.tokenizer(for: fixtureModel, config: model.config),
                                                  maxSequenceLength: 16)
        let features = (0..<64).map { k -> ClassificationFeature in
            let (text, label) = SentimentTask.sentence(k, noun: SentimentTask.trainingNouns[k % 10])
            let target: SequenceTarget = problem == .regression
                ? .value(label == 1 ? 4.5 : 0.5)
                : .labels([Float(label), k % 10 == 2 ? 1 : 0, 1])
            return featurizer.sequence(text, target: target, example: k)
        }
        let result = try ClassificationFineTuner(model: model, settings: settings(epochs: 30, rate: 2e-3)).train(features)
        let first = result.losses.prefix(4).reduce(0, +) / 4, last = result.losses.suffix(4).reduce(0, +) / 4
        print("\(problem.rawValue) fine-tuning: loss \(first) → \(last) over \(result.losses.count) updates")
        #expect(last < (problem == .regression ? 0.3 : 0.6) * first)
    }

    @Test func wordsPastTheLengthLimitGoToFurtherPieces() throws {
        let tokenizer = try ModelDirectory.tokenizer(for: fixtureModel, config: try ElectraConfig(contentsOf: fixtureModel + "/config.json"))
        let featurizer = ClassificationFeaturizer(tokenizer: tokenizer, maxSequenceLength: 6)
        let words = ["the", "unbelievably", "long", "sentence", "goes", "on"]
        let pieces = words.map { tokenizer.encode($0).ids.count }
        let features = featurizer.words(words, tags: [0, 1, 2, 0, 1, 2], example: 0)
        // Every word is first of its sub-tokens in exactly one piece, in order, and each piece fits.
        #expect(features.flatMap { $0.words.compactMap { $0 } } == Array(0..<words.count))
        #expect(features.count > 1 && features.allSatisfy { $0.sequenceLength <= 6 })
        for feature in features {
            #expect(feature.ids.first == tokenizer.vocabulary.classifierId && feature.ids.last == tokenizer.vocabulary.separatorId)
            for (t, word) in feature.words.enumerated() {
                #expect(feature.tokenLabels[t] == (word.map { Int32([0, 1, 2, 0, 1, 2][$0]) } ?? CrossEntropy.ignoreIndex))
            }
        }
        print("NER pieces for sub-token counts \(pieces) in windows of 6: \(features.map { $0.words.compactMap { $0 } })")
        // Pairs: longest first.
        let pair = ClassificationFeaturizer(tokenizer: tokenizer, maxSequenceLength: 9)
            .sequence("one two three four five six", pair: "seven eight", target: nil, example: 0)
        #expect(pair.ids.count == 9 && pair.tokenTypes == [0, 0, 0, 0, 0, 0, 1, 1, 1])
    }
}
