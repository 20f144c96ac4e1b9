// ModelTokenizer: the tokenizer that goes with a model directory: its own vocabulary and its own
// tokenizer settings, or an error; never the bundled vocabulary or default settings in their place.

import ElectraTensor
import ElectraTokenizer
import Foundation

extension ModelDirectory {
    /// The tokenizer of `directory`: its `vocab.txt`, with the lower-casing, accent stripping and CJK
    /// splitting of its `tokenizer_config.json` (see `TokenizerConfig`; without that file, ELECTRA's
    /// defaults: lower-case). A missing `vocab.txt` is an error (`vocabularyFile(of:)`), as is one
    /// whose size is not `config.vocabSize`.
    public static func tokenizer(for directory: String, config: ElectraConfig) throws -> BertTokenizer {
        let settings = try TokenizerConfig(directory: directory)
        let path = try vocabularyFile(of: directory)
        let vocabulary = try Vocabulary(contentsOf: path)
        guard vocabulary.count == config.vocabSize else {
            throw ModelDirectoryError.vocabularyMismatch(path: path, vocabularySize: vocabulary.count, configured: config.vocabSize)
        }
        return settings.tokenizer(vocabulary)
    }

    /// `directory/vocab.txt`, or an error naming it and the fix when it is missing: a model is only
    /// ever tokenized with the vocabulary it was trained with, so no other vocabulary stands in.
    public static func vocabularyFile(of directory: String) throws -> String {
        let path = directory + "/vocab.txt"
        guard FileManager.default.fileExists(atPath: path) else {
            var hint = "copy the vocab.txt the model was trained with into \(directory) (electra does not substitute another vocabulary)"
            if FileManager.default.fileExists(atPath: directory + "/tokenizer.json") {
                hint += "; electra does not read tokenizer.json: write its WordPiece vocabulary (model.vocab, one token per line in id order) as vocab.txt"
            }
            throw ModelDirectoryError.missingFile(path: path, hint: hint)
        }
        return path
    }

    /// `path`, a vocabulary recorded by a run or checkpoint (`recordedIn` names where), when it
    /// exists; otherwise an error naming it and the fix. Never substitutes another vocabulary.
    public static func recordedVocabulary(_ path: String, recordedIn source: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ModelDirectoryError.missingFile(
                path: path, hint: "\(source) was made with this vocabulary; put the vocab.txt it was trained with back at that path "
                    + "(electra does not substitute another vocabulary)")
        }
        return path
    }

    /// Copies the tokenizer files of model directory `source` into `directory`: `vocab.txt`
    /// (required) and `tokenizer_config.json` (when `source` has one, after checking it), so the
    /// new directory tokenizes as `source` does.
    public static func copyTokenizerFiles(from source: String, to directory: String) throws {
        let vocabulary = try vocabularyFile(of: source)
        _ = try TokenizerConfig(directory: source)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (file, path) in [("vocab.txt", vocabulary), ("tokenizer_config.json", source + "/tokenizer_config.json")]
        where FileManager.default.fileExists(atPath: path) {
            try writeAtomically(try Data(contentsOf: URL(fileURLWithPath: path)), to: directory + "/" + file)
        }
    }
}
