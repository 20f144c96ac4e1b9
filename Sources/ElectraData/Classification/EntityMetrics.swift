// EntityMetrics: entity-level precision, recall and F1 of tag sequences, as conlleval (the CoNLL
// shared tasks' perl script) and seqeval (default mode, and strict mode with a scheme) count them.

/// How tags mark entities.
public enum TaggingScheme: String, CaseIterable, Codable, Sendable {
    /// `I-X` inside; `B-X` only starts an entity right after another of the same type (CoNLL-2003's files).
    case iob1
    /// Every entity starts with `B-X`.
    case iob2
    /// `B-X` begins, `I-X` inside, `E-X` ends, `S-X` a one-token entity.
    case iobes
}

/// Which rules decide where entities start and end.
public enum EntityMatching: Equatable, Hashable, Sendable {
    /// conlleval: a chunk starts at `B`, at `I` after `O`, or at a type change, whatever the scheme
    /// (so `I-X` after `O` starts an entity, as IOB1 needs); it knows `B`, `I`, `E`, `O` (and `[`, `]`),
    /// not `S`.
    case conlleval
    /// seqeval's default mode: conlleval's rules with `S` and `E` ending chunks as IOBES needs.
    case seqeval
    /// seqeval's strict mode (`mode="strict"`): only entities well formed in the scheme count (in IOB2,
    /// `I-X` after `O` is no entity); a tag outside the scheme's prefixes is an error.
    case strict(TaggingScheme)
}

/// One entity: its type and the tokens `start..<end` of the concatenated sentences.
public struct Entity: Hashable, Sendable {
    public var type: String
    public var start: Int
    public var end: Int

    public init(type: String, start: Int, end: Int) {
        self.type = type
        self.start = start
        self.end = end
    }
}

/// Counts of entities, and the scores they give.
public struct EntityCounts: Equatable, Sendable {
    /// Predicted entities that match a gold one exactly (type, start, end).
    public var correct = 0
    public var predicted = 0
    public var gold = 0

    public init(correct: Int = 0, predicted: Int = 0, gold: Int = 0) {
        self.correct = correct
        self.predicted = predicted
        self.gold = gold
    }

    /// correct / predicted, or 0 with no prediction.
    public var precision: Double { predicted == 0 ? 0 : Double(correct) / Double(predicted) }
    /// correct / gold, or 0 with no gold entity.
    public var recall: Double { gold == 0 ? 0 : Double(correct) / Double(gold) }
    /// 2PR / (P + R), or 0 when both are 0.
    public var f1: Double {
        let p = precision, r = recall
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }
}

/// The result of an entity-level evaluation.
public struct EntityReport: Equatable, Sendable {
    /// Over all types (micro-averaged).
    public var overall: EntityCounts
    /// Per entity type, for every type seen in the gold or the predicted tags.
    public var byType: [String: EntityCounts]
    /// Tokens compared, and those whose predicted tag equals the gold one.
    public var tokens: Int
    public var correctTags: Int

    /// correctTags / tokens, or 0 with no token.
    public var tokenAccuracy: Double { tokens == 0 ? 0 : Double(correctTags) / Double(tokens) }
}

/// A tag that the strict scheme does not allow (seqeval raises `ValueError` on it).
public struct InvalidTagError: Error, Equatable, Sendable, CustomStringConvertible {
    public let tag: String
    public let scheme: TaggingScheme

    public var description: String {
        let prefixes = scheme == .iobes ? "B, I, E, S, O" : "B, I, O"
        return "tag \"\(tag)\" is not in the \(scheme.rawValue.uppercased()) scheme (prefixes \(prefixes)): pass the "
            + "scheme the tags use (--scheme), or leave strict mode"
    }
}

/// Entity extraction and scoring.
public enum EntityMetrics {
    /// The entities of `sentences` (concatenated, a sentence break ending any entity) under `matching`.
    public static func entities(_ sentences: [[String]], matching: EntityMatching) throws(InvalidTagError) -> [Entity] {
        switch matching {
        case .conlleval, .seqeval:
            return ChunkRules(seqeval: matching == .seqeval).entities(sentences)
        case .strict(let scheme):
            return try StrictEntities.entities(sentences, scheme: scheme)
        }
    }

    /// Precision, recall and F1 of `predicted` against `gold` (one tag sequence per sentence, of equal
    /// lengths), overall and per type, with token accuracy.
    public static func evaluate(gold: [[String]], predicted: [[String]],
                                matching: EntityMatching) throws(InvalidTagError) -> EntityReport {
        precondition(gold.count == predicted.count, "one predicted sequence per gold sequence")
        var tokens = 0, correctTags = 0
        for (g, p) in zip(gold, predicted) {
            precondition(g.count == p.count, "one predicted tag per gold tag")
            tokens += g.count
            correctTags += zip(g, p).count { $0 == $1 }
        }
        let goldEntities = try entities(gold, matching: matching)
        let predictedEntities = try entities(predicted, matching: matching)
        let goldSet = Set(goldEntities), predictedSet = Set(predictedEntities)
        var byType: [String: EntityCounts] = [:]
        for entity in goldSet { byType[entity.type, default: EntityCounts()].gold += 1 }
        for entity in predictedSet {
            byType[entity.type, default: EntityCounts()].predicted += 1
            if goldSet.contains(entity) { byType[entity.type, default: EntityCounts()].correct += 1 }
        }
        let overall = byType.values.reduce(into: EntityCounts()) {
            $0.correct += $1.correct
            $0.predicted += $1.predicted
            $0.gold += $1.gold
        }
        return EntityReport(overall: overall, byType: byType, tokens: tokens, correctTags: correctTags)
    }
}
