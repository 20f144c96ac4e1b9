// ClassificationConfig: the `config.json` keys of Hugging Face's classification models (`id2label`,
// `label2id`, `problem_type`, `classifier_dropout`), read and written through `ElectraConfig.extra`.

import Foundation

extension ElectraConfig {
    /// `id2label` as a list (entry `i` is label `i`'s name), or `nil` when the file has none.
    /// Setting it also writes `label2id`, as `transformers` does.
    public var labelNames: [String]? {
        get {
            guard case .object(let table)? = extra["id2label"] else { return nil }
            var names = [String?](repeating: nil, count: table.count)
            for (key, value) in table {
                guard let id = Int(key), names.indices.contains(id), case .string(let name) = value else { return nil }
                names[id] = name
            }
            return names.contains(nil) ? nil : names.map { $0! }
        }
        set {
            guard let newValue else { extra["id2label"] = nil; extra["label2id"] = nil; return }
            extra["id2label"] = .object(Dictionary(uniqueKeysWithValues: newValue.enumerated().map { (String($0.offset), .string($0.element)) }))
            extra["label2id"] = .object(Dictionary(newValue.enumerated().map { ($0.element, .number(Double($0.offset))) },
                                                   uniquingKeysWith: { first, _ in first }))
        }
    }

    /// `problem_type`, or `nil` when absent (then `transformers` infers it from the labels).
    public var problemType: ClassificationProblem? {
        get {
            guard case .string(let name)? = extra["problem_type"] else { return nil }
            return ClassificationProblem(rawValue: name)
        }
        set { extra["problem_type"] = newValue.map { .string($0.rawValue) } }
    }

    /// The heads' dropout: `classifier_dropout`, or `hidden_dropout_prob` when it is absent or null.
    public var classifierDropoutProb: Float {
        if case .number(let value)? = extra["classifier_dropout"] { return Float(value) }
        return hiddenDropoutProb
    }

    /// Throws unless the classification keys present are well formed: `id2label` ids 0 … n−1 with
    /// string names, a known `problem_type`, `classifier_dropout` null or in [0, 1). `path` names the file.
    public func validateClassification(path: String) throws {
        func fail(_ reason: String) -> ConfigError { .invalid(path: path, reason: reason) }
        if let table = extra["id2label"], labelNames == nil {
            throw fail("id2label \(table.jsonText) must map the ids \"0\" … \"n-1\" to label names")
        }
        if let value = extra["problem_type"], value != .null, problemType == nil {
            throw fail("problem_type \(value.jsonText) is none of "
                       + ClassificationProblem.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))
        }
        switch extra["classifier_dropout"] {
        case nil, .null?: break
        case .number(let value)? where (0..<1).contains(value): break
        case let value?: throw fail("classifier_dropout \(value.jsonText) must be null or a probability in [0, 1)")
        }
    }
}
