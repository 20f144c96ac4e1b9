// TokenizerConfig: the options of a model directory's `tokenizer_config.json` that change how BERT's
// tokenizer splits text, read strictly so that a model is never tokenized differently from how it was
// trained.

import ElectraTokenizer
import Foundation

/// The options of Hugging Face's `tokenizer_config.json` that decide BERT's basic tokenization.
///
/// Semantics are those of `transformers`' `BertTokenizer` / `BasicTokenizer`:
/// - `do_lower_case` (default `true`): lower-case the text;
/// - `strip_accents` (default `null`): `null` strips accents exactly when `do_lower_case` is true;
///   `true` strips them (NFD, drop nonspacing marks) even in a cased model; `false` never strips;
/// - `tokenize_chinese_chars` (default `true`): put spaces around CJK ideographs.
///
/// `do_basic_tokenize: false` (WordPiece on whitespace-split text only) is not implemented and is
/// refused. Other keys (`tokenizer_class`, special tokens, `model_max_length`, …) are ignored.
public struct TokenizerConfig: Equatable, Sendable {
    /// `do_lower_case`.
    public var doLowerCase = true
    /// `strip_accents`; `nil` follows `doLowerCase`.
    public var stripAccents: Bool? = nil
    /// `tokenize_chinese_chars`.
    public var tokenizeChineseChars = true

    /// ELECTRA's released models' settings: lower-case, strip accents, split CJK ideographs.
    public init(doLowerCase: Bool = true, stripAccents: Bool? = nil, tokenizeChineseChars: Bool = true) {
        self.doLowerCase = doLowerCase
        self.stripAccents = stripAccents
        self.tokenizeChineseChars = tokenizeChineseChars
    }

    /// Reads `tokenizer_config.json` at `path`. A key whose value is not what `transformers` expects
    /// (`"do_lower_case": "yes"`, say) is an error naming the file, never a guess.
    public init(contentsOf path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ConfigError.unreadable(path: path, reason: error.localizedDescription)
        }
        let object: [String: JSONValue]
        do { object = try JSONDecoder().decode([String: JSONValue].self, from: data) } catch {
            throw ConfigError.invalid(path: path, reason: "not a JSON object (\(error))")
        }
        func fail(_ reason: String) -> ConfigError { .invalid(path: path, reason: reason) }
        /// The value of `key`, `nil` when absent; `null` only where `transformers` gives it a meaning.
        func flag(_ key: String, nullable: Bool = false) throws -> Bool? {
            switch object[key] {
            case nil: return nil
            case .bool(let value)?: return value
            case .null? where nullable: return nil
            case let value?:
                throw fail("\(key) must be true or false\(nullable ? " (or null)" : ""), not \(value.jsonText); "
                           + "write the value the model's tokenizer was trained with")
            }
        }
        if let value = try flag("do_lower_case") { doLowerCase = value }
        stripAccents = try flag("strip_accents", nullable: true)
        if let value = try flag("tokenize_chinese_chars") { tokenizeChineseChars = value }
        if try flag("do_basic_tokenize") == false {
            throw fail("do_basic_tokenize false (WordPiece without BERT's basic tokenizer) is not supported")
        }
    }

    /// The settings of model directory `directory`: its `tokenizer_config.json`, or the defaults
    /// (lower-case, as ELECTRA's released models) when it has none.
    public init(directory: String) throws {
        let path = directory + "/tokenizer_config.json"
        if FileManager.default.fileExists(atPath: path) {
            try self.init(contentsOf: path)
        } else {
            self.init()
        }
    }

    /// Whether accents are stripped, after `null` is resolved as `transformers` resolves it.
    public var stripsAccents: Bool { stripAccents ?? doLowerCase }

    /// A tokenizer over `vocabulary` with these settings.
    public func tokenizer(_ vocabulary: Vocabulary) -> BertTokenizer {
        BertTokenizer(vocabulary: vocabulary, lowercase: doLowerCase, stripAccents: stripAccents,
                      splitChineseCharacters: tokenizeChineseChars)
    }
}

extension JSONValue {
    /// The value as JSON text, for messages.
    var jsonText: String {
        (try? JSONEncoder().encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "\(self)"
    }
}
