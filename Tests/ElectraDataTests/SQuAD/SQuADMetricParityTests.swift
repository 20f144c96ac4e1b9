// SQuADMetricParityTests: our metrics against what the official evaluate-v1.1.py and
// evaluate-v2.0.py printed on the fixtures of scripts/make_squad_fixtures.py: the same Double values
// bit for bit, and the same printed text.

@testable import ElectraData
import Foundation
import Testing
import _TestSupport

/// The fixtures in Tests/Fixtures/squad.
enum SQuADFixtures {
    static let directory = Fixtures.directory.appendingPathComponent("squad")

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func json(_ name: String) throws -> SQuADJSON {
        try SQuADJSONParser.parse(try Data(contentsOf: URL(fileURLWithPath: path(name))), file: name)
    }

    /// One run of an official script.
    struct Case: CustomStringConvertible {
        var version: String
        var data: String
        var predictions: String
        var naProbs: String?
        var threshold: Double?
        var stdout: String
        var stderr: String
        var metrics: [(key: String, value: SQuADJSON)]

        var description: String {
            "\(predictions)" + (naProbs.map { " with \($0)" } ?? "") + (threshold.map { " at \($0)" } ?? "")
        }
    }

    /// All recorded runs (`version` nil) or those of one SQuAD version, with their index in the file.
    static func cases(version: String?) throws -> [(index: Int, case: Case)] {
        guard case .array(let cases)? = try json("official.json").value(forKey: "cases") else { return [] }
        return cases.enumerated().compactMap { index, value -> (Int, Case)? in
            guard case .string(let v)? = value.value(forKey: "version"), version == nil || v == version,
                  case .string(let data)? = value.value(forKey: "data"),
                  case .string(let predictions)? = value.value(forKey: "predictions"),
                  case .string(let stdout)? = value.value(forKey: "stdout"),
                  case .string(let stderr)? = value.value(forKey: "stderr"),
                  case .object(let metrics)? = value.value(forKey: "metrics") else { return nil }
            var naProbs: String? = nil
            if case .string(let name)? = value.value(forKey: "na_probs") { naProbs = name }
            return (index, Case(version: v, data: data, predictions: predictions, naProbs: naProbs,
                                threshold: value.value(forKey: "na_prob_thresh")?.number, stdout: stdout, stderr: stderr,
                                metrics: metrics))
        }
    }

    /// The v2.0 outputs recorded under other Pythons: (Python version, case index → stdout).
    static func otherPythons() throws -> [(python: String, outputs: [Int: String])] {
        guard case .array(let runs)? = try json("official.json").value(forKey: "other_pythons") else { return [] }
        return runs.compactMap { run in
            guard case .string(let python)? = run.value(forKey: "python"),
                  case .array(let outputs)? = run.value(forKey: "v2_outputs") else { return nil }
            var byCase: [Int: String] = [:]
            for output in outputs {
                if case .integer(let index)? = output.value(forKey: "case"), case .string(let stdout)? = output.value(forKey: "stdout") {
                    byCase[index] = stdout
                }
            }
            return (python, byCase)
        }
    }
}

@Suite("SQuAD metrics match the official scripts") struct SQuADMetricParityTests {
    /// Every metric equal bit for bit (and integers equal), in the same key order.
    func expectSameMetrics(_ ours: String, _ official: SQuADFixtures.Case) throws {
        guard case .object(let pairs) = try SQuADJSONParser.parse(Data(ours.utf8), file: "ours") else {
            Issue.record("our output is not a JSON object")
            return
        }
        #expect(pairs.map(\.key) == official.metrics.map(\.key), "\(official)")
        for (key, expected) in official.metrics {
            let value = pairs.first(where: { $0.key == key })?.value
            #expect(value == expected, "\(official): \(key) is \(String(describing: value)), official \(expected)")
        }
    }

    @Test("v1.1: exact_match and f1 equal the official script's, printed the same")
    func versionOneOne() throws {
        let cases = try SQuADFixtures.cases(version: "1.1")
        #expect(cases.count >= 6)
        for (_, official) in cases {
            let report = try SQuADEvaluation.run(dataFile: SQuADFixtures.path(official.data),
                                                 predictionsFile: SQuADFixtures.path(official.predictions))
            #expect(report.version == .v1_1)
            #expect(report.json + "\n" == official.stdout, "\(official)")
            #expect(report.warnings.map { $0 + "\n" }.joined() == official.stderr, "\(official)")
            try expectSameMetrics(report.json, official)
        }
    }

