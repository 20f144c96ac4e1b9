// SQuADDataset: SQuAD v1.1 and v2.0 JSON files read into questions (examples), each with its
// paragraph, gold answers and answerability; answers that do not match their context are reported
// and keep the question out of training, never stop the reading.

import Foundation

/// Which SQuAD release a file follows: v1.1 (every question answerable) or v2.0 (some are not).
public enum SQuADVersion: String, Sendable, CaseIterable, Codable {
    case v1_1 = "1.1"
    case v2_0 = "2.0"
}

/// One gold answer: its text and where it starts in the context.
public struct SQuADAnswer: Sendable, Equatable {
    /// The answer text.
    public var text: String
    /// `answer_start`: the offset of the first character in the context, in Unicode code points
    /// (Python string indices); nil when the file does not give one.
    public var start: Int?

    /// An answer `text` starting at code point `start` of its context.
    public init(text: String, start: Int?) {
        self.text = text
        self.start = start
    }
}

/// One question about one paragraph (Hugging Face's `SquadExample`).
public struct SQuADExample: Sendable {
    /// `qas[].id`.
    public var id: String
    /// The article's title (empty when absent).
    public var title: String
    /// The question.
    public var question: String
    /// The paragraph the question is about. Every question of a paragraph shares this string.
    public var context: String
    /// Which paragraph of the file (counted over all articles) the context is; questions of the same
    /// paragraph share it, which lets the featurizer tokenize each context once.
    public var paragraphIndex: Int
    /// Gold answers, in file order; training uses the first. Empty for unanswerable questions.
    public var answers: [SQuADAnswer]
    /// `plausible_answers` of v2.0 unanswerable questions (kept, never checked or used).
    public var plausibleAnswers: [SQuADAnswer]
    /// `is_impossible` (false when absent).
    public var isImpossible: Bool
    /// Whether some answer failed the check against the context (see `SQuADDataset.answerProblems`).
    public var hasAnswerProblem: Bool

    /// A question; give questions about the same paragraph the same `paragraphIndex` (and context) so
    /// that the featurizer tokenizes it once.
    public init(id: String, title: String = "", question: String, context: String, paragraphIndex: Int = 0,
                answers: [SQuADAnswer], plausibleAnswers: [SQuADAnswer] = [], isImpossible: Bool = false,
                hasAnswerProblem: Bool = false) {
        self.id = id
        self.title = title
        self.question = question
        self.context = context
        self.paragraphIndex = paragraphIndex
        self.answers = answers
        self.plausibleAnswers = plausibleAnswers
        self.isImpossible = isImpossible
        self.hasAnswerProblem = hasAnswerProblem
    }

    /// Whether training may use the question: unanswerable ones always, answerable ones when they
    /// have an answer and every answer matches the context.
    public var isTrainable: Bool { isImpossible || (!answers.isEmpty && !hasAnswerProblem) }
}

/// An answer that cannot be located in its context.
public struct SQuADAnswerProblem: Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public enum Kind: Sendable, Equatable {
        /// The context at `answer_start` holds `found`, not the answer text.
        case textMismatch(found: String)
        /// `answer_start` is negative or past the end of the context.
        case startOutOfRange
        /// The answer has no `answer_start`.
        case missingStart
        /// An answerable question (`is_impossible` false or absent) has no answer.
        case noAnswer
    }

    /// The question's id.
    public var questionId: String
    /// Which answer of the question (nil for `.noAnswer`).
    public var answerIndex: Int?
    /// The answer as written in the file (nil for `.noAnswer`).
    public var answer: SQuADAnswer?
    /// What is wrong.
    public var kind: Kind

    /// The problem in words, with the question id.
    public var description: String {
        let which = "question \(questionId)" + (answerIndex.map { ", answer \($0)" } ?? "")
        let text = answer.map { "\"\($0.text)\"" } ?? ""
        switch kind {
        case .textMismatch(let found):
            return "\(which): \(text) does not match the context at \(answer?.start ?? 0), which reads \"\(found)\""
        case .startOutOfRange:
            return "\(which): \(text) starts at \(answer?.start ?? 0), outside the context"
        case .missingStart:
            return "\(which): \(text) has no answer_start"
        case .noAnswer:
            return "\(which): the question is answerable (is_impossible is false) but has no answer"
        }
    }
}

/// The questions of a SQuAD file, in file order (articles, paragraphs, questions).
public struct SQuADDataset: Sendable {
    /// The file read (or the name given for in-memory data).
    public var source: String
    /// The file's `version` field, if any ("1.1", "v2.0").
    public var declaredVersion: String?
    /// v2.0 when the version field says so or any question has `is_impossible`; v1.1 otherwise.
    public var version: SQuADVersion
    /// The questions.
    public var examples: [SQuADExample]
    /// Answers that cannot be located in their context; their questions stay for evaluation but are
    /// not trained on.
    public var answerProblems: [SQuADAnswerProblem]

