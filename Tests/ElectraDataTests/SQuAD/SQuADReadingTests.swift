// SQuADReadingTests: SQuAD v1.1/v2.0 files into examples; errors that name the file and the place;
// answers that do not match their context counted and kept out of training; and the Python-exact
// JSON reading and writing underneath.

@testable import ElectraData
import Foundation
import Testing

@Suite("SQuAD reading") struct SQuADReadingTests {
    static let sample = """
        {"version": "1.1", "data": [{"title": "T", "paragraphs": [
          {"context": "Zoë met the 🎉 crew in Paris.", "qas": [
            {"id": "a", "question": "Who?", "answers": [{"text": "Zoë", "answer_start": 0}, {"text": "Zoë met", "answer_start": 0}]},
            {"id": "b", "question": "Where?", "answers": [{"text": "Paris", "answer_start": 22}]},
            {"id": "c", "question": "Wrong?", "answers": [{"text": "Paris", "answer_start": 21}]},
            {"id": "d", "question": "Far?", "answers": [{"text": "crew", "answer_start": 99}]}]},
          {"context": "Second paragraph.", "qas": [{"id": "e", "question": "Q?", "answers": [{"text": "Second", "answer_start": 0}]}]}
        ]}]}
        """

    @Test("v1.1: questions in file order, answers kept, code-point answer_start checked")
    func readsVersionOne() throws {
        let dataset = try SQuADDataset(data: Data(Self.sample.utf8), source: "sample.json")
        #expect(dataset.version == .v1_1 && dataset.declaredVersion == "1.1")
        #expect(dataset.examples.map(\.id) == ["a", "b", "c", "d", "e"])
        #expect(dataset.examples.map(\.paragraphIndex) == [0, 0, 0, 0, 1])
        #expect(dataset.examples[0].answers.count == 2 && dataset.examples[0].title == "T")
        // 🎉 is one code point (two UTF-16 units): "Paris" starts at code point 22.
        #expect(!dataset.examples[1].hasAnswerProblem && dataset.examples[1].isTrainable)
        #expect(dataset.answerProblems.count == 2 && dataset.untrainableCount == 2)
        #expect(dataset.answerProblems[0] == SQuADAnswerProblem(
            questionId: "c", answerIndex: 0, answer: SQuADAnswer(text: "Paris", start: 21), kind: .textMismatch(found: " Pari")))
        #expect(dataset.answerProblems[1].kind == .startOutOfRange && dataset.answerProblems[1].questionId == "d")
        #expect(dataset.answerProblems[0].description.contains("question c") && dataset.answerProblems[0].description.contains(" Pari"))
        #expect(!dataset.examples[2].isTrainable && !dataset.examples[3].isTrainable)
    }

    @Test("v2.0: is_impossible, plausible answers, version from the field or from is_impossible")
    func readsVersionTwo() throws {
        let json = """
            {"data": [{"title": "T", "paragraphs": [{"context": "Abc def.", "qas": [
              {"id": "x", "question": "?", "answers": [], "plausible_answers": [{"text": "def", "answer_start": 4}], "is_impossible": true},
              {"id": "y", "question": "?", "answers": [], "is_impossible": false}]}]}]}
            """
        let dataset = try SQuADDataset(data: Data(json.utf8))
        #expect(dataset.version == .v2_0 && dataset.declaredVersion == nil)
        #expect(dataset.examples[0].isImpossible && dataset.examples[0].isTrainable)
        #expect(dataset.examples[0].plausibleAnswers == [SQuADAnswer(text: "def", start: 4)])
        #expect(dataset.answerProblems.map(\.kind) == [.noAnswer] && !dataset.examples[1].isTrainable)
        let fixture = try SQuADDataset(contentsOf: SQuADFixtures.path("dev-v2.0.json"))
        #expect(fixture.version == .v2_0 && fixture.declaredVersion == "v2.0" && fixture.examples.count == 62)
        #expect(fixture.examples.filter(\.isImpossible).count == 9)
        // The repeated id's answer was written for another paragraph: reported, not fatal.
        #expect(fixture.answerProblems.map(\.questionId) == ["q001v2"])
        #expect(try SQuADDataset(contentsOf: SQuADFixtures.path("dev-v1.1.json")).version == .v1_1)
    }

    @Test("Malformed JSON names the file, line and column")
    func malformed() throws {
        let cases: [(String, Int, Int)] = [
            ("{\"data\": [\n  {\"title\": \"x\",,}\n]}", 2, 17),
            ("{\"data\": [1, 2", 1, 15),
            ("{\"data\": \"abc\u{01}\"}", 1, 14),
            ("{\"data\": []} extra", 1, 14),
            ("{\"data\": \"é\", oops}", 1, 15),
            ("", 1, 1),
        ]
        for (text, line, column) in cases {
            #expect {
                try SQuADDataset(data: Data(text.utf8), source: "dev.json")
            } throws: { error in
                guard case .malformedJSON(let path, let l, let c, _)? = error as? SQuADError else { return false }
                return path == "dev.json" && l == line && c == column
            }
        }
        let invalidUTF8 = Data([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D])
        #expect(throws: SQuADError.self) { try SQuADDataset(data: invalidUTF8) }
        #expect(SQuADError.malformedJSON(path: "dev.json", line: 2, column: 3, reason: "r").description.hasPrefix("dev.json:2:3:"))
    }

    @Test("Wrong structure names the file and the path inside it")
    func wrongStructure() throws {
        let cases: [(String, SQuADError)] = [
            ("[]", .unexpectedValue(path: "f", location: "the top level", expected: "an object", found: "an array")),
            ("{}", .unexpectedValue(path: "f", location: "data", expected: "a member \"data\"", found: "nothing")),
            ("{\"data\": [{\"paragraphs\": [{\"context\": 5, \"qas\": []}]}]}",
             .unexpectedValue(path: "f", location: "data[0].paragraphs[0].context", expected: "a string", found: "a number")),
            ("{\"data\": [{\"paragraphs\": [{\"context\": \"c\", \"qas\": [{\"id\": \"i\", \"question\": \"q\", "
                + "\"answers\": [{\"text\": \"c\", \"answer_start\": \"0\"}]}]}]}]}",
             .unexpectedValue(path: "f", location: "data[0].paragraphs[0].qas[0].answers[0].answer_start",
                              expected: "an integer", found: "a string")),
            ("{\"data\": [{\"paragraphs\": [{\"context\": \"c\", \"qas\": [{\"question\": \"q\", \"answers\": []}]}]}]}",
             .unexpectedValue(path: "f", location: "data[0].paragraphs[0].qas[0].id", expected: "a member \"id\"", found: "nothing")),
        ]
        for (text, error) in cases {
            #expect(throws: error) { try SQuADDataset(data: Data(text.utf8), source: "f") }
        }
        #expect(throws: SQuADError.self) { try SQuADDataset(contentsOf: "/nonexistent/dev.json") }
        #expect(throws: SQuADError.unexpectedValue(path: "p", location: "\"a\"", expected: "a string", found: "null")) {
            try SQuADPredictedAnswers(data: Data("{\"a\": null}".utf8), source: "p")
        }
    }

    @Test("Predictions and probabilities keep file order with dict semantics; integers stay integers")
    func evaluationInputs() throws {
        let predictions = try SQuADPredictedAnswers(data: Data("{\"b\": \"1\", \"a\": \"2\", \"b\": \"3\"}".utf8))
        #expect(predictions.ids == ["b", "a"] && predictions["b"] == "3")
        let probabilities = try SQuADNoAnswerProbabilities(data: Data("{\"x\": 1, \"y\": 0.5, \"z\": 1e-7, \"w\": -Infinity}".utf8))
        #expect(probabilities.ids == ["x", "y", "z", "w"] && probabilities["z"] == 1e-7 && probabilities["w"] == -.infinity)
        #expect(probabilities.literal("x") == .integer(1) && probabilities.literal("y") == .float(0.5))
    }
}