    @Test("v2.0: all keys, with and without no-answer probabilities and thresholds, equal the official script's")
    func versionTwo() throws {
        let cases = try SQuADFixtures.cases(version: "2.0")
        #expect(cases.count >= 90)
        var sawIntegerThreshold = false
        for (_, official) in cases {
            let report = try SQuADEvaluation.run(
                dataFile: SQuADFixtures.path(official.data), predictionsFile: SQuADFixtures.path(official.predictions),
                noAnswerProbabilitiesFile: official.naProbs.map(SQuADFixtures.path), threshold: official.threshold ?? 1.0)
            #expect(report.version == .v2_0)
            #expect(report.json + "\n" == official.stdout, "\(official)")
            try expectSameMetrics(report.json, official)
            if case .integer? = official.metrics.first(where: { $0.key == "best_f1_thresh" })?.value { sawIntegerThreshold = true }
        }
        #expect(sawIntegerThreshold, "the fixtures include an integer threshold")
    }

    @Test("v2.0 under Python 3.12: compensated sums reproduce that Python's printed f1")
    func versionTwoUnderPython312() throws {
        let cases = Dictionary(uniqueKeysWithValues: try SQuADFixtures.cases(version: "2.0").map { ($0.index, $0.case) })
        let runs = try SQuADFixtures.otherPythons().filter { $0.python.hasPrefix("3.12") || $0.python.hasPrefix("3.13") }
        try #require(!runs.isEmpty, "official.json holds no Python 3.12/3.13 run: regenerate with --also-python")
        var differing = 0
        for run in runs {
            for (index, stdout) in run.outputs {
                let official = try #require(cases[index])
                let report = try SQuADEvaluation.run(
                    dataFile: SQuADFixtures.path(official.data), predictionsFile: SQuADFixtures.path(official.predictions),
                    noAnswerProbabilitiesFile: official.naProbs.map(SQuADFixtures.path), threshold: official.threshold ?? 1.0,
                    summation: .python312)
                #expect(report.json + "\n" == stdout, "Python \(run.python): \(official)")
                if stdout != official.stdout { differing += 1 }
            }
        }
        #expect(differing > 0, "some fixtures tell the two Pythons apart")
    }

    @Test("Python's sum(): ints exactly, then floats plainly (3.11) or compensated (3.12)")
    func pythonSum() {
        let values: [SQuADPythonNumber] = [.int(1), .int(2), .float(0.1), .int(1), .float(0.2), .float(1e16), .float(1), .float(-1e16)]
        var old = SQuADPythonSum(.python311), new = SQuADPythonSum(.python312)
        for value in values {
            old.add(value)
            new.add(value)
        }
        // sum([1, 2, 0.1, 1, 0.2, 1e16, 1.0, -1e16]) is 4.0 under Python 3.11 and 5.3 under 3.12.
        #expect(old.total == 4.0)
        #expect(new.total == 5.3)
        #expect(SQuADPythonNumber.max([.int(0), .float(0), .float(1), .int(1)]) == .float(1))
    }

