// SQuADPostProcessor: model outputs to answers, as NVIDIA's ELECTRA `squad_utils.get_answers` does,
// for the plain span head and for the joint beam-search head: candidate spans per feature (context
// tokens only, max-context starts, end ≥ start, at most `maxAnswerLength` tokens), ranked by
// start + end score, de-duplicated by text, merged over the question's windows with the "no answer"
// candidate for SQuAD 2.0, softmax over the n best, and the null-score threshold.
//
// Answer text comes from the original context through the tokens' code-point offsets (from the first
// token's start to the last token's end), not from detokenized word pieces.

import Foundation

/// Turns per-feature model outputs into `SQuADPredictions`.
///
/// Every question given gets a prediction, in order. One without features (its context has no
/// token) gets "" with an empty n-best list and null odds 0, where the reference would leave it out
/// of predictions.json (and the official v2.0 script would then stop).
public struct SQuADPostProcessor: Sendable {
    /// Candidates kept per feature and per question (20).
    public var nBestSize: Int
    /// The longest answer, in tokens (30).
    public var maxAnswerLength: Int
    /// Whether questions may have no answer (SQuAD 2.0): adds the null candidate, `null_odds`, and
    /// the threshold.
    public var allowsNoAnswer: Bool
    /// SQuAD 2.0: answer "" when the null score minus the best answer's score (plain head) or the
    /// answerability logit (joint head) exceeds this (0).
    public var nullScoreDifferenceThreshold: Double

    /// - Parameters:
    ///   - version: `.v2_0` allows "no answer".
    ///   - nBestSize: candidates kept (NVIDIA's `n_best_size`, 20).
    ///   - maxAnswerLength: longest answer in tokens (`max_answer_length`, 30).
    ///   - nullScoreDifferenceThreshold: `null_score_diff_threshold` (0).
    public init(version: SQuADVersion, nBestSize: Int = 20, maxAnswerLength: Int = 30,
                nullScoreDifferenceThreshold: Double = 0) {
        precondition(nBestSize >= 1 && maxAnswerLength >= 1, "nBestSize and maxAnswerLength must be positive")
        self.nBestSize = nBestSize
        self.maxAnswerLength = maxAnswerLength
        allowsNoAnswer = version == .v2_0
        self.nullScoreDifferenceThreshold = nullScoreDifferenceThreshold
    }

    /// Answers from the plain head: for each feature, the `nBestSize` best start and end positions
    /// (over the whole row, ties to the lower position) are paired; the null score is
    /// `start[0] + end[0]`, the lowest over the question's features.
    /// - Parameters:
    ///   - examples: the questions given to the featurizer.
    ///   - features: its features.
    ///   - outputs: `outputs[i]` belongs to `features[i]`.
    public func predictions(examples: [SQuADExample], features: [SQuADFeature],
                            outputs: [SQuADSpanLogits]) -> SQuADPredictions {
        precondition(outputs.count == features.count, "one output per feature")
        return combine(examples: examples, features: features, scoreKind: .logits) { f in
            let output = outputs[f]
            let starts = Self.bestIndices(output.startLogits, nBestSize)
            let ends = Self.bestIndices(output.endLogits, nBestSize)
            var candidates: [Candidate] = []
            for start in starts {
                for end in ends where isValid(start: start, end: end, features[f]) {
                    candidates.append(Candidate(start: start, end: end, startScore: Double(output.startLogits[start]),
                                                endScore: Double(output.endLogits[end])))
                }
            }
            let nullStart = Double(output.startLogits[0]), nullEnd = Double(output.endLogits[0])
            return (candidates, nullStart + nullEnd, nullStart, nullEnd)
        }
    }

    /// Answers from NVIDIA's joint head: candidates are start beam `i` with each of its end beams
    /// `j`, scored `startTopLogProbs[i] + endTopLogProbs[i·k'+j]`; the null score is `clsLogit`
    /// (the lowest over the question's features), and its n-best entry carries that feature's
    /// `startTopLogProbs[0]` and `endTopLogProbs[0]`, as the reference does.
    /// - Parameters:
    ///   - examples: the questions given to the featurizer.
    ///   - features: its features.
    ///   - outputs: `outputs[i]` belongs to `features[i]`.
    public func predictions(examples: [SQuADExample], features: [SQuADFeature],
                            outputs: [SQuADBeamOutput]) -> SQuADPredictions {
        precondition(outputs.count == features.count, "one output per feature")
        return combine(examples: examples, features: features, scoreKind: .logProbabilities) { f in
            let output = outputs[f]
            var candidates: [Candidate] = []
            for i in 0..<output.startBeams {
                let start = Int(output.startTopIndex[i])
                for j in 0..<output.endBeams {
                    let beam = i * output.endBeams + j
                    let end = Int(output.endTopIndex[beam])
                    guard isValid(start: start, end: end, features[f]) else { continue }
                    candidates.append(Candidate(start: start, end: end, startScore: Double(output.startTopLogProbs[i]),
                                                endScore: Double(output.endTopLogProbs[beam])))
                }
            }
            return (candidates, Double(output.clsLogit), Double(output.startTopLogProbs[0]),
                    Double(output.endTopLogProbs[0]))
        }
    }

    /// A span the reference keeps: both ends on context tokens of the feature, a start with its
    /// maximum context here, end ≥ start, at most `maxAnswerLength` tokens.
    func isValid(start: Int, end: Int, _ feature: SQuADFeature) -> Bool {
        feature.contextPositions.contains(start) && feature.contextPositions.contains(end)
            && feature.isMaxContext(atPosition: start) && end >= start && end - start + 1 <= maxAnswerLength
    }

