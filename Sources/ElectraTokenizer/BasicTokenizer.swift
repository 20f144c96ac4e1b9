// BasicTokenizer: BERT's text cleaning and word splitting, with every code point's origin kept.
//
// The steps are the reference's (Hugging Face `BasicTokenizer`, from Google's BERT), in its order:
//  1. clean: drop NUL, U+FFFD and control characters (category C*); whitespace becomes a space;
//  2. put spaces around CJK ideographs;
//  3. NFC-normalise;
//  4. split on whitespace (Python's `str.split()`);
//  5. per word: lower-case (with Greek final sigma) and strip accents (NFD, drop Mn) when uncased;
//  6. split punctuation off as words of their own.
// Each code point carries the range of original code points it came from, so word pieces can be
// mapped back to character offsets in the input (Python string indices).

import Foundation

/// Code points with the range of input code points each came from.
struct TracedText {
    var scalars: [UInt32] = []
    var starts: [Int32] = []
    var ends: [Int32] = []

    var count: Int { scalars.count }

    mutating func append(_ scalar: UInt32, _ start: Int32, _ end: Int32) {
        scalars.append(scalar)
        starts.append(start)
        ends.append(end)
    }

    mutating func removeAll() {
        scalars.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }
}

/// BERT's basic tokenizer.
struct BasicTokenizer: Sendable {
    let lowercase: Bool
    let stripAccents: Bool
    let splitChineseCharacters: Bool

    private var tables: ScalarTables { ScalarTables.shared }

    /// Splits `input[range]` (code points, with their indices as origins) into words, calling
    /// `word` with each word's code points and origins.
    func words(_ input: UnsafeBufferPointer<UInt32>, _ range: Range<Int>, scratch: inout Scratch,
               _ word: (TracedText) -> Void) {
        scratch.cleaned.removeAll()
        // 1–2: clean, whitespace to space, spaces around CJK ideographs.
        var needsNormalization = false
        for i in range {
            let value = input[i]
            if value < 0x80 {
                if value == 0 || (value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D) || value == 0x7F {
                    continue
                }
                let isSpace = value == 0x20 || value == 0x09 || value == 0x0A || value == 0x0D
                scratch.cleaned.append(isSpace ? 0x20 : value, Int32(i), Int32(i + 1))
                continue
            }
            let classes = tables.classes(value)
            if value == 0xFFFD || classes.contains(.control) { continue }
            if classes.contains(.whitespace) {
                scratch.cleaned.append(0x20, Int32(i), Int32(i + 1))
            } else if splitChineseCharacters && classes.contains(.chinese) {
                scratch.cleaned.append(0x20, Int32(i), Int32(i))
                scratch.cleaned.append(value, Int32(i), Int32(i + 1))
                scratch.cleaned.append(0x20, Int32(i + 1), Int32(i + 1))
            } else {
                if value >= 0x300 { needsNormalization = true }
                scratch.cleaned.append(value, Int32(i), Int32(i + 1))
            }
        }
        // 3: NFC.
        if needsNormalization { Normalization.composeInPlace(&scratch.cleaned, scratch: &scratch.normalized) }
        // 4–6: words.
        let text = scratch.cleaned
        var start = 0
        while start < text.count {
            while start < text.count && tables.classes(text.scalars[start]).contains(.pythonSpace) { start += 1 }
            var end = start
            while end < text.count && !tables.classes(text.scalars[end]).contains(.pythonSpace) { end += 1 }
            if end > start { splitWord(text, start..<end, original: input, scratch: &scratch, word) }
            start = end
        }
    }

