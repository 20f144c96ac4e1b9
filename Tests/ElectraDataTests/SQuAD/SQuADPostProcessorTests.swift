// SQuADPostProcessorTests: model outputs to answers for both heads: exact substrings of the original
// context (accents, apostrophes, hyphens, commas), the span rules (context only, max context,
// order, length), n-best softmax, merging windows, the SQuAD 2.0 null score and threshold, and the
// prediction files.

import _TestSupport
@testable import ElectraData
import Foundation
import Testing

@Suite("SQuAD post-processing") struct SQuADPostProcessorTests {
    /// Tokens: dr . zoe o ' neill - bro ##nte , nee muller , won the prix go ##nco ##urt in 1996 .
    static let context = "Dr. Zoë O'Neill-Brontë, née Müller, won the Prix Goncourt in 1996."
    /// "Who won?" is 3 tokens, so context token k sits at position 5 + k.
    static func position(_ token: Int) -> Int { 5 + token }

    func features(_ examples: [SQuADExample], length: Int = 48, stride: Int = 8) throws -> [SQuADFeature] {
        let featurizer = SQuADFeaturizer(tokenizer: try SQuADTestTokenizer.get(), maxSequenceLength: length,
                                         documentStride: stride, maxQueryLength: 8)
        return featurizer.featurize(examples, training: false).features
    }

    func logits(_ count: Int, _ values: [Int: Float], rest: Float = -10) -> [Float] {
        var result = [Float](repeating: rest, count: count)
        for (position, value) in values { result[position] = value }
        return result
    }

    @Test("Plain head: the best valid span, as the exact original text")
    func plainHead() throws {
        let example = squadExample("z", context: Self.context)
        let features = try features([example])
        #expect(features.count == 1 && features[0].length == 28)
        let p = Self.position
        let start = logits(48, [p(2): 5, 1: 9, 40: 8, p(11): 3, p(10): 2])       // zoe; a question token; padding; muller; nee
        let end = logits(48, [p(8): 4, 2: 9, p(0): 4.5, p(11): 3.5, p(12): 1])   // ##nte; a question token; "dr" (before zoe); muller; ","
        let predictions = SQuADPostProcessor(version: .v1_1).predictions(
            examples: [example], features: features, outputs: [SQuADSpanLogits(startLogits: start, endLogits: end)])
        let question = try #require(predictions.questions.first)
        #expect(question.text == "Zoë O'Neill-Brontë")
        #expect(question.nBest[0] == .init(text: "Zoë O'Neill-Brontë", probability: question.nBest[0].probability, startScore: 5, endScore: 4))
        let texts = question.nBest.map(\.text)
        #expect(texts.contains("Müller") && texts.contains("née Müller,") && !texts.contains(""))
        #expect(texts.count == 20 && Set(texts).count == 20)
        let total = question.nBest.reduce(0) { $0 + $1.probability }
        #expect(abs(total - 1) < 1e-12)
        let scores = question.nBest.map { $0.startScore + $0.endScore }
        #expect(zip(scores, scores.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(question.nullOdds == nil)
        // Softmax over the n-best, in Double.
        let expected = exp(9.0 - 9.0) / scores.reduce(0) { $0 + exp($1 - 9.0) }
        #expect(question.nBest[0].probability == expected)
        // Too long for maxAnswerLength 3: the best becomes a short span.
        var short = SQuADPostProcessor(version: .v1_1)
        short.maxAnswerLength = 3
        let shorter = short.predictions(examples: [example], features: features,
                                        outputs: [SQuADSpanLogits(startLogits: start, endLogits: end)])
        #expect(shorter.questions[0].text == "Müller")
    }

