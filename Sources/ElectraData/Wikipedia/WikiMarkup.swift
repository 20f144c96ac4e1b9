// WikiMarkup: MediaWiki markup to plain paragraphs, as WikiExtractor (the tool NVIDIA's scripts use)
// cleans articles: templates, tables, references, files, categories and comments dropped; links to
// their text; headings kept as their own paragraph; lists dropped; HTML entities decoded.

/// Turns an article's wikitext into plain-text paragraphs.
///
/// The passes, in order (all markup characters are ASCII, so the work is on UTF-8 bytes):
/// 1. HTML comments `<!-- … -->` go.
/// 2. Templates and parser functions `{{ … }}` (nested, `{{{parameters}}}` included; `removeTemplates`) and tables
///    `{| … |}` (nested) go.
/// 3. Elements whose content is not prose go with it: `<ref>`, `<references>`, `<gallery>`, `<math>`,
///    `<timeline>`, `<imagemap>`, `<noinclude>`, `<pre>`, `<source>`, `<syntaxhighlight>`, `<score>`,
///    `<table>`, `<graph>`, `<chem>`, `<templatestyles>`; self-closed ones (`<ref name="a"/>`) too.
///    Any other tag (`<b>`, `<span …>`, `<br/>`, `<nowiki>`, `<sub>` …) is removed, keeping its content.
/// 4. Internal links `[[target|text]]` become `text` (or `target` without a pipe; a trail such as
///    `[[apple]]s` stays joined); links into the File, Image, Media and Category namespaces, and
///    interlanguage links (`[[de:…]]`), go with their captions. External links `[url text]` become
///    `text`; bare `[url]` goes. Bold and italic quotes (`''`, `'''`) go. Magic words (`__TOC__`) go.
/// 5. Line by line: a heading `== Title ==` becomes the paragraph `Title`; list items and definition
///    lines (`*`, `#`, `:`, `;`) and table debris (`|`, `!`) are dropped, as WikiExtractor drops lists
///    by default; other lines join into paragraphs, a blank line ending one.
/// 6. HTML entities (`&amp;`, `&nbsp;`, `&#8212;`, `&#x2014;` …) are decoded, whitespace runs collapse.
public enum WikiMarkup {
    /// The paragraphs of `wikitext`, in order, without empty ones.
    public static func paragraphs(_ wikitext: String) -> [String] {
        var bytes = Array(wikitext.utf8)
        bytes = removeComments(bytes)
        bytes = removeTemplates(bytes)
        bytes = removeTables(bytes)
        bytes = removeElements(bytes)
        bytes = replaceLinks(bytes)
        bytes = removeQuotesAndMagicWords(bytes)
        return lines(bytes)
    }

    // MARK: 1-2. Comments, templates, tables