    /// Lower-cases and strips accents from one whitespace-delimited token, then splits punctuation.
    /// A token that is exactly a special token (`[MASK]`, say, once cleaning removed invisible
    /// characters from it) is passed on whole, as the reference's `never_split` does.
    private func splitWord(_ text: TracedText, _ range: Range<Int>, original: UnsafeBufferPointer<UInt32>,
                           scratch: inout Scratch, _ word: (TracedText) -> Void) {
        if text.scalars[range.lowerBound] == 0x5B && BasicTokenizer.specialTokens.contains(where: { $0.elementsEqual(text.scalars[range]) }) {
            var special = TracedText()
            for i in range { special.append(text.scalars[i], text.starts[i], text.ends[i]) }
            word(special)
            return
        }
        var token = TracedText()
        swap(&token, &scratch.token)
        token.removeAll()
        if lowercase {
            Normalization.lowercase(text, range, into: &token)
        } else {
            for i in range { token.append(text.scalars[i], text.starts[i], text.ends[i]) }
        }
        if stripAccents { Normalization.stripAccents(&token, original: original, scratch: &scratch.normalized) }
        // Punctuation: each punctuation code point is a word; runs between them are words.
        var piece = TracedText()
        swap(&piece, &scratch.piece)
        piece.removeAll()
        for i in 0..<token.count {
            let value = token.scalars[i]
            if tables.classes(value).contains(.punctuation) {
                if piece.count > 0 { word(piece); piece.removeAll() }
                piece.append(value, token.starts[i], token.ends[i])
                word(piece)
                piece.removeAll()
            } else {
                piece.append(value, token.starts[i], token.ends[i])
            }
        }
        if piece.count > 0 { word(piece) }
        swap(&piece, &scratch.piece)
        swap(&token, &scratch.token)
    }

    /// The special tokens' code points.
    static let specialTokens: [[UInt32]] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map { $0.unicodeScalars.map(\.value) }

    /// Buffers reused across calls.
    struct Scratch {
        var cleaned = TracedText()
        var normalized = TracedText()
        var token = TracedText()
        var piece = TracedText()
    }
}

/// The Unicode normalisation steps, done code point by code point so that origins survive.
enum Normalization {
    /// NFC-normalises `text` in place. Only spans holding a code point ≥ U+0300 can change (nothing
    /// below composes), so each such span, with the code point before it as a possible starter, goes
    /// through Foundation's NFC; the output is aligned with the input through their NFD lengths.
    static func composeInPlace(_ text: inout TracedText, scratch: inout TracedText) {
        scratch.removeAll()
        var i = 0
        while i < text.count {
            if text.scalars[i] < 0x300 && !(i + 1 < text.count && text.scalars[i + 1] >= 0x300) {
                scratch.append(text.scalars[i], text.starts[i], text.ends[i])
                i += 1
                continue
            }
            // A span: this code point and every following one that is not ASCII.
            var end = i + 1
            while end < text.count && text.scalars[end] >= 0x80 { end += 1 }
            composeSpan(text, i..<end, into: &scratch)
            i = end
        }
        swap(&text, &scratch)
    }

    private static func composeSpan(_ text: TracedText, _ range: Range<Int>, into output: inout TracedText) {
        var view = String.UnicodeScalarView()
        for i in range { view.append(Unicode.Scalar(text.scalars[i])!) }
        let composed = String(view).precomposedStringWithCanonicalMapping.unicodeScalars.map(\.value)
        if composed.count == range.count && zip(composed, text.scalars[range]).allSatisfy({ $0 == $1 }) {
            for i in range { output.append(text.scalars[i], text.starts[i], text.ends[i]) }
            return
        }
        // Align by decomposed length: output j covers input code points whose NFD overlaps its NFD.
        let tables = ScalarTables.shared
        var inputEnds: [Int] = []
        var total = 0
        for i in range {
            total += tables.decomposition(text.scalars[i]).count
            inputEnds.append(total)
        }
        var position = 0, first = 0
        for value in composed {
            let next = position + tables.decomposition(value).count
            var last = first
            while last < inputEnds.count - 1 && inputEnds[last] < next { last += 1 }
            let start = (first...last).map { text.starts[range.lowerBound + $0] }.min()!
            let end = (first...last).map { text.ends[range.lowerBound + $0] }.max()!
            output.append(value, start, end)
            position = next
            while first < inputEnds.count - 1 && inputEnds[first] <= position { first += 1 }
        }
    }

