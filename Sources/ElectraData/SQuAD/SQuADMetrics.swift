// SQuADMetrics: exact match and F1 as the official `evaluate-v1.1.py` and `evaluate-v2.0.py`
// compute them, with the same order of operations (left-to-right sums in data order, `100.0 * sum
// / total`), so that the printed numbers are the same to the last digit.
//
// v2.0 adds its scores with Python's `sum()`, whose float arithmetic changed in Python 3.12: pick
// the Python to match with `SQuADPythonSummation` (3.11 by default).

/// Exact match and F1 of SQuAD predictions.
public enum SQuADMetrics {
    // MARK: Per-answer scores

    /// `exact_match_score` (v1.1) / `compute_exact` (v2.0): the normalized texts are equal.
    public static func exactMatch(prediction: String, groundTruth: String) -> Bool {
        SQuADAnswerNormalizer.normalizedScalars(prediction) == SQuADAnswerNormalizer.normalizedScalars(groundTruth)
    }

    /// v1.1's `f1_score`: token F1 with multiset overlap; 0 when nothing overlaps (also when both are empty).
    public static func f1V1(prediction: String, groundTruth: String) -> Double {
        let predicted = SQuADAnswerNormalizer.tokens(prediction), gold = SQuADAnswerNormalizer.tokens(groundTruth)
        let same = overlap(predicted, gold)
        if same == 0 { return 0 }
        return f1(same: same, predicted: predicted.count, gold: gold.count)
    }

    /// v2.0's `compute_f1`: as v1.1, except that when either side has no token the score is 1 if
    /// both have none, else 0.
    public static func f1V2(prediction: String, groundTruth: String) -> Double {
        f1V2Number(prediction: prediction, groundTruth: groundTruth).value
    }

    /// `compute_f1` with the kind of number it returns (int for the 0/1 cases, float otherwise).
    static func f1V2Number(prediction: String, groundTruth: String) -> SQuADPythonNumber {
        let gold = groundTruth.isEmpty ? [] : SQuADAnswerNormalizer.tokens(groundTruth)
        let predicted = prediction.isEmpty ? [] : SQuADAnswerNormalizer.tokens(prediction)
        if gold.isEmpty || predicted.isEmpty { return .int(gold == predicted ? 1 : 0) }
        let same = overlap(predicted, gold)
        if same == 0 { return .int(0) }
        return .float(f1(same: same, predicted: predicted.count, gold: gold.count))
    }

    /// `sum((Counter(a) & Counter(b)).values())`.
    static func overlap(_ a: [[UInt32]], _ b: [[UInt32]]) -> Int {
        var counts: [[UInt32]: Int] = [:]
        for token in a { counts[token, default: 0] += 1 }
        var same = 0
        for token in b {
            if let count = counts[token], count > 0 {
                counts[token] = count - 1
                same += 1
            }
        }
        return same
    }

    private static func f1(same: Int, predicted: Int, gold: Int) -> Double {
        let precision = 1.0 * Double(same) / Double(predicted)
        let recall = 1.0 * Double(same) / Double(gold)
        return (2 * precision * recall) / (precision + recall)
    }

    // MARK: v1.1

    /// `evaluate-v1.1.py`'s `evaluate`: for each question in data order, the best exact match and
    /// F1 over its gold answers; a question without prediction scores 0 and is listed in
    /// `unanswered`.
    /// - Throws: `SQuADError.noQuestions` for an empty data set, `.noGoldAnswer` for a question
    ///   without gold answers (an unanswerable v2.0 question: evaluate as v2.0).
    public static func evaluateV1(dataset: SQuADDataset, predictions: SQuADPredictedAnswers) throws -> SQuADV1Scores {
        var exactMatch = 0.0, f1 = 0.0
        var total = 0
        var unanswered: [String] = []
        for example in dataset.examples {
            total += 1
            guard let prediction = predictions[example.id] else {
                unanswered.append(example.id)
                continue
            }
            guard !example.answers.isEmpty else {
                throw SQuADError.noGoldAnswer(path: dataset.source, id: example.id)
            }
            exactMatch += example.answers.contains { Self.exactMatch(prediction: prediction, groundTruth: $0.text) } ? 1 : 0
            f1 += example.answers.map { f1V1(prediction: prediction, groundTruth: $0.text) }.max() ?? 0
        }
        guard total > 0 else { throw SQuADError.noQuestions(path: dataset.source) }
        return SQuADV1Scores(exactMatch: 100.0 * exactMatch / Double(total), f1: 100.0 * f1 / Double(total),
                             total: total, unanswered: unanswered)
    }

    // MARK: v2.0

