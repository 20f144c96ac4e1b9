// ModelTokenizer: the tokenizer that goes with a model directory.

import ElectraTokenizer
import Foundation

extension ModelDirectory {
    /// The tokenizer of `directory`: its `vocab.txt`, lower-casing as `tokenizer_config.json`'s
    /// `do_lower_case` says (default: lower-case, as ELECTRA's released models). Without `vocab.txt`
    /// the bundled BERT uncased vocabulary is used, when its size matches the configuration.
    public static func tokenizer(for directory: String, config: ElectraConfig) throws -> BertTokenizer {
        var lowercase = true
        let tokenizerConfig = directory + "/tokenizer_config.json"
        if let data = FileManager.default.contents(atPath: tokenizerConfig),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let value = object["do_lower_case"] as? Bool {
            lowercase = value
        }
        let path = directory + "/vocab.txt"
        let vocabulary = try Vocabulary(contentsOf: FileManager.default.fileExists(atPath: path) ? path : Vocabulary.bundledPath())
        guard vocabulary.count == config.vocabSize else {
            throw ModelDirectoryError.vocabularyMismatch(path: path, vocabularySize: vocabulary.count, configured: config.vocabSize)
        }
        return BertTokenizer(vocabulary: vocabulary, lowercase: lowercase)
    }
}
