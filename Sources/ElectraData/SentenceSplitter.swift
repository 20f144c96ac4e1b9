// SentenceSplitter: a rule-based splitter for running text (the `paragraphs` corpus format), working
// on UTF-8 bytes so that it keeps up with the reader.

/// Splits running text into sentences by rule.
///
/// A sentence ends after a run of terminators (`.`, `!`, `?`, `…`) and any closing quotes or
/// brackets right after it (`" ' ” ’ ) ] } » ›`), when whitespace follows and then a sentence start:
/// an upper-case or title-case letter, a letter of a script without case, a digit, or an opening
/// quote or bracket (`" ' “ ‘ „ ( [ { « ‹ ¿ ¡`, and `_`, Project Gutenberg's italics). A run holding `!` or `?` ends a sentence before
/// anything (`"Oh! my dear"`, `"Who is it?" cried she`), as NLTK's punkt, which NVIDIA's data
/// preparation splits with, always breaks after them. A single `.` does not end a sentence after
///
/// - a common abbreviation (`Mr.`, `Mrs.`, `Dr.`, `St.`, `Prof.`, `vs.`, `etc.`, `e.g.`, `Gen.`,
///   `Capt.`, `Rev.`, month names, …; the list is `abbreviations`), compared without case;
///   `No.` counts as an abbreviation only before a digit (`No. 5`), since "No. I …" ends a reply;
/// - a single-letter initial (`J. K. Rowling`), except the pronoun `I`, or dotted initials (`U.S.`,
///   `a.m.`);
///
/// and never splits inside a number (`3.14`: no whitespace follows the point). A word counts as an
/// abbreviation only when it starts a word: `Bennet's.` ends a sentence even though `s` is one letter
/// (a dash, `--Mr.` or `—Mr.`, does start one). `etc.` is no abbreviation here: before a capital
/// it ends the sentence, as in punkt.
///
/// The splitter looks only at the sentence's last word and the text right after the terminator, so
/// the completed sentences of a text prefix are the same as those of the whole text: the corpus
/// reader splits long paragraphs piecewise with `completedSentences(in:)`.
public struct SentenceSplitter: Sendable {
    /// Lower-cased abbreviations (without their final period) that a single `.` does not end a
    /// sentence after.
    public static let abbreviations: Set<String> = [
        "mr", "mrs", "ms", "mx", "messrs", "mme", "mlle", "dr", "st", "jr", "sr", "prof", "rev", "hon",
        "fr", "sen", "rep", "gov", "pres", "gen", "col", "lt", "capt", "cmdr", "sgt", "maj", "mt",
        "vs", "e.g", "i.e", "cf", "viz", "al", "approx", "fig", "dept", "inc", "ltd", "co", "corp",
        "u.s", "u.k", "jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    ]

    /// A splitter with the rules above.
    public init() {}

    /// The sentences of `text`, without the whitespace between them.
    public func split(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        let (ranges, remainder) = completedSentences(in: bytes)
        var sentences = ranges.map { String(decoding: bytes[$0], as: UTF8.self) }
        let last = Self.trimmedEnd(bytes, remainder..<bytes.count)
        if !last.isEmpty { sentences.append(String(decoding: bytes[last], as: UTF8.self)) }
        return sentences
    }

    /// The byte ranges of the sentences of UTF-8 `text` whose end is certain (the text after them
    /// shows a sentence start), and where the unfinished rest begins (after the whitespace that
    /// follows the last of them).
    public func completedSentences(in text: [UInt8]) -> (sentences: [Range<Int>], remainder: Int) {
        text.withUnsafeBufferPointer { completedSentences(in: UTF8Text(bytes: $0)) }
    }

    func completedSentences(in text: UTF8Text) -> (sentences: [Range<Int>], remainder: Int) {
        let n = text.count
        var sentences: [Range<Int>] = []
        var sentenceStart = text.skipWhitespace(from: 0)
        var i = sentenceStart
        while i < n {
            guard let first = text.terminatorLength(at: i) else {
                i += 1
                continue
            }
            var end = i + first
            while end < n, let more = text.terminatorLength(at: end) { end += more }
            let singlePeriod = end == i + 1 && text.bytes[i] == UInt8(ascii: ".")
            let exclaims = (i..<end).contains { text.bytes[$0] == UInt8(ascii: "!") || text.bytes[$0] == UInt8(ascii: "?") }
            while end < n, let closing = text.closingLength(at: end) { end += closing }
            let next = text.skipWhitespace(from: end)
            if next > end && next < n {
                let start = text.scalar(at: next).scalar
                if exclaims || (Self.startsSentence(start) && !(singlePeriod && Self.isAbbreviation(text, period: i, next: start))) {
                    sentences.append(sentenceStart..<end)
                    sentenceStart = next
                }
            }
            i = end
        }
        return (sentences, sentenceStart)
    }

    // MARK: Character classes

    static func isOpening(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "\"", "'", "\u{201C}", "\u{2018}", "\u{201E}", "(", "[", "{", "\u{00AB}", "\u{2039}", "\u{00BF}", "\u{00A1}", "_":
            return true
        default: return false
        }
    }

    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x80 ? (scalar == " " || (scalar.value >= 0x09 && scalar.value <= 0x0D))
            : scalar.properties.isWhitespace
    }

    static func startsSentence(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return (value >= 0x41 && value <= 0x5A) || (value >= 0x30 && value <= 0x39) || isOpening(scalar)
        }
        if isOpening(scalar) { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .titlecaseLetter, .otherLetter, .decimalNumber: return true
        default: return false
        }
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return (value >= 0x41 && value <= 0x5A) || (value >= 0x61 && value <= 0x7A) }
        return scalar.properties.isAlphabetic
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .decimalNumber
    }

    /// Whether the word ending at the single period at byte `period` is an abbreviation or an initial.
    static func isAbbreviation(_ text: UTF8Text, period: Int, next: Unicode.Scalar) -> Bool {
        var start = period
        while start > 0 {
            let (scalar, scalarStart) = text.scalar(before: start)
            guard isLetter(scalar) || scalar == "." else { break }
            start = scalarStart
        }
        while start < period && text.bytes[start] == UInt8(ascii: ".") { start += 1 }
        guard start < period else { return false }
        if start > 0 {
            // Inside a longer word ("Bennet's", "well-known", "A4"): not an abbreviation.
            let (before, beforeStart) = text.scalar(before: start)
            let dash = before == "-" && beforeStart > 0 && text.bytes[beforeStart - 1] == UInt8(ascii: "-")   // "--Mr."
            if before == "'" || before == "\u{2019}" || (before == "-" && !dash) || isDigit(before) { return false }
        }
        let word = String(decoding: UnsafeBufferPointer(rebasing: text.bytes[start..<period]), as: UTF8.self).lowercased()
        if word.unicodeScalars.count == 1 { return text.bytes[start] != UInt8(ascii: "I") }   // an initial, not "I."
        if word == "no" { return isDigit(next) }                                              // "No. 5", not "No. I …"
        if abbreviations.contains(word) { return true }
        let parts = word.split(separator: ".", omittingEmptySubsequences: false)              // "u.s.a", "a.m"
        return parts.count > 1 && parts.allSatisfy { $0.unicodeScalars.count == 1 }
    }

    /// `range` without the whitespace at its end.
    static func trimmedEnd(_ bytes: [UInt8], _ range: Range<Int>) -> Range<Int> {
        bytes.withUnsafeBufferPointer { buffer in
            let text = UTF8Text(bytes: buffer)
            var end = range.upperBound
            while end > range.lowerBound {
                let (scalar, start) = text.scalar(before: end)
                guard isWhitespace(scalar) else { break }
                end = max(start, range.lowerBound)
            }
            return range.lowerBound..<end
        }
    }
}

