// PairEncoding: `[CLS] A [SEP] B [SEP]` with token types, truncation, and decoding back to text.

import Foundation

/// How to shorten a pair that exceeds the maximum length (Hugging Face's `truncation=`).
public enum TruncationStrategy: String, Sendable, CaseIterable {
    /// Remove from the longer sequence first, then from both alike.
    case longestFirst = "longest_first"
    /// Remove only from the first sequence.
    case onlyFirst = "only_first"
    /// Remove only from the second sequence.
    case onlySecond = "only_second"
    /// Never remove tokens.
    case doNotTruncate = "do_not_truncate"
}

/// Model inputs for one text or a pair.
public struct PairEncoding: Sendable, Equatable {
    /// `[CLS] A [SEP]` or `[CLS] A [SEP] B [SEP]`.
    public var ids: [Int32]
    /// 0 for `[CLS]`, A and the first `[SEP]`; 1 for B and the last `[SEP]`.
    public var tokenTypes: [Int32]
    /// Code-point ranges in the text each token came from (A's or B's); empty for special tokens.
    public var offsets: [Range<Int>]
    /// Which text each token came from: 0 (A), 1 (B), or `nil` for special tokens.
    public var sequence: [Int?]
}

extension BertTokenizer {
    /// Encodes `first` (and `second`) with special tokens, truncated to `maxLength` by `truncation`.
    public func encodePair(_ first: String, _ second: String? = nil, maxLength: Int? = nil,
                           truncation: TruncationStrategy = .longestFirst) -> PairEncoding {
        var a = encode(first)
        var b = second.map(encode)
        if let maxLength {
            let total = a.ids.count + (b?.ids.count ?? 0) + (b == nil ? 2 : 3)
            if total > maxLength {
                BertTokenizer.truncate(&a, &b, removing: total - maxLength, strategy: truncation)
            }
        }
        return assemble(a, b)
    }

    /// Joins encodings with `[CLS]` and `[SEP]`.
    public func assemble(_ a: Encoding, _ b: Encoding?) -> PairEncoding {
        let v = vocabulary
        var result = PairEncoding(ids: [v.classifierId], tokenTypes: [0], offsets: [0..<0], sequence: [nil])
        result.ids += a.ids + [v.separatorId]
        result.tokenTypes += [Int32](repeating: 0, count: a.ids.count + 1)
        result.offsets += a.offsets + [0..<0]
        result.sequence += [Int?](repeating: 0, count: a.ids.count) + [nil]
        if let b {
            result.ids += b.ids + [v.separatorId]
            result.tokenTypes += [Int32](repeating: 1, count: b.ids.count + 1)
            result.offsets += b.offsets + [0..<0]
            result.sequence += [Int?](repeating: 1, count: b.ids.count) + [nil]
        }
        return result
    }

    /// Removes `count` tokens from the ends of `a` and `b` as Hugging Face's `truncate_sequences`
    /// does (truncation side right). Removing more than a sequence holds empties it.
    public static func truncate(_ a: inout Encoding, _ b: inout Encoding?, removing count: Int,
                                strategy: TruncationStrategy) {
        guard count > 0 else { return }
        func dropLast(_ e: inout Encoding, _ n: Int) {
            let keep = max(0, e.ids.count - n)
            e.ids.removeSubrange(keep...)
            e.offsets.removeSubrange(keep...)
        }
        switch strategy {
        case .doNotTruncate:
            return
        case .onlyFirst:
            dropLast(&a, count)
        case .longestFirst:
            guard var second = b else {
                dropLast(&a, count)
                return
            }
            let lengthA = a.ids.count, lengthB = second.ids.count
            let first = min(abs(lengthB - lengthA), count)
            let rest = count - first
            let (fromA, fromB) = lengthA > lengthB ? (first + rest / 2, rest - rest / 2)
                                                   : (rest / 2, first + rest - rest / 2)
            if fromA > 0 { dropLast(&a, fromA) }
            if fromB > 0 { dropLast(&second, fromB) }
            b = second
        case .onlySecond:
            guard var second = b, !second.ids.isEmpty else { return }
            dropLast(&second, count)
            b = second
        }
    }

    /// Text for `ids`, as Hugging Face's `decode`: tokens joined by spaces, `##` continuations
    /// glued on, and (when `cleanUpSpaces`) the spaces before . ? ! , and English contractions removed.
    public func decode(_ ids: [Int32], skipSpecialTokens: Bool = false, cleanUpSpaces: Bool = true) -> String {
        let tokens = ids.filter { !(skipSpecialTokens && vocabulary.isSpecial($0)) }.map { vocabulary.token($0) }
        var text = tokens.joined(separator: " ").replacingOccurrences(of: " ##", with: "")
        text = text.trimmingPythonWhitespace()
        if cleanUpSpaces {
            for (pattern, replacement) in [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"),
                                           (" n't", "n't"), (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"),
                                           (" 're", "'re")] {
                text = text.replacingOccurrences(of: pattern, with: replacement)
            }
        }
        return text
    }
}

extension String {
    /// Python's `str.strip()`: removes leading and trailing whitespace as `str.isspace` defines it.
    func trimmingPythonWhitespace() -> String {
        let tables = ScalarTables.shared
        let scalars = Array(unicodeScalars)
        var start = 0, end = scalars.count
        while start < end && tables.classes(scalars[start].value).contains(.pythonSpace) { start += 1 }
        while end > start && tables.classes(scalars[end - 1].value).contains(.pythonSpace) { end -= 1 }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view)
    }
}
