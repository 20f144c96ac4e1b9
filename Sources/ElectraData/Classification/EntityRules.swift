// EntityRules: where entities start and end: conlleval's chunk rules (and seqeval's default mode,
// which adds S and E), and seqeval's strict mode, which keeps only entities well formed in a scheme.

/// conlleval's `startOfChunk` / `endOfChunk` (and seqeval's `start_of_chunk` / `end_of_chunk`), applied
/// over the sentences joined with an `O` between them.
struct ChunkRules {
    /// seqeval's variant: `E` and `S` always end a chunk, `S` and `B` always start one.
    let seqeval: Bool

    /// A tag's prefix and type: conlleval splits at the first `-` (`O` has type ""); seqeval takes the
    /// first character as prefix and what follows the first `-` as type (`_` when there is none).
    func split(_ tag: String) -> (prefix: Substring, type: Substring) {
        if seqeval {
            let prefix = tag.prefix(1)
            let rest = tag.dropFirst()
            let type = rest.firstIndex(of: "-").map { rest[rest.index(after: $0)...] } ?? rest
            return (prefix, type.isEmpty ? "_" : type)
        }
        guard let dash = tag.firstIndex(of: "-") else { return (tag[...], "") }
        return (tag[..<dash], tag[tag.index(after: dash)...])
    }

    func endOfChunk(_ prevTag: Substring, _ tag: Substring, _ prevType: Substring, _ type: Substring) -> Bool {
        var end = false
        if seqeval {
            if prevTag == "E" || prevTag == "S" { end = true }
            if (prevTag == "B" || prevTag == "I") && (tag == "B" || tag == "S" || tag == "O") { end = true }
        } else {
            if (prevTag == "B" || prevTag == "I") && (tag == "B" || tag == "O") { end = true }
            if prevTag == "E" && (tag == "E" || tag == "I" || tag == "O") { end = true }
            if prevTag == "]" || prevTag == "[" { end = true }
        }
        if prevTag != "O" && prevTag != "." && prevType != type { end = true }
        return end
    }

    func startOfChunk(_ prevTag: Substring, _ tag: Substring, _ prevType: Substring, _ type: Substring) -> Bool {
        var start = false
        if seqeval {
            if tag == "B" || tag == "S" { start = true }
            if (prevTag == "E" || prevTag == "S" || prevTag == "O") && (tag == "E" || tag == "I") { start = true }
        } else {
            if (prevTag == "B" || prevTag == "I" || prevTag == "O") && tag == "B" { start = true }
            if prevTag == "O" && (tag == "I" || tag == "E") { start = true }
            if prevTag == "E" && (tag == "E" || tag == "I") { start = true }
            if tag == "[" || tag == "]" { start = true }
        }
        if tag != "O" && tag != "." && prevType != type { start = true }
        return start
    }

    /// The chunks of the sentences, positions counted over them joined without the separators.
    func entities(_ sentences: [[String]]) -> [Entity] {
        var entities: [Entity] = []
        var position = 0
        let outside = split("O")
        for sentence in sentences {
            var previous = outside
            var begin = position
            for tag in sentence + ["O"] {
                let current = split(tag)
                if endOfChunk(previous.prefix, current.prefix, previous.type, current.type) {
                    entities.append(Entity(type: String(previous.type), start: begin, end: position))
                }
                if startOfChunk(previous.prefix, current.prefix, previous.type, current.type) { begin = position }
                previous = current
                position += 1
            }
            position -= 1   // the "O" closing the sentence is no token
        }
        return entities
    }
}

/// seqeval's strict mode (`seqeval.scheme.Tokens.entities`): an entity starts where the scheme's start
/// patterns allow, runs while its inside patterns hold, and counts only if the scheme's end patterns
/// accept how it stops.
enum StrictEntities {
    private enum Prefix: Character { case b = "B", i = "I", o = "O", e = "E", s = "S" }

    private struct Token {
        let prefix: Prefix
        let type: Substring
    }

    private static func token(_ tag: String, scheme: TaggingScheme) throws(InvalidTagError) -> Token {
        guard let first = tag.first, let prefix = Prefix(rawValue: first) else { throw InvalidTagError(tag: tag, scheme: scheme) }
        let allowed: Set<Prefix> = scheme == .iobes ? [.b, .i, .o, .e, .s] : [.b, .i, .o]
        guard allowed.contains(prefix) else { throw InvalidTagError(tag: tag, scheme: scheme) }
        // seqeval: tag[1:].strip("-") or "_".
        var type = tag.dropFirst()
        while type.first == "-" { type = type.dropFirst() }
        while type.last == "-" { type = type.dropLast() }
        return Token(prefix: prefix, type: type.isEmpty ? "_" : type)
    }

    private static func isStart(_ t: Token, after p: Token, _ scheme: TaggingScheme) -> Bool {
        let same = p.type == t.type
        switch scheme {
        case .iob1:
            switch (p.prefix, t.prefix) {
            case (.o, .i), (.b, .i): return true
            case (.i, .i): return !same
            case (.i, .b), (.b, .b): return same
            default: return false
            }
        case .iob2: return t.prefix == .b
        case .iobes: return t.prefix == .b || t.prefix == .s
        }
    }

    private static func isInside(_ t: Token, after p: Token, _ scheme: TaggingScheme) -> Bool {
        guard p.type == t.type else { return false }
        switch scheme {
        case .iob1, .iob2: return (p.prefix == .b || p.prefix == .i) && t.prefix == .i
        case .iobes: return (p.prefix == .b || p.prefix == .i) && (t.prefix == .i || t.prefix == .e)
        }
    }

    /// Whether the entity that `p` closes ends properly before `t`.
    private static func isEnd(_ t: Token, after p: Token, _ scheme: TaggingScheme) -> Bool {
        let same = p.type == t.type
        switch scheme {
        case .iob1:
            switch (p.prefix, t.prefix) {
            case (.i, .o), (.i, .b), (.b, .o): return true
            case (.i, .i), (.b, .i): return !same
            case (.b, .b): return same
            default: return false
            }
        case .iob2:
            switch (p.prefix, t.prefix) {
            case (.i, .o), (.i, .b), (.b, .o), (.b, .b): return true
            case (.i, .i), (.b, .i): return !same
            default: return false
            }
        case .iobes: return p.prefix == .s || p.prefix == .e
        }
    }

    static func entities(_ sentences: [[String]], scheme: TaggingScheme) throws(InvalidTagError) -> [Entity] {
        var entities: [Entity] = []
        var offset = 0
        let outside = try token("O", scheme: scheme)
        for sentence in sentences {
            var tokens: [Token] = []
            tokens.reserveCapacity(sentence.count + 1)
            for tag in sentence { tokens.append(try token(tag, scheme: scheme)) }
            tokens.append(outside)
            var i = 0
            var previous = outside
            while i < tokens.count {
                let current = tokens[i]
                if isStart(current, after: previous, scheme) {
                    // Run forward while the inside patterns hold; seqeval stops at the closing "O" at the latest.
                    var end = i + 1
                    var last = current
                    while end < tokens.count && isInside(tokens[end], after: last, scheme) {
                        last = tokens[end]
                        end += 1
                    }
                    if end == tokens.count { end = tokens.count - 2 }
                    if isEnd(tokens[end], after: tokens[end - 1], scheme) {
                        entities.append(Entity(type: String(current.type), start: offset + i, end: offset + end))
                    }
                    i = end
                } else {
                    i += 1
                }
                previous = tokens[i - 1]
            }
            offset += sentence.count
        }
        return entities
    }
}