    static func removeComments(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "<"), matches(bytes, i, "<!--") {
                guard let end = find(bytes, "-->", from: i + 4) else { break }
                i = end + 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    /// Removes templates `{{ … }}` and parameters `{{{ … }}}`, nested: a stack of the openers says
    /// whether `}}}` or `}}` closes the innermost one; an unclosed one runs to the end.
    static func removeTemplates(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var openers: [Int] = []
        var i = 0
        while i < bytes.count {
            if matches(bytes, i, "{{{") {
                openers.append(3)
                i += 3
            } else if matches(bytes, i, "{{") {
                openers.append(2)
                i += 2
            } else if let innermost = openers.last, matches(bytes, i, "}}") {
                let size = innermost == 3 && matches(bytes, i, "}}}") ? 3 : 2
                openers.removeLast()
                i += size
            } else {
                if openers.isEmpty { out.append(bytes[i]) }
                i += 1
            }
        }
        return out
    }

    /// Removes every outermost `open … close` span, counting nested ones; an unclosed one runs to the end.
    static func removeBalanced(_ bytes: [UInt8], open: [UInt8], close: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var depth = 0
        var i = 0
        while i < bytes.count {
            if matches(bytes, i, open) {
                depth += 1
                i += open.count
            } else if depth > 0 && matches(bytes, i, close) {
                depth -= 1
                i += close.count
            } else {
                if depth == 0 { out.append(bytes[i]) }
                i += 1
            }
        }
        return out
    }

    /// Tables: `{|` opens one (nested ones count), `|}` closes it.
    static func removeTables(_ bytes: [UInt8]) -> [UInt8] {
        removeBalanced(bytes, open: Array("{|".utf8), close: Array("|}".utf8))
    }

    // MARK: 3. HTML-like elements

    static let droppedElements: Set<String> = [
        "ref", "references", "gallery", "math", "timeline", "imagemap", "noinclude", "pre", "source",
        "syntaxhighlight", "score", "table", "graph", "chem", "templatestyles", "ce", "mapframe",
    ]

    static func removeElements(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "<"), let tag = parseTag(bytes, at: i) else {
                out.append(bytes[i])
                i += 1
                continue
            }
            if !tag.closing && !tag.selfClosing && droppedElements.contains(tag.name) {
                // Skip to the matching close tag (nested ones of the same name counted).
                var depth = 1
                var j = tag.end
                while j < bytes.count && depth > 0 {
                    if bytes[j] == UInt8(ascii: "<"), let inner = parseTag(bytes, at: j), inner.name == tag.name {
                        if inner.closing { depth -= 1 } else if !inner.selfClosing { depth += 1 }
                        j = inner.end
                    } else {
                        j += 1
                    }
                }
                i = j
            } else {
                if tag.name == "br" || tag.name == "p" { out.append(UInt8(ascii: " ")) }
                i = tag.end
            }
        }
        return out
    }

    struct Tag {
        var name: String
        var closing: Bool
        var selfClosing: Bool
        var end: Int   // just past `>`
    }

    /// A tag `<name …>`, `</name>` or `<name …/>` at `start`; nil when the `<` starts no tag.
    static func parseTag(_ bytes: [UInt8], at start: Int) -> Tag? {
        var i = start + 1
        var closing = false
        if i < bytes.count && bytes[i] == UInt8(ascii: "/") { closing = true; i += 1 }
        let nameStart = i
        while i < bytes.count, isLetter(bytes[i]) || (i > nameStart && isDigit(bytes[i])) { i += 1 }
        guard i > nameStart, i - nameStart <= 20 else { return nil }
        let name = String(decoding: bytes[nameStart..<i], as: UTF8.self).lowercased()
        guard i < bytes.count, bytes[i] == UInt8(ascii: ">") || bytes[i] == UInt8(ascii: "/") || isSpace(bytes[i]) else { return nil }
        var j = i
        while j < bytes.count && bytes[j] != UInt8(ascii: ">") {
            // A `<` inside, or no `>` within 2,000 bytes: not a tag (and the scan stays short).
            if bytes[j] == UInt8(ascii: "<") || j - i > 2000 { return nil }
            j += 1
        }
        guard j < bytes.count else { return nil }
        return Tag(name: name, closing: closing, selfClosing: bytes[j - 1] == UInt8(ascii: "/"), end: j + 1)
    }

    // MARK: 4. Links

    static let droppedNamespaces: Set<String> = ["file", "image", "media", "category", "wikipedia", "wp", "help",
                                                 "portal", "template", "user", "special", "draft", "module"]

    static func replaceLinks(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if matches(bytes, i, "[[") {
                // The matching `]]`, nested links counted.
                var depth = 1
                var j = i + 2
                while j < bytes.count && depth > 0 {
                    if matches(bytes, j, "[[") { depth += 1; j += 2 } else if matches(bytes, j, "]]") { depth -= 1; j += 2 } else { j += 1 }
                }
                let inner = Array(bytes[(i + 2)..<(depth == 0 ? j - 2 : j)])
                out += linkText(inner)
                i = j
            } else if bytes[i] == UInt8(ascii: "["), let end = externalLinkEnd(bytes, i) {
                let inner = bytes[(i + 1)..<end]
                if let space = inner.firstIndex(of: UInt8(ascii: " ")) { out += inner[(space + 1)...] }
                i = end + 1
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    /// The text an internal link shows: nothing for files, categories and interlanguage links.
    static func linkText(_ inner: [UInt8]) -> [UInt8] {
        let target = inner.prefix { $0 != UInt8(ascii: "|") }
        if let colon = target.firstIndex(of: UInt8(ascii: ":")), colon > 0 {
            let prefix = String(decoding: target[..<colon], as: UTF8.self).trimmed().lowercased()
            let isLanguage = prefix.count >= 2 && prefix.count <= 3 && prefix.allSatisfy { $0 >= "a" && $0 <= "z" }
            if droppedNamespaces.contains(prefix) || isLanguage { return [] }
        }
        // The text after the last top-level pipe (nested links inside are themselves replaced).
        var depth = 0
        var lastPipe: Int? = nil
        var k = 0
        while k < inner.count {
            if matches(inner, k, "[[") { depth += 1; k += 2; continue }
            if matches(inner, k, "]]") { depth -= 1; k += 2; continue }
            if inner[k] == UInt8(ascii: "|") && depth == 0 { lastPipe = k }
            k += 1
        }
        let shown = lastPipe.map { Array(inner[($0 + 1)...]) } ?? Array(target.drop { $0 == UInt8(ascii: ":") })
        return replaceLinks(shown.isEmpty ? Array(target) : shown)
    }

    /// The index of the `]` closing an external link `[http…` or `[//…` at `start`, on one line and
    /// within 2,000 bytes.
    static func externalLinkEnd(_ bytes: [UInt8], _ start: Int) -> Int? {
        guard matches(bytes, start + 1, "http://") || matches(bytes, start + 1, "https://")
                || matches(bytes, start + 1, "//") || matches(bytes, start + 1, "ftp://") else { return nil }
        var j = start + 1
        let limit = min(bytes.count, start + 2000)   // an external link's URL and text stay short
        while j < limit && bytes[j] != UInt8(ascii: "]") && bytes[j] != UInt8(ascii: "\n") { j += 1 }
        return j < limit && bytes[j] == UInt8(ascii: "]") ? j : nil
    }

    // MARK: 4b. Quotes and magic words

    static func removeQuotesAndMagicWords(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if matches(bytes, i, "''") {
                while i < bytes.count && bytes[i] == UInt8(ascii: "'") { i += 1 }
            } else if matches(bytes, i, "__"), let end = magicWordEnd(bytes, i) {
                i = end
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    /// The end of a magic word `__NAME__` (capitals) at `start`.
    static func magicWordEnd(_ bytes: [UInt8], _ start: Int) -> Int? {
        var j = start + 2
        while j < bytes.count && bytes[j] >= UInt8(ascii: "A") && bytes[j] <= UInt8(ascii: "Z") { j += 1 }
        return j > start + 2 && matches(bytes, j, "__") ? j + 2 : nil
    }

    // MARK: 5-6. Lines, paragraphs, entities

    static func lines(_ bytes: [UInt8]) -> [String] {
        var paragraphs: [String] = []
        var current: [String] = []
        func flush() {
            let text = collapse(current.joined(separator: " "))
            if !text.isEmpty { paragraphs.append(text) }
            current.removeAll()
        }
        for raw in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            let line = String(decoding: raw, as: UTF8.self).trimmed()
            guard let first = line.first else { flush(); continue }
            switch first {
            case "=":
                flush()
                let title = line.trimmingCharacters("=").trimmed()
                if !title.isEmpty { current = [title]; flush() }
            case "*", "#", ":", ";", "|", "!":
                flush()
            default:
                current.append(line)
            }
        }
        flush()
        return paragraphs
    }

    /// Entities decoded, whitespace runs made one space, trimmed; lone punctuation left by removed
    /// markup (`( )`, ` ,`) tidied.
    static func collapse(_ text: String) -> String {
        let decoded = HTMLEntities.decode(text)
        var out = ""
        out.reserveCapacity(decoded.utf8.count)
        var space = false
        for character in decoded {
            if character.isWhitespace {
                space = !out.isEmpty
                continue
            }
            if space {
                if !(character == "," || character == "." || character == ";" || character == ")") { out.append(" ") }
                space = false
            }
            out.append(character)
        }
        return out.replacingEmptyParentheses()
    }

    // MARK: Byte helpers

    static func matches(_ bytes: [UInt8], _ at: Int, _ pattern: String) -> Bool {
        matches(bytes, at, Array(pattern.utf8))
    }

    static func matches(_ bytes: [UInt8], _ at: Int, _ pattern: [UInt8]) -> Bool {
        guard at >= 0, at + pattern.count <= bytes.count else { return false }
        for (k, byte) in pattern.enumerated() where bytes[at + k] != byte { return false }
        return true
    }

    static func find(_ bytes: [UInt8], _ pattern: String, from start: Int) -> Int? {
        let pattern = Array(pattern.utf8)
        var i = start
        while i + pattern.count <= bytes.count {
            if matches(bytes, i, pattern) { return i }
            i += 1
        }
        return nil
    }

    static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
}

fileprivate extension String {
    func trimmed() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }

    func trimmingCharacters(_ character: Character) -> String {
        var text = Substring(self)
        while text.first == character { text.removeFirst() }
        while text.last == character { text.removeLast() }
        return String(text)
    }

    /// `( )`, `()`, `(, )` and `(; )` left where a template or reference was removed, dropped.
    func replacingEmptyParentheses() -> String {
        guard contains("(") else { return self }
        var out = self
        for empty in ["( )", "()", "(, )", "(; )", "(,)", "(;)"] { out = out.replacing(empty, with: "") }
        return out.replacing("  ", with: " ").replacing(" ,", with: ",").replacing(" .", with: ".").trimmed()
    }
}