/// Valid UTF-8 (as taken from a Swift `String`) read scalar by scalar in both directions.
struct UTF8Text {
    let bytes: UnsafeBufferPointer<UInt8>

    var count: Int { bytes.count }

    /// The scalar starting at byte `index` and its length in bytes.
    @inline(__always)
    func scalar(at index: Int) -> (scalar: Unicode.Scalar, length: Int) {
        let lead = UInt32(bytes[index])
        if lead < 0x80 { return (Unicode.Scalar(UInt8(lead)), 1) }
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        guard length > 1, index + length <= bytes.count else { return ("\u{FFFD}", 1) }
        var value = lead & (0x7F >> UInt32(length))
        for k in 1..<length { value = value << 6 | UInt32(bytes[index + k] & 0x3F) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }

    /// The scalar ending just before byte `index`, and the byte where it starts.
    @inline(__always)
    func scalar(before index: Int) -> (scalar: Unicode.Scalar, start: Int) {
        var start = index - 1
        while start > 0 && start > index - 4 && bytes[start] & 0xC0 == 0x80 { start -= 1 }
        return (scalar(at: start).scalar, start)
    }

    /// The first byte at or after `index` that does not start whitespace.
    func skipWhitespace(from index: Int) -> Int {
        var i = index
        while i < bytes.count {
            let byte = bytes[i]
            if byte < 0x80 {
                guard byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) else { return i }
                i += 1
            } else {
                let (scalar, length) = scalar(at: i)
                guard scalar.properties.isWhitespace else { return i }
                i += length
            }
        }
        return i
    }

    /// The length of the terminator (`.`, `!`, `?`, `…`) at `index`, or `nil`.
    @inline(__always)
    func terminatorLength(at index: Int) -> Int? {
        switch bytes[index] {
        case UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "?"): return 1
        case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && bytes[index + 2] == 0xA6: return 3   // …
        default: return nil
        }
    }

    /// The length of the closing quote or bracket at `index`, or `nil`.
    @inline(__always)
    func closingLength(at index: Int) -> Int? {
        switch bytes[index] {
        case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"): return 1
        case 0xC2 where index + 1 < bytes.count && bytes[index + 1] == 0xBB: return 2                              // »
        case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80:
            let last = bytes[index + 2]
            return last == 0x9D || last == 0x99 || last == 0xBA ? 3 : nil                                          // ” ’ ›
        default: return nil
        }
    }
}
