// EntityMetricsTests: entity counts and scores against a conlleval oracle (the perl script's rules,
// cross-checked with the conlleval package) and seqeval (default mode; strict IOB1, IOB2, IOBES) on
// random and edge-case tag sequences (Tests/Fixtures/ner/metrics.json); the CoNLL reader on a
// CoNLL-2003-style file with -DOCSTART-, and the writer's round trip.

import _TestSupport
@testable import ElectraData
import Foundation
import Testing

@Suite("Entity metrics and CoNLL files") struct EntityMetricsTests {
    static func cases() throws -> [[String: Any]] {
        let root = try #require(FixtureJSON.load("ner/metrics.json") as? [String: Any])
        return try #require(root["cases"] as? [[String: Any]])
    }

    static func tags(_ value: Any?) -> [[String]] { value as! [[String]] }

    static func close(_ a: Double, _ b: Any?) -> Bool { abs(a - FixtureJSON.double(b)) <= 1e-9 }

    @Test("conlleval: chunk counts per type and token accuracy equal the perl script's")
    func conlleval() throws {
        for c in try Self.cases() {
            let name = c["name"] as! String
            let oracle = c["conlleval"] as! [String: Any]
            let report = try EntityMetrics.evaluate(gold: Self.tags(c["gold"]), predicted: Self.tags(c["predicted"]), matching: .conlleval)
            let overall = oracle["overall"] as! [String: NSNumber]
            #expect(report.overall == EntityCounts(correct: overall["correct"]!.intValue, predicted: overall["predicted"]!.intValue,
                                                   gold: overall["gold"]!.intValue), "\(name)")
            let byType = (oracle["by_type"] as! [String: [String: NSNumber]]).mapValues {
                EntityCounts(correct: $0["correct"]!.intValue, predicted: $0["predicted"]!.intValue, gold: $0["gold"]!.intValue)
            }
            #expect(report.byType == byType, "\(name)")
            #expect(report.tokens == (oracle["tokens"] as! NSNumber).intValue && report.correctTags == (oracle["correct_tags"] as! NSNumber).intValue)
        }
    }

    @Test("seqeval: precision, recall, F1 and support, overall and per type, default and strict modes")
    func seqeval() throws {
        let modes: [(String, EntityMatching)] = [("seqeval_default", .seqeval), ("seqeval_strict_iob1", .strict(.iob1)),
                                                 ("seqeval_strict_iob2", .strict(.iob2)), ("seqeval_strict_iobes", .strict(.iobes))]
        var errors = 0
        for c in try Self.cases() {
            let name = c["name"] as! String
            for (key, matching) in modes {
                let expected = c[key] as! [String: Any]
                let result = Result { () throws(InvalidTagError) in
                    try EntityMetrics.evaluate(gold: Self.tags(c["gold"]), predicted: Self.tags(c["predicted"]), matching: matching)
                }
                if expected["error"] != nil {
                    errors += 1
                    #expect(throws: InvalidTagError.self, "\(name) \(key)") { try result.get() }
                    continue
                }
                let report = try result.get()
                let overall = expected["overall"] as! [String: Any]
                #expect(Self.close(report.overall.precision, overall["precision"]), "\(name) \(key)")
                #expect(Self.close(report.overall.recall, overall["recall"]), "\(name) \(key)")
                #expect(Self.close(report.overall.f1, overall["f1"]), "\(name) \(key)")
                #expect(report.overall.gold == (overall["support"] as! NSNumber).intValue, "\(name) \(key)")
                // seqeval's report lists the types of the gold and the predicted entities.
                let byType = expected["by_type"] as! [String: [String: Any]]
                #expect(Set(byType.keys) == Set(report.byType.keys), "\(name) \(key)")
                for (type, scores) in byType {
                    let counts = report.byType[type] ?? EntityCounts()
                    #expect(Self.close(counts.precision, scores["precision"]) && Self.close(counts.recall, scores["recall"])
                            && Self.close(counts.f1, scores["f1"]) && counts.gold == (scores["support"] as! NSNumber).intValue,
                            "\(name) \(key) \(type)")
                }
            }
        }
        #expect(errors > 0)   // IOBES tags under a strict IOB scheme
    }

    @Test("I- after O: an entity for conlleval and strict IOB1, none for strict IOB2")
    func insideAfterOutside() throws {
        let tags = [["O", "I-PER", "I-PER", "O"]]
        #expect(try EntityMetrics.entities(tags, matching: .conlleval) == [Entity(type: "PER", start: 1, end: 3)])
        #expect(try EntityMetrics.entities(tags, matching: .strict(.iob1)) == [Entity(type: "PER", start: 1, end: 3)])
        #expect(try EntityMetrics.entities(tags, matching: .strict(.iob2)).isEmpty)
        #expect(try EntityMetrics.entities([["B-LOC"], ["I-LOC"]], matching: .conlleval)
                == [Entity(type: "LOC", start: 0, end: 1), Entity(type: "LOC", start: 1, end: 2)])
        #expect(throws: InvalidTagError(tag: "PER", scheme: .iob2)) { try EntityMetrics.entities([["PER"]], matching: .strict(.iob2)) }
    }

    @Test("CoNLL-2003 file: -DOCSTART- dropped, sentences split at blank lines, tag in the last column")
    func reader() throws {
        let document = try CoNLL.read(path: FixtureJSON.path("ner/conll2003-sample.txt"))
        #expect(document.sentences.count == 4 && document.skipped.isEmpty)
        #expect(document.sentences[0].tokens.prefix(3) == ["EU", "rejects", "German"])
        #expect(document.sentences[0].tags == ["I-ORG", "O", "I-MISC", "O", "O", "O", "I-MISC", "O", "O"])
        #expect(document.sentences.map(\.line) == [3, 13, 18, 21])
        #expect(document.sentences[3].column(fromEnd: 1) == ["B-NP", "I-NP", "I-NP", "B-VP", "B-NP", "B-NP"])
        #expect(document.tagSet == ["B-LOC", "I-LOC", "I-MISC", "I-ORG", "I-PER", "O"])
        #expect(document.sentences[1].lines == [13, 14])
        let ids = try document.tagIndices(document.tagSet)
        #expect(ids[1] == [4, 4] && ids[3] == [5, 3, 3, 5, 1, 0])
        #expect(throws: ClassificationError.unseenLabel(path: document.path, line: 5, label: "I-MISC", known: ["I-LOC", "I-ORG", "O"])) {
            try document.tagIndices(["I-LOC", "I-ORG", "O"])
        }
    }

    @Test("The evaluation writer's file reads back; short rows are skipped with their line")
    func writerRoundTrip() throws {
        let folder = TestDirectory("conll-writer")
        let path = folder.file("predictions.txt")
        try CoNLL.writeEvaluation(tokens: [["New York", "is"], ["big"]], gold: [["B-LOC", "O"], ["O"]],
                                  predicted: [["B-LOC", "B-LOC"], ["O"]], to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "New_York B-LOC B-LOC\nis O B-LOC\n\nbig O O\n\n")
        let back = try CoNLL.read(path: path, minimumColumns: 3)
        #expect(back.sentences.map { $0.column(fromEnd: 0) } == [["B-LOC", "B-LOC"], ["O"]])
        let short = folder.write("short.txt", "a O O\nb O\n\nc O O\n")
        let document = try CoNLL.read(path: short, minimumColumns: 3)
        #expect(document.skipped.map(\.line) == [2] && document.sentences.count == 2)
        #expect(throws: ClassificationError.emptySplit(path: folder.write("empty.txt", "-DOCSTART- O O\n\n"), skipped: 0)) {
            try CoNLL.read(path: folder.file("empty.txt"))
        }
    }
}