    /// `evaluate-v2.0.py`: scores against the answers whose normalized text is not empty ("" when
    /// none is: the question is unanswerable), answers replaced by "no answer" where the
    /// no-answer probability exceeds `threshold`, overall and split by answerability; with
    /// `noAnswerProbabilities`, also the best scores over all thresholds (`find_best_thresh`).
    /// - Parameters:
    ///   - noAnswerProbabilities: null_odds.json; nil scores every question with probability 0.
    ///   - threshold: `--na-prob-thresh` (1.0).
    ///   - summation: the Python whose `sum()` to match (`f1` can differ in its last digits).
    /// - Throws: `SQuADError.missingPredictions` when a question has no prediction (the official
    ///   script stops there too), `.missingNoAnswerProbability`, `.noQuestions`.
    public static func evaluateV2(dataset: SQuADDataset, predictions: SQuADPredictedAnswers,
                                  noAnswerProbabilities: SQuADNoAnswerProbabilities? = nil,
                                  threshold: Double = 1.0, predictionsSource: String = "predictions",
                                  probabilitiesSource: String = "no-answer probabilities",
                                  summation: SQuADPythonSummation = .python311) throws -> SQuADV2Scores {
        // qid_to_has_ans: dict semantics (first position, last value).
        var hasAnswerIds: [String] = [], hasAnswer: [String: Bool] = [:]
        for example in dataset.examples where hasAnswer.updateValue(!example.answers.isEmpty, forKey: example.id) == nil {
            hasAnswerIds.append(example.id)
        }
        // get_raw_scores
        var scoredIds: [String] = []
        var exactRaw: [String: SQuADPythonNumber] = [:], f1Raw: [String: SQuADPythonNumber] = [:]
        var missing: [String] = [], missingSet = Set<String>()
        for example in dataset.examples {
            var golds = example.answers.map(\.text).filter { !SQuADAnswerNormalizer.normalizedScalars($0).isEmpty }
            if golds.isEmpty { golds = [""] }
            guard let prediction = predictions[example.id] else {
                if missingSet.insert(example.id).inserted { missing.append(example.id) }
                continue
            }
            let exact = SQuADPythonNumber.int(golds.contains { exactMatch(prediction: prediction, groundTruth: $0) } ? 1 : 0)
            let f1 = SQuADPythonNumber.max(golds.map { f1V2Number(prediction: prediction, groundTruth: $0) }) ?? .int(0)
            if exactRaw.updateValue(exact, forKey: example.id) == nil { scoredIds.append(example.id) }
            f1Raw[example.id] = f1
        }
        guard !hasAnswerIds.isEmpty else { throw SQuADError.noQuestions(path: dataset.source) }
        if !missing.isEmpty {
            throw SQuADError.missingPredictions(path: predictionsSource, count: missing.count, ids: Array(missing.prefix(3)))
        }
        let probabilities = noAnswerProbabilities ?? SQuADNoAnswerProbabilities(predictions.ids.map { ($0, 0.0) })
        let source = noAnswerProbabilities == nil ? predictionsSource : probabilitiesSource
        // apply_no_ans_threshold
        var exactThresholded = exactRaw, f1Thresholded = f1Raw
        for id in scoredIds {
            guard let probability = probabilities[id] else {
                throw SQuADError.missingNoAnswerProbability(path: source, id: id)
            }
            if probability > threshold {
                let score = SQuADPythonNumber.float(hasAnswer[id] == true ? 0 : 1)
                exactThresholded[id] = score
                f1Thresholded[id] = score
            }
        }
        func subset(_ ids: [String]) -> SQuADV2Scores.Subset {
            var exact = SQuADPythonSum(summation), f1 = SQuADPythonSum(summation)
            for id in ids {
                exact.add(exactThresholded[id] ?? .int(0))
                f1.add(f1Thresholded[id] ?? .int(0))
            }
            let count = Double(ids.count)
            return .init(exact: 100.0 * exact.total / count, f1: 100.0 * f1.total / count, total: ids.count)
        }
        let answerable = hasAnswerIds.filter { hasAnswer[$0] == true }
        let unanswerable = hasAnswerIds.filter { hasAnswer[$0] == false }
        var scores = SQuADV2Scores(overall: subset(scoredIds), hasAnswer: answerable.isEmpty ? nil : subset(answerable),
                                   noAnswer: unanswerable.isEmpty ? nil : subset(unanswerable), best: nil)
        if let noAnswerProbabilities {
            let exact = bestThreshold(predictions, exactRaw, scoredIds.count, noAnswerProbabilities, hasAnswer, unanswerable.count)
            let f1 = bestThreshold(predictions, f1Raw, scoredIds.count, noAnswerProbabilities, hasAnswer, unanswerable.count)
            scores.best = .init(exact: exact.score, exactThreshold: exact.threshold, f1: f1.score, f1Threshold: f1.threshold)
        }
        return scores
    }

    /// `find_best_thresh`: walk the questions by increasing no-answer probability (stable, file
    /// order on ties), starting from "answer nothing" (the unanswerable questions right), adding each
    /// question's score if answerable, or −1 if unanswerable and answered; keep the best running
    /// score and the probability where it was reached.
    private static func bestThreshold(_ predictions: SQuADPredictedAnswers, _ scores: [String: SQuADPythonNumber], _ scoredCount: Int,
                                      _ probabilities: SQuADNoAnswerProbabilities, _ hasAnswer: [String: Bool],
                                      _ unanswerableCount: Int) -> (score: Double, threshold: SQuADV2Scores.Threshold) {
        var current = Double(unanswerableCount)
        var best = current
        var threshold = SQuADV2Scores.Threshold(value: 0.0, literal: .float(0.0))
        let order = probabilities.ids.indices.sorted { a, b in
            let pa = probabilities.values[probabilities.ids[a]] ?? 0, pb = probabilities.values[probabilities.ids[b]] ?? 0
            return pa != pb ? pa < pb : a < b
        }
        for index in order {
            let id = probabilities.ids[index]
            guard let score = scores[id] else { continue }
            let difference: Double
            if hasAnswer[id] == true {
                difference = score.value
            } else {
                difference = (predictions[id] ?? "").isEmpty ? 0 : -1
            }
            current += difference
            if current > best {
                best = current
                threshold = .init(value: probabilities.values[id] ?? 0, literal: probabilities.literal(id))
            }
        }
        return (100.0 * best / Double(scoredCount), threshold)
    }
}