@Suite("SQuAD JSON as Python writes it") struct SQuADJSONTests {
    @Test("Floats print as Python's repr")
    func floatRepr() {
        let values: [Double] = [0.1, 1e16, 1e-5, 123456789012345680.0, 0.0001, -0.0, 100.0, Double.leastNonzeroMagnitude, 1.7976931348623157e308,
                                9999999999999998.0, 1e22, 1.5, 2.5e-7, 200.0 / 3, 1e15, 123.456, -1234.5e-10, 0.00012,
                                3.0517578125e-05]
        let python = "[0.1, 1e+16, 1e-05, 1.2345678901234568e+17, 0.0001, -0.0, 100.0, 5e-324, 1.7976931348623157e+308, "
            + "9999999999999998.0, 1e+22, 1.5, 2.5e-07, 66.66666666666667, 1000000000000000.0, 123.456, -1.2345e-07, "
            + "0.00012, 3.0517578125e-05]"
        #expect(SQuADJSONWriter.dumps(.array(values.map { .float($0) })) == python)
        #expect(SQuADJSONWriter.dumps(.array([.float(.nan), .float(.infinity), .float(-.infinity)])) == "[NaN, Infinity, -Infinity]")
    }

    @Test("Strings are escaped as ensure_ascii does; indent lays out like json.dumps")
    func layout() {
        let value = SQuADJSON.object([
            ("a", .array(["é", "🎉", "\u{7F}", "\u{2028}", "q\"\\\n\t\u{01}"].map { .string($0) })),
            ("b", .object([])), ("c", .array([])),
        ])
        let python = """
            {
                "a": [
                    "\\u00e9",
                    "\\ud83c\\udf89",
                    "\\u007f",
                    "\\u2028",
                    "q\\"\\\\\\n\\t\\u0001"
                ],
                "b": {},
                "c": []
            }
            """
        #expect(SQuADJSONWriter.dumps(value, indent: 4) == python)
        #expect(SQuADJSONWriter.dumps(.object([("k", .integer(3)), ("v", .bool(true))])) == "{\"k\": 3, \"v\": true}")
    }

    @Test("Parsing keeps order, duplicates, number kinds, escapes and surrogate pairs")
    func parsing() throws {
        let value = try SQuADJSONParser.parse(Data(#"{"a": 1, "b": 1.0, "a": [true, null, -0, 2e3, "\ud83c\udf89\u00e9\/"]}"#.utf8), file: "t")
        guard case .object(let pairs) = value else {
            Issue.record("not an object")
            return
        }
        #expect(pairs.map(\.key) == ["a", "b", "a"])
        #expect(pairs[1].value == .float(1.0))
        #expect(value.value(forKey: "a") == .array([.bool(true), .null, .integer(0), .float(2000), .string("🎉é/")]))
    }
}
