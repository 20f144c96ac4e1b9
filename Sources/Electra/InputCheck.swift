// InputCheck: token batches checked against the model they are fed to, so that data from a user
// (shards, SQuAD files, text) ends in an error naming its source rather than an out-of-bounds read.

import ElectraNN

/// Why a batch cannot go through a model.
public enum InputError: Error, CustomStringConvertible, Equatable {
    case outOfRange(source: String, reason: String)

    public var description: String {
        switch self {
        case .outOfRange(let source, let reason): return "\(source) cannot go through this model: \(reason)"
        }
    }
}

extension ElectraConfig {
    /// Throws unless every token id is below `vocab_size`, every token type below `type_vocab_size`
    /// and the length within `max_position_embeddings`. `source` names the data in the message.
    public func check(_ batch: TokenBatch, source: String) throws {
        guard batch.length <= maxPositionEmbeddings else {
            throw InputError.outOfRange(source: source, reason: "sequences of \(batch.length) tokens exceed max_position_embeddings \(maxPositionEmbeddings); shorten the input (or its --max-seq-length)")
        }
        let vocabulary = Int32(clamping: vocabSize), types = Int32(clamping: typeVocabSize)
        if let id = batch.ids.first(where: { $0 < 0 || $0 >= vocabulary }) {
            throw InputError.outOfRange(source: source, reason: "token id \(id) is outside the vocabulary (vocab_size \(vocabSize)); was it made with another vocabulary?")
        }
        if let type = batch.tokenTypes.first(where: { $0 < 0 || $0 >= types }) {
            throw InputError.outOfRange(source: source, reason: "token type id \(type) needs type_vocab_size > \(type), the model has \(typeVocabSize)"
                                        + (type == 1 ? " (it cannot take sentence pairs)" : ""))
        }
    }
}