    @Test("normalize_answer, exact match and F1 agree with the official functions on tricky text")
    func normalization() throws {
        let root = try SQuADFixtures.json("normalization.json")
        guard case .array(let texts)? = root.value(forKey: "texts"), case .array(let pairs)? = root.value(forKey: "pairs") else {
            Issue.record("normalization.json lacks texts or pairs")
            return
        }
        #expect(texts.count > 50)
        for entry in texts {
            guard case .string(let text)? = entry.value(forKey: "text"), case .string(let v1)? = entry.value(forKey: "v1"),
                  case .string(let v2)? = entry.value(forKey: "v2") else { continue }
            let ours = SQuADAnswerNormalizer.normalize(text)
            #expect(ours.unicodeScalars.elementsEqual(v1.unicodeScalars),
                    "normalize(\(text.unicodeScalars.map { String($0.value, radix: 16) })) = \(ours.debugDescription), official \(v1.debugDescription)")
            #expect(v1.unicodeScalars.elementsEqual(v2.unicodeScalars))
        }
        for entry in pairs {
            guard case .string(let prediction)? = entry.value(forKey: "prediction"), case .string(let gold)? = entry.value(forKey: "gold"),
                  case .bool(let v1Exact)? = entry.value(forKey: "v1_exact"), let v1F1 = entry.value(forKey: "v1_f1")?.number,
                  let v2Exact = entry.value(forKey: "v2_exact")?.number, let v2F1 = entry.value(forKey: "v2_f1")?.number else {
                Issue.record("bad pair \(entry)")
                continue
            }
            #expect(SQuADMetrics.exactMatch(prediction: prediction, groundTruth: gold) == v1Exact, "\(prediction) / \(gold)")
            #expect((SQuADMetrics.exactMatch(prediction: prediction, groundTruth: gold) ? 1.0 : 0.0) == v2Exact)
            #expect(SQuADMetrics.f1V1(prediction: prediction, groundTruth: gold).bitPattern == v1F1.bitPattern, "\(prediction) / \(gold)")
            #expect(SQuADMetrics.f1V2(prediction: prediction, groundTruth: gold).bitPattern == v2F1.bitPattern, "\(prediction) / \(gold)")
        }
    }

    @Test("In-memory evaluation equals the file round trip")
    func inMemory() throws {
        let dataset = try SQuADDataset(contentsOf: SQuADFixtures.path("dev-v2.0.json"))
        let predictions = try SQuADPredictedAnswers(contentsOf: SQuADFixtures.path("predictions/v2.0-mixed.json"))
        let probabilities = try SQuADNoAnswerProbabilities(contentsOf: SQuADFixtures.path("na_probs/v2.0-random.json"))
        let scores = try SQuADMetrics.evaluateV2(dataset: dataset, predictions: predictions,
                                                 noAnswerProbabilities: probabilities, threshold: 0.5)
        let report = try SQuADEvaluation.run(dataFile: SQuADFixtures.path("dev-v2.0.json"),
                                             predictionsFile: SQuADFixtures.path("predictions/v2.0-mixed.json"),
                                             noAnswerProbabilitiesFile: SQuADFixtures.path("na_probs/v2.0-random.json"),
                                             threshold: 0.5)
        #expect(report.v2 == scores)
        #expect(scores.hasAnswer?.total == 52 && scores.noAnswer?.total == 9 && scores.overall.total == 61)
    }

    @Test("Refused: v2.0 without every prediction or no-answer probability, v1.1 scoring of unanswerable questions")
    func missingEntries() throws {
        let dataset = try SQuADDataset(contentsOf: SQuADFixtures.path("dev-v2.0.json"))
        let all = try SQuADPredictedAnswers(contentsOf: SQuADFixtures.path("predictions/v2.0-exact.json"))
        let some = SQuADPredictedAnswers(all.ids.dropFirst(2).map { ($0, all[$0] ?? "") })
        #expect(throws: SQuADError.missingPredictions(path: "p.json", count: 2, ids: Array(all.ids.prefix(2)))) {
            try SQuADMetrics.evaluateV2(dataset: dataset, predictions: some, predictionsSource: "p.json")
        }
        let probabilities = SQuADNoAnswerProbabilities(all.ids.dropLast().map { ($0, 0.5) })
        #expect(throws: SQuADError.missingNoAnswerProbability(path: "n.json", id: all.ids.last ?? "")) {
            try SQuADMetrics.evaluateV2(dataset: dataset, predictions: all, noAnswerProbabilities: probabilities,
                                        probabilitiesSource: "n.json")
        }
        #expect(throws: SQuADError.noGoldAnswer(path: dataset.source, id: "q005v2")) {
            try SQuADMetrics.evaluateV1(dataset: dataset, predictions: all)
        }
        let message = SQuADError.missingPredictions(path: "p.json", count: 2, ids: ["a", "b"]).description
        #expect(message.contains("p.json") && message.contains("\"a\"") && message.contains("every question"))
    }
}