    /// Reads `path`.
    /// - Throws: `SQuADError` naming the file and where the problem is.
    public init(contentsOf path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SQuADError.unreadable(path: path, reason: error.localizedDescription)
        }
        try self.init(data: data, source: path)
    }

    /// Reads SQuAD JSON from `data`; `source` names it in errors.
    public init(data: Data, source: String = "SQuAD data") throws {
        let root = try SQuADJSONParser.parse(data, file: source)
        let reader = SQuADJSONReader(file: source)
        let top = SQuADJSONPath()
        self.source = source
        declaredVersion = nil
        if let version = root.value(forKey: "version") {
            switch version {
            case .string(let text): declaredVersion = text
            case .integer, .float: declaredVersion = SQuADJSONWriter.dumps(version)
            default: break
            }
        }
        examples = []
        answerProblems = []
        var sawImpossible = false
        let articles = try reader.array(try reader.member("data", of: root, at: top), at: top.member("data"))
        var paragraphIndex = 0
        for (a, article) in articles.enumerated() {
            let articlePath = top.member("data").element(a)
            var title = ""
            if case .string(let text)? = article.value(forKey: "title") { title = text }
            let paragraphsPath = articlePath.member("paragraphs")
            let paragraphs = try reader.array(try reader.member("paragraphs", of: article, at: articlePath), at: paragraphsPath)
            for (p, paragraph) in paragraphs.enumerated() {
                let paragraphPath = paragraphsPath.element(p)
                let context = try reader.string(try reader.member("context", of: paragraph, at: paragraphPath),
                                                at: paragraphPath.member("context"))
                let contextScalars = Array(context.unicodeScalars)
                let qas = try reader.array(try reader.member("qas", of: paragraph, at: paragraphPath),
                                           at: paragraphPath.member("qas"))
                for (q, qa) in qas.enumerated() {
                    let qaPath = paragraphPath.member("qas").element(q)
                    var example = try Self.example(qa, at: qaPath, reader: reader, title: title, context: context,
                                                   paragraphIndex: paragraphIndex)
                    sawImpossible = sawImpossible || qa.value(forKey: "is_impossible") != nil
                    let problems = Self.check(example, contextScalars: contextScalars)
                    example.hasAnswerProblem = !problems.isEmpty
                    answerProblems += problems
                    examples.append(example)
                }
                paragraphIndex += 1
            }
        }
        let declaresTwo = declaredVersion.map { $0.hasPrefix("2") || $0.hasPrefix("v2") } ?? false
        version = declaresTwo || sawImpossible ? .v2_0 : .v1_1
    }

    /// Questions that training skips (see `SQuADExample.isTrainable`).
    public var untrainableCount: Int { examples.reduce(0) { $0 + ($1.isTrainable ? 0 : 1) } }

    private static func example(_ qa: SQuADJSON, at path: SQuADJSONPath, reader: SQuADJSONReader, title: String,
                                context: String, paragraphIndex: Int) throws -> SQuADExample {
        let id = try reader.string(try reader.member("id", of: qa, at: path), at: path.member("id"))
        let question = try reader.string(try reader.member("question", of: qa, at: path), at: path.member("question"))
        var isImpossible = false
        if let flag = qa.value(forKey: "is_impossible") {
            switch flag {
            case .bool(let value): isImpossible = value
            case .integer(let value): isImpossible = value != 0
            case .null: isImpossible = false
            default: throw reader.mismatch(flag, at: path.member("is_impossible"), expected: "true or false")
            }
        }
        var answers: [SQuADAnswer] = []
        if let list = qa.value(forKey: "answers") {
            answers = try Self.answers(list, at: path.member("answers"), reader: reader)
        } else if !isImpossible {
            _ = try reader.member("answers", of: qa, at: path)   // throws: answerable questions need answers
        }
        var plausible: [SQuADAnswer] = []
        if let list = qa.value(forKey: "plausible_answers") {
            plausible = try Self.answers(list, at: path.member("plausible_answers"), reader: reader)
        }
        return SQuADExample(id: id, title: title, question: question, context: context, paragraphIndex: paragraphIndex,
                            answers: answers, plausibleAnswers: plausible, isImpossible: isImpossible)
    }

    private static func answers(_ list: SQuADJSON, at path: SQuADJSONPath, reader: SQuADJSONReader) throws -> [SQuADAnswer] {
        try reader.array(list, at: path).enumerated().map { i, answer in
            let answerPath = path.element(i)
            let text = try reader.string(try reader.member("text", of: answer, at: answerPath), at: answerPath.member("text"))
            var start: Int? = nil
            if let value = answer.value(forKey: "answer_start") {
                guard case .integer(let offset) = value else {
                    throw reader.mismatch(value, at: answerPath.member("answer_start"), expected: "an integer")
                }
                start = offset
            }
            return SQuADAnswer(text: text, start: start)
        }
    }

    /// The problems of `example`'s answers: each must appear in the context at its start, code point
    /// for code point.
    static func check(_ example: SQuADExample, contextScalars: [Unicode.Scalar]) -> [SQuADAnswerProblem] {
        if example.answers.isEmpty {
            return example.isImpossible ? [] : [SQuADAnswerProblem(questionId: example.id, answerIndex: nil, answer: nil, kind: .noAnswer)]
        }
        var problems: [SQuADAnswerProblem] = []
        for (i, answer) in example.answers.enumerated() {
            let kind: SQuADAnswerProblem.Kind
            guard let start = answer.start else {
                problems.append(SQuADAnswerProblem(questionId: example.id, answerIndex: i, answer: answer, kind: .missingStart))
                continue
            }
            let text = Array(answer.text.unicodeScalars)
            if start < 0 || start > contextScalars.count {
                kind = .startOutOfRange
            } else {
                let end = min(contextScalars.count, start + text.count)
                let found = contextScalars[start..<end]
                if found.elementsEqual(text) { continue }
                var view = String.UnicodeScalarView()
                view.append(contentsOf: found)
                kind = .textMismatch(found: String(view))
            }
            problems.append(SQuADAnswerProblem(questionId: example.id, answerIndex: i, answer: answer, kind: kind))
        }
        return problems
    }
}
