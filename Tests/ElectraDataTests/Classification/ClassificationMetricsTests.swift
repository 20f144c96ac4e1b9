// ClassificationMetricsTests: accuracy, F1, Matthews correlation, Pearson, Spearman and average ranks
// against scikit-learn and SciPy on random and edge-case inputs (Tests/Fixtures/classification/
// metrics.json), to 1e-9; and GLUE scoring with its JSON.

@testable import ElectraData
import Foundation
import Testing

@Suite("Classification metrics") struct ClassificationMetricsTests {
    static func cases(_ key: String) throws -> [[String: Any]] {
        let root = try #require(FixtureJSON.load("classification/metrics.json") as? [String: Any])
        return try #require(root[key] as? [[String: Any]])
    }

    static func close(_ a: Double, _ b: Double) -> Bool { (a.isNaN && b.isNaN) || abs(a - b) <= 1e-9 }

    @Test("Accuracy, F1 of class 1 and MCC equal scikit-learn's (one class only, MCC denominator 0 → 0)")
    func labels() throws {
        let cases = try Self.cases("classification")
        #expect(cases.count >= 16)
        for c in cases {
            let name = c["name"] as! String
            let gold = (c["gold"] as! [NSNumber]).map(\.intValue), predicted = (c["predicted"] as! [NSNumber]).map(\.intValue)
            let accuracy = ClassificationMetrics.accuracy(predicted: predicted, gold: gold)
            let f1 = ClassificationMetrics.f1(predicted: predicted, gold: gold)
            let mcc = ClassificationMetrics.matthewsCorrelation(predicted: predicted, gold: gold)
            #expect(Self.close(accuracy, FixtureJSON.double(c["accuracy"])), "\(name): accuracy \(accuracy)")
            #expect(Self.close(f1, FixtureJSON.double(c["f1"])), "\(name): f1 \(f1)")
            #expect(Self.close(mcc, FixtureJSON.double(c["mcc"])), "\(name): mcc \(mcc) vs \(c["mcc"]!)")
        }
    }

    @Test("Pearson, Spearman (average ranks for ties) equal SciPy's; NaN for a constant side")
    func scores() throws {
        let cases = try Self.cases("regression")
        #expect(cases.contains { $0["pearson"] is NSNull })
        for c in cases {
            let name = c["name"] as! String
            let predicted = (c["predicted"] as! [NSNumber]).map(\.doubleValue), gold = (c["gold"] as! [NSNumber]).map(\.doubleValue)
            let pearson = ClassificationMetrics.pearson(predicted, gold)
            let spearman = ClassificationMetrics.spearman(predicted, gold)
            #expect(Self.close(pearson, FixtureJSON.double(c["pearson"])), "\(name): pearson \(pearson)")
            #expect(Self.close(spearman, FixtureJSON.double(c["spearman"])), "\(name): spearman \(spearman)")
            #expect(ClassificationMetrics.averageRanks(predicted) == (c["ranks"] as! [NSNumber]).map(\.doubleValue), "\(name)")
        }
    }

    @Test("GLUE scoring picks each task's metrics; JSON writes NaN as null")
    func glueScores() {
        let gold: [ClassificationLabel] = [.category(1), .category(0), .category(1), .category(1)]
        let predicted: [ClassificationLabel] = [.category(1), .category(1), .category(1), .category(0)]
        let mrpc = GLUEEvaluation.score(task: .mrpc, predicted: predicted, gold: gold)
        #expect(mrpc == [.f1: 2.0 / 3.0, .accuracy: 0.5])
        #expect(GLUEEvaluation.score(task: .cola, predicted: predicted, gold: gold).keys.sorted { $0.rawValue < $1.rawValue } == [.matthewsCorrelation])
        let sts = GLUEEvaluation.score(task: .stsb, predicted: [.score(1), .score(1), .score(1)], gold: [.score(0), .score(2), .score(5)])
        #expect(sts[.pearson]!.isNaN && sts[.spearman]!.isNaN)
        let json = GLUEScores(task: .stsb, split: .dev, count: 3, values: sts).json
        #expect(json == "{\"task\": \"stsb\", \"split\": \"dev\", \"examples\": 3, \"pearson\": null, \"spearman\": null}")
        #expect(GLUEScores(task: .mrpc, split: .dev, count: 4, values: mrpc).json
                == "{\"task\": \"mrpc\", \"split\": \"dev\", \"examples\": 4, \"f1\": 0.6666666666666666, \"accuracy\": 0.5}")
    }
}