    struct Candidate {
        var start: Int
        var end: Int
        var startScore: Double
        var endScore: Double
    }

    private struct Entry {
        var text: String
        var startScore: Double
        var endScore: Double
        var score: Double { startScore + endScore }
    }

    /// The reference's `get_answers`, given each feature's candidates and null score.
    private func combine(examples: [SQuADExample], features: [SQuADFeature], scoreKind: SQuADPredictions.ScoreKind,
                         candidatesOf: (Int) -> (candidates: [Candidate], null: Double, nullStart: Double, nullEnd: Double))
        -> SQuADPredictions {
        let joint = scoreKind == .logProbabilities
        var featuresOf = [[Int]](repeating: [], count: examples.count)
        for (f, feature) in features.enumerated() {
            precondition(examples.indices.contains(feature.exampleIndex),
                         "feature \(f) belongs to example \(feature.exampleIndex): pass the examples given to the featurizer")
            featuresOf[feature.exampleIndex].append(f)
        }
        var result = SQuADPredictions(scoreKind: scoreKind, allowsNoAnswer: allowsNoAnswer, questions: [])
        result.questions.reserveCapacity(examples.count)
        for (e, example) in examples.enumerated() {
            guard !featuresOf[e].isEmpty else {
                result.questions.append(.init(id: example.id, text: "", nBest: [], nullOdds: allowsNoAnswer ? 0 : nil))
                continue
            }
            let context = Array(example.context.unicodeScalars)
            var entries: [Entry] = []
            var null = (score: Double.infinity, start: 0.0, end: 0.0)
            for f in featuresOf[e] {
                let (candidates, nullScore, nullStart, nullEnd) = candidatesOf(f)
                if allowsNoAnswer && nullScore < null.score { null = (nullScore, nullStart, nullEnd) }
                var seen = Set<[UInt32]>()
                var kept = 0
                for candidate in Self.rankedByScore(candidates, score: { $0.startScore + $0.endScore }) {
                    if kept == nBestSize { break }
                    let text = candidate.start > 0 ? Self.text(of: candidate, features[f], context: context) : ""
                    guard seen.insert(Self.key(text)).inserted else { continue }
                    entries.append(Entry(text: text, startScore: candidate.startScore, endScore: candidate.endScore))
                    kept += 1
                }
            }
            if allowsNoAnswer { entries.append(Entry(text: "", startScore: null.start, endScore: null.end)) }
            var nBest: [Entry] = []
            var seen = Set<[UInt32]>()
            for entry in Self.rankedByScore(entries, score: \.score) {
                if nBest.count >= nBestSize { break }
                guard seen.insert(Self.key(entry.text)).inserted else { continue }
                nBest.append(entry)
            }
            if nBest.isEmpty || (allowsNoAnswer && nBest.count == 1) {
                nBest.append(Entry(text: "empty", startScore: 0, endScore: 0))   // the reference's nonce
            }
            let probabilities = Self.softmax(nBest.map(\.score))
            let candidates = zip(nBest, probabilities).map {
                SQuADPredictions.Candidate(text: $0.text, probability: $1, startScore: $0.startScore, endScore: $0.endScore)
            }
            if allowsNoAnswer {
                let best = nBest.first(where: { !$0.text.isEmpty })
                let difference = joint ? null.score : null.score - (best?.startScore ?? 0) - (best?.endScore ?? 0)
                let text = difference > nullScoreDifferenceThreshold ? "" : best?.text ?? ""
                result.questions.append(.init(id: example.id, text: text, nBest: candidates, nullOdds: difference))
            } else {
                result.questions.append(.init(id: example.id, text: nBest[0].text, nBest: candidates, nullOdds: nil))
            }
        }
        return result
    }

    /// The context characters from the start token's first to the end token's last.
    static func text(of candidate: Candidate, _ feature: SQuADFeature, context: [Unicode.Scalar]) -> String {
        guard let first = feature.originalRange(atPosition: candidate.start),
              let last = feature.originalRange(atPosition: candidate.end) else { return "" }
        let lower = min(first.lowerBound, context.count), upper = min(max(lower, last.upperBound), context.count)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: context[lower..<upper])
        return String(view)
    }

    /// Text identity as Python compares strings: code point by code point.
    static func key(_ text: String) -> [UInt32] { text.unicodeScalars.map(\.value) }

    /// Items by descending score, equal scores in their original order (Python's stable
    /// `sorted(…, reverse=True)`).
    static func rankedByScore<T>(_ items: [T], score: (T) -> Double) -> [T] {
        let scores = items.map(score)
        return items.indices.sorted { a, b in
            scores[a] != scores[b] ? scores[a] > scores[b] : a < b
        }.map { items[$0] }
    }

    /// The positions of the `n` largest values, largest first, ties to the lower position.
    static func bestIndices(_ values: [Float], _ n: Int) -> [Int] {
        var best: [Int] = []   // ordered by value, descending; equal values by position
        best.reserveCapacity(n + 1)
        for (i, value) in values.enumerated() {
            if best.count == n, let last = best.last, !(value > values[last]) { continue }
            var slot = best.count
            while slot > 0 && values[best[slot - 1]] < value { slot -= 1 }
            best.insert(i, at: slot)
            if best.count > n { best.removeLast() }
        }
        return best
    }

    /// `exp(s − max) / Σ exp(s − max)`, in Double, as the reference's `_compute_softmax`.
    static func softmax(_ scores: [Double]) -> [Double] {
        guard let maximum = scores.max() else { return [] }
        let exps = scores.map { exp($0 - maximum) }
        var total = 0.0
        for value in exps { total += value }
        return exps.map { $0 / total }
    }
}
