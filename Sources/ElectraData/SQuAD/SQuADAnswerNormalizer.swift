// SQuADAnswerNormalizer: the official scripts' `normalize_answer`, character for character as
// Python 3 runs it: `str.lower()` (full Unicode mappings, final sigma), removal of the ASCII
// `string.punctuation` characters, `re.sub(r'\b(a|an|the)\b', ' ', …)` with Python's Unicode word
// boundaries, then `' '.join(text.split())` on Python's whitespace. Text is handled as code points,
// never as Swift `Character`s or `String` equality (which would merge canonically equivalent text
// that Python keeps apart).
//
// Character properties come from Swift's Unicode tables; Python 3.11 uses Unicode 14.0, so code
// points assigned after 14.0 can behave differently there (none occur in SQuAD).

/// The official SQuAD answer normalization and tokenization.
public enum SQuADAnswerNormalizer {
    /// `normalize_answer(text)`: lower-cased, without ASCII punctuation and the articles a, an, the,
    /// with whitespace runs collapsed to single spaces and none at the ends.
    public static func normalize(_ text: String) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: normalizedScalars(text))
        return String(view)
    }

    /// `normalize_answer(text).split()`: the words compared by F1, as code points.
    public static func tokens(_ text: String) -> [[UInt32]] {
        normalizedScalars(text).split(separator: " ").map { $0.map(\.value) }
    }

    /// The normalized text as code points.
    static func normalizedScalars(_ text: String) -> [Unicode.Scalar] {
        let lowered = lowercase(Array(text.unicodeScalars))
        let withoutPunctuation = lowered.filter { !isPunctuation($0) }
        let withoutArticles = removingArticles(withoutPunctuation)
        return collapsingWhitespace(withoutArticles)
    }

    /// Python's `str.lower()`: each code point's full lower-case mapping, and U+03A3 (Σ) to final
    /// sigma ς when it ends a word (a cased letter before it, none after, skipping case-ignorables).
    static func lowercase(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(scalars.count)
        for (i, scalar) in scalars.enumerated() {
            if scalar.isASCII {
                let value = scalar.value
                result.append((0x41...0x5A).contains(value) ? Unicode.Scalar(UInt8(value + 0x20)) : scalar)
            } else if scalar.value == 0x03A3 {
                result.append(isFinalSigma(scalars, at: i) ? "\u{03C2}" : "\u{03C3}")
            } else {
                result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return result
    }

    /// CPython's `handle_capital_sigma`: `\p{cased} \p{case-ignorable}* Σ !(\p{case-ignorable}* \p{cased})`.
    private static func isFinalSigma(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        var j = index - 1
        while j >= 0 && scalars[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0 && scalars[j].properties.isCased else { return false }
        j = index + 1
        while j < scalars.count && scalars[j].properties.isCaseIgnorable { j += 1 }
        return j == scalars.count || !scalars[j].properties.isCased
    }

    /// Python's `string.punctuation`: the 32 ASCII characters ``!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~``.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return true
        default: return false
        }
    }

    /// A word character for Python's `re` on `str` patterns: `str.isalnum()` (letters of the `L*`
    /// categories, and anything with a numeric value) or `_`.
    static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            switch scalar.value {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F: return true
            default: return false
            }
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return scalar.properties.numericType != nil
        }
    }

    /// Python's `str.isspace()` (bidirectional class WS, B or S, or category Zs), as `str.split()` uses it.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    private static let articles: [[Unicode.Scalar]] = [["a"], ["a", "n"], ["t", "h", "e"]]

    /// `re.sub(r'\b(a|an|the)\b', ' ', text)`: scanning left to right, at each word boundary the
    /// alternatives are tried in order (a, an, the), each needing a boundary after it; a match is
    /// replaced by one space and the scan resumes after it.
    static func removingArticles(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        let n = text.count
        func isWord(_ k: Int) -> Bool { k >= 0 && k < n && isWordCharacter(text[k]) }
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(n)
        var i = 0
        scan: while i < n {
            if !isWord(i - 1) {   // every alternative starts with a word character
                for article in articles where i + article.count <= n && !isWord(i + article.count) {
                    if text[i..<(i + article.count)].elementsEqual(article) {
                        result.append(" ")
                        i += article.count
                        continue scan
                    }
                }
            }
            result.append(text[i])
            i += 1
        }
        return result
    }

    /// `' '.join(text.split())`.
    static func collapsingWhitespace(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(text.count)
        var pendingSpace = false
        for scalar in text {
            if isWhitespace(scalar) {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.append(scalar)
            }
        }
        return result
    }
}