    @Test("Top-n positions: by value, ties to the lower position (Python's stable sort)")
    func bestIndices() {
        var state: UInt64 = 42   // a fixed LCG: values in -3…4, many ties
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int(state >> 61) - 3)
        }
        for n in [1, 3, 20, 50] {
            let values = (0..<40).map { _ in next() }
            let reference = values.indices.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }.prefix(n)
            #expect(SQuADPostProcessor.bestIndices(values, n) == Array(reference))
        }
        #expect(SQuADPostProcessor.bestIndices([1, 2, 2, 0, 2], 2) == [1, 2])
    }

    @Test("With no valid span the reference's \"empty\" filler answers")
    func emptyFiller() throws {
        let example = squadExample("z", context: Self.context)
        let features = try features([example])
        let processor = SQuADPostProcessor(version: .v1_1, nBestSize: 1)
        let output = SQuADSpanLogits(startLogits: logits(48, [1: 9]), endLogits: logits(48, [2: 9]))
        let question = processor.predictions(examples: [example], features: features, outputs: [output]).questions[0]
        #expect(question.text == "empty" && question.nBest == [.init(text: "empty", probability: 1, startScore: 0, endScore: 0)])
    }

    @Test("Windows merge: only max-context starts count, texts appear once, the lowest null score wins")
    func windows() throws {
        let numbers = (0..<40).map(String.init).joined(separator: " ")
        let example = squadExample("n", question: "who", context: numbers)
        let features = try features([example], length: 20, stride: 4)
        #expect(features.count == 7)
        // Token 10 is at position 3 + 10 − start in each window holding it; its max context is window 1.
        var outputs: [SQuADSpanLogits] = []
        for feature in features {
            var values: [Int: Float] = [0: 1]
            if (feature.windowStart..<(feature.windowStart + 16)).contains(10) { values[3 + 10 - feature.windowStart] = 6 }
            let start = logits(20, values), end = logits(20, values)
            outputs.append(SQuADSpanLogits(startLogits: start, endLogits: end))
        }
        outputs[2].startLogits[0] = -1   // window 2 has the lowest null score: −1 + 1 = 0
        let processor = SQuADPostProcessor(version: .v2_0)
        let question = processor.predictions(examples: [example], features: features, outputs: outputs).questions[0]
        #expect(question.text == "10" && question.nBest.filter { $0.text == "10" }.count == 1)
        #expect(question.nullOdds == -12.0)
        let null = try #require(question.nBest.first { $0.text == "" })
        #expect(null.startScore == -1 && null.endScore == 1)
        // The same logits in window 0 only (not token 10's max context) give no "10".
        let onlyFirst = [outputs[0]] + features.dropFirst().map { _ in
            SQuADSpanLogits(startLogits: logits(20, [0: 1]), endLogits: logits(20, [0: 1]))
        }
        let other = processor.predictions(examples: [example], features: features, outputs: onlyFirst).questions[0]
        #expect(!other.nBest.contains { $0.text == "10" })
    }

    @Test("SQuAD 2.0: null score minus best span against the threshold")
    func nullThreshold() throws {
        let example = squadExample("z", context: Self.context)
        let features = try features([example])
        let p = Self.position
        func run(null: Float, threshold: Double) -> SQuADPredictions.Question {
            let output = SQuADSpanLogits(startLogits: logits(48, [0: null, p(2): 5]), endLogits: logits(48, [0: null, p(8): 4]))
            return SQuADPostProcessor(version: .v2_0, nullScoreDifferenceThreshold: threshold)
                .predictions(examples: [example], features: features, outputs: [output]).questions[0]
        }
        let answered = run(null: 3, threshold: 0)            // null 6, best 9: −3
        #expect(answered.text == "Zoë O'Neill-Brontë" && answered.nullOdds == -3)
        #expect(answered.nBest.contains { $0.text == "" && $0.startScore == 3 && $0.endScore == 3 })
        let abstained = run(null: 5, threshold: 0)           // null 10: +1 > 0
        #expect(abstained.text == "" && abstained.nullOdds == 1)
        #expect(abstained.nBest[0].text == "")
        #expect(run(null: 5, threshold: 1).text == "Zoë O'Neill-Brontë")     // 1 > 1 is false
        #expect(run(null: 5, threshold: 0.999).text == "")
    }

    @Test("Joint head: beams pair starts with their ends; cls logit is the null odds")
    func jointHead() throws {
        let example = squadExample("z", context: Self.context)
        let features = try features([example])
        let p = Self.position
        let output = SQuADBeamOutput(startTopLogProbs: [-0.5, -1.0], startTopIndex: [Int32(p(2)), 1],
                                     endTopLogProbs: [-0.25, -0.875, -0.125, -0.375],
                                     endTopIndex: [Int32(p(8)), Int32(p(11)), Int32(p(0)), Int32(p(1))], clsLogit: 0.5)
        let v1 = SQuADPostProcessor(version: .v1_1).predictions(examples: [example], features: features, outputs: [output])
        #expect(v1.scoreKind == .logProbabilities)
        let question = v1.questions[0]
        #expect(question.text == "Zoë O'Neill-Brontë")
        #expect(question.nBest.map(\.text) == ["Zoë O'Neill-Brontë", "Zoë O'Neill-Brontë, née Müller"])
        #expect(question.nBest.map(\.startScore) == [-0.5, -0.5] && question.nBest.map(\.endScore) == [-0.25, -0.875])
        let odds = exp(-0.75 - -0.75) / (exp(0.0) + exp(-1.375 - -0.75))
        #expect(question.nBest[0].probability == odds)
        #expect(v1.nBestJSON.contains("\"start_log_prob\": -0.5") && !v1.nBestJSON.contains("start_logit"))

        let v2 = SQuADPostProcessor(version: .v2_0)
        let abstained = v2.predictions(examples: [example], features: features, outputs: [output]).questions[0]
        #expect(abstained.text == "" && abstained.nullOdds == 0.5)
        #expect(abstained.nBest.contains { $0.text == "" && $0.startScore == -0.5 && $0.endScore == -0.25 })
        var confident = output
        confident.clsLogit = -2
        let answered = v2.predictions(examples: [example], features: features, outputs: [confident]).questions[0]
        #expect(answered.text == "Zoë O'Neill-Brontë" && answered.nullOdds == -2)
    }

    @Test("Prediction files: predictions.json, nbest_predictions.json, null_odds.json, as json.dumps(indent=4) writes them")
    func files() throws {
        let examples = [squadExample("z", context: Self.context), squadExample("none", context: "", paragraph: 1)]
        let features = try features(examples)
        #expect(features.count == 1)   // an empty context has no window
        let p = Self.position
        let output = SQuADSpanLogits(startLogits: logits(48, [p(10): 2]), endLogits: logits(48, [p(12): 2]))
        let predictions = SQuADPostProcessor(version: .v2_0).predictions(examples: examples, features: features, outputs: [output])
        #expect(predictions.questions.map(\.id) == ["z", "none"])
        #expect(predictions.questions[1] == .init(id: "none", text: "", nBest: [], nullOdds: 0))
        #expect(predictions.predictionsJSON == "{\n    \"z\": \"n\\u00e9e M\\u00fcller,\",\n    \"none\": \"\"\n}\n")
        let directory = TestDirectory()
        let written = try predictions.write(to: directory.path + "/out")
        #expect(written.map { ($0 as NSString).lastPathComponent } == ["predictions.json", "nbest_predictions.json", "null_odds.json"])
        #expect(TestDirectory.names(in: directory.path + "/out") == ["nbest_predictions.json", "null_odds.json", "predictions.json"])
        let answers = try SQuADPredictedAnswers(contentsOf: written[0])
        #expect(answers.ids == ["z", "none"] && answers["z"] == "née Müller,")
        let odds = try SQuADNoAnswerProbabilities(contentsOf: written[2])
        #expect(odds["z"] == predictions.questions[0].nullOdds && odds.ids == ["z", "none"])
        let nBest = try SQuADJSONParser.parse(try Data(contentsOf: URL(fileURLWithPath: written[1])), file: "nbest")
        guard case .array(let entries)? = nBest.value(forKey: "z"), case .object(let first)? = entries.first else {
            Issue.record("nbest_predictions.json has no list for z")
            return
        }
        #expect(first.map(\.key) == ["text", "probability", "start_logit", "end_logit"])
        #expect(throws: SQuADError.self) { try predictions.write(to: "/proc/electra-cannot-write-here") }
    }
}