    /// Python's `str.lower()` of `text[range]`, final sigma included.
    static func lowercase(_ text: TracedText, _ range: Range<Int>, into output: inout TracedText) {
        let tables = ScalarTables.shared
        for i in range {
            let value = text.scalars[i]
            if value < 0x80 {
                output.append(value >= 0x41 && value <= 0x5A ? value + 32 : value, text.starts[i], text.ends[i])
            } else if value == 0x3A3 {
                output.append(isFinalSigma(text, range, i) ? 0x3C2 : 0x3C3, text.starts[i], text.ends[i])
            } else if tables.classes(value).contains(.changesWhenLowercased) {
                for mapped in tables.lowercase(value) { output.append(mapped, text.starts[i], text.ends[i]) }
            } else {
                output.append(value, text.starts[i], text.ends[i])
            }
        }
    }

    /// Unicode's Final_Sigma condition: a cased letter (skipping case-ignorables) before, and none after.
    private static func isFinalSigma(_ text: TracedText, _ range: Range<Int>, _ index: Int) -> Bool {
        var j = index - 1
        while j >= range.lowerBound && isCaseIgnorable(text.scalars[j]) { j -= 1 }
        guard j >= range.lowerBound && isCased(text.scalars[j]) else { return false }
        j = index + 1
        while j < range.upperBound && isCaseIgnorable(text.scalars[j]) { j += 1 }
        return j == range.upperBound || !isCased(text.scalars[j])
    }

    private static func isCased(_ value: UInt32) -> Bool {
        Unicode.Scalar(value)?.properties.isCased ?? false
    }

    private static func isCaseIgnorable(_ value: UInt32) -> Bool {
        Unicode.Scalar(value)?.properties.isCaseIgnorable ?? false
    }

    /// NFD, then drop nonspacing marks (category Mn): BERT's `_run_strip_accents`. `original` (the
    /// input code points) lets a character that NFC composed from several code points hand each part
    /// of its decomposition the code point it came from, so a base letter keeps its own offset.
    static func stripAccents(_ text: inout TracedText, original: UnsafeBufferPointer<UInt32>, scratch: inout TracedText) {
        guard text.scalars.contains(where: { $0 >= 0x80 }) else { return }
        let tables = ScalarTables.shared
        scratch.removeAll()
        for i in 0..<text.count {
            let value = text.scalars[i]
            if value >= 0xC0 && tables.classes(value).contains(.decomposes) {
                let parts = tables.decomposition(value)
                let start = Int(text.starts[i]), end = Int(text.ends[i])
                var owners: [Int32] = []
                if end - start > 1 {
                    for j in start..<end {
                        for _ in tables.decomposition(original[j]) { owners.append(Int32(j)) }
                    }
                }
                // The composed character's parts lead the decomposition of the code points it spans.
                for (k, part) in parts.enumerated() {
                    if owners.count >= parts.count {
                        scratch.append(part, owners[k], owners[k] + 1)
                    } else {
                        scratch.append(part, Int32(start), Int32(end))
                    }
                }
            } else {
                scratch.append(value, text.starts[i], text.ends[i])
            }
        }
        reorderCombiningMarks(&scratch)
        text.removeAll()
        for i in 0..<scratch.count where !tables.classes(scratch.scalars[i]).contains(.nonspacingMark) {
            text.append(scratch.scalars[i], scratch.starts[i], scratch.ends[i])
        }
    }

    /// The canonical ordering step of NFD: runs of combining marks sorted (stably) by combining class.
    private static func reorderCombiningMarks(_ text: inout TracedText) {
        var i = 0
        while i < text.count {
            guard combiningClass(text.scalars[i]) != 0 else { i += 1; continue }
            var end = i + 1
            while end < text.count && combiningClass(text.scalars[end]) != 0 { end += 1 }
            if end - i > 1 {
                let order = (i..<end).sorted { (combiningClass(text.scalars[$0]), $0) < (combiningClass(text.scalars[$1]), $1) }
                let scalars = order.map { text.scalars[$0] }, starts = order.map { text.starts[$0] }
                let ends = order.map { text.ends[$0] }
                for (k, position) in (i..<end).enumerated() {
                    text.scalars[position] = scalars[k]
                    text.starts[position] = starts[k]
                    text.ends[position] = ends[k]
                }
            }
            i = end
        }
    }

    private static func combiningClass(_ value: UInt32) -> UInt8 {
        value < 0x300 ? 0 : (Unicode.Scalar(value)?.properties.canonicalCombiningClass.rawValue ?? 0)
    }
}
