// ScalarClass: the character classes and mappings BERT's basic tokenizer asks of each code point.
//
// BERT's reference tokenizer (Hugging Face's Python `BertTokenizer`, now `BertTokenizerLegacy`) asks
// Python's `unicodedata` for categories, lower-case mappings and decompositions. Python 3.11 (Debian
// 12's) carries Unicode 14.0; Swift's standard library carries a newer version. Code points assigned
// after `referenceUnicodeVersion` are therefore treated as unassigned (category Cn), which BERT's
// text cleaning drops as control characters, exactly as the reference does.
//
// Lookups for the Basic Multilingual Plane come from tables built once; the rare supplementary code
// points are classified on demand.

import Foundation

/// Per-code-point facts used by the basic tokenizer.
struct ScalarClass: OptionSet, Sendable {
    let rawValue: UInt8
    /// Category C* (Cc, Cf, Cs, Co, Cn) other than tab, newline and carriage return: dropped.
    static let control = ScalarClass(rawValue: 1 << 0)
    /// Space, tab, newline, carriage return or category Zs: becomes a space.
    static let whitespace = ScalarClass(rawValue: 1 << 1)
    /// Splits words in Python's `str.split()` (Zs, or bidirectional class WS, B or S).
    static let pythonSpace = ScalarClass(rawValue: 1 << 2)
    /// ASCII non-alphanumeric printable, or category P*: a word of its own.
    static let punctuation = ScalarClass(rawValue: 1 << 3)
    /// A CJK ideograph in BERT's ranges: surrounded by spaces.
    static let chinese = ScalarClass(rawValue: 1 << 4)
    /// Category Mn (nonspacing mark): removed when accents are stripped.
    static let nonspacingMark = ScalarClass(rawValue: 1 << 5)
    /// Its lower-case mapping is not itself.
    static let changesWhenLowercased = ScalarClass(rawValue: 1 << 6)
    /// Its canonical decomposition (NFD) is not itself.
    static let decomposes = ScalarClass(rawValue: 1 << 7)
}

/// The Unicode version of the reference tokenizer's `unicodedata` (Python 3.11).
let referenceUnicodeVersion = (major: 14, minor: 0)

/// Classes and mappings for every code point, built once per process.
final class ScalarTables: Sendable {
    static let shared = ScalarTables()

    private let basicPlane: [ScalarClass]
    private let lowercaseMappings: [UInt32: [UInt32]]
    private let decompositions: [UInt32: [UInt32]]

    private init() {
        var classes = [ScalarClass](repeating: [], count: 0x10000)
        var lowercase: [UInt32: [UInt32]] = [:]
        var decompositions: [UInt32: [UInt32]] = [:]
        for value in 0..<UInt32(0x10000) {
            guard let scalar = Unicode.Scalar(value) else {
                classes[Int(value)] = .control   // surrogate code points: category Cs
                continue
            }
            let (scalarClass, lower, decomposition) = ScalarTables.describe(scalar)
            classes[Int(value)] = scalarClass
            if let lower { lowercase[value] = lower }
            if let decomposition { decompositions[value] = decomposition }
        }
        basicPlane = classes
        lowercaseMappings = lowercase
        self.decompositions = decompositions
    }

    /// The classes of `value`.
    @inline(__always)
    func classes(_ value: UInt32) -> ScalarClass {
        if value < 0x10000 { return basicPlane[Int(value)] }
        guard let scalar = Unicode.Scalar(value) else { return .control }
        return ScalarTables.describe(scalar).0
    }

    /// Python's `str.lower()` of one code point (context-free part; final sigma is handled by the caller).
    func lowercase(_ value: UInt32) -> [UInt32] {
        if value < 0x10000 { return lowercaseMappings[value] ?? [value] }
        guard let scalar = Unicode.Scalar(value) else { return [value] }
        return ScalarTables.describe(scalar).1 ?? [value]
    }

    /// The full canonical decomposition (NFD) of one code point.
    func decomposition(_ value: UInt32) -> [UInt32] {
        if value < 0x10000 { return decompositions[value] ?? [value] }
        guard let scalar = Unicode.Scalar(value) else { return [value] }
        return ScalarTables.describe(scalar).2 ?? [value]
    }

    /// Whether the reference's Unicode version assigns `scalar`.
    static func isAssignedInReference(_ scalar: Unicode.Scalar) -> Bool {
        guard let age = scalar.properties.age else { return false }
        return (age.major, age.minor) <= referenceUnicodeVersion
    }

    private static func describe(_ scalar: Unicode.Scalar) -> (ScalarClass, [UInt32]?, [UInt32]?) {
        let value = scalar.value
        var result: ScalarClass = []
        let assigned = isAssignedInReference(scalar)
        let category = assigned ? scalar.properties.generalCategory : .unassigned
        switch category {
        case .control, .format, .surrogate, .privateUse, .unassigned:
            if value != 0x09 && value != 0x0A && value != 0x0D { result.insert(.control) }
        default: break
        }
        if value == 0x20 || value == 0x09 || value == 0x0A || value == 0x0D || category == .spaceSeparator {
            result.insert(.whitespace)
        }
        if isPythonSpace(value) { result.insert(.pythonSpace) }
        if (33...47).contains(value) || (58...64).contains(value) || (91...96).contains(value)
            || (123...126).contains(value) {
            result.insert(.punctuation)
        }
        switch category {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            result.insert(.punctuation)
        case .nonspacingMark:
            result.insert(.nonspacingMark)
        default: break
        }
        if isChinese(value) { result.insert(.chinese) }
        var lower: [UInt32]? = nil
        var decomposition: [UInt32]? = nil
        if assigned {
            let mapped = scalar.properties.lowercaseMapping.unicodeScalars.map(\.value)
            if mapped != [value] {
                result.insert(.changesWhenLowercased)
                lower = mapped
            }
            let decomposed = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars.map(\.value)
            if decomposed != [value] {
                result.insert(.decomposes)
                decomposition = decomposed
            }
        }
        return (result, lower, decomposition)
    }

    /// Python's `str.isspace()` for one code point.
    private static func isPythonSpace(_ value: UInt32) -> Bool {
        switch value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// BERT's "Chinese character": the CJK Unified Ideographs blocks and their compatibility blocks.
    private static func isChinese(_ value: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value)
            || (0x20000...0x2A6DF).contains(value) || (0x2A700...0x2B73F).contains(value)
            || (0x2B740...0x2B81F).contains(value) || (0x2B820...0x2CEAF).contains(value)
            || (0xF900...0xFAFF).contains(value) || (0x2F800...0x2FA1F).contains(value)
    }
}
