// GutenbergFilter: drops Project Gutenberg's header, licence and footer from a book read line by
// line, when the book has them (the `books` corpus format).

/// Passes through the lines of a book's text and holds back Project Gutenberg's boilerplate.
///
/// - Header: every line up to and including the start marker — `*** START OF THE PROJECT GUTENBERG
///   EBOOK …` and its older variants (`*** START OF THIS PROJECT GUTENBERG EBOOK`, `***START OF THE
///   PROJECT GUTENBERG EBOOK`, `*END*THE SMALL PRINT! …`) — and a credits paragraph right after it
///   (`Produced by …`, `E-text prepared by …`, `This etext was prepared by …`). Lines before a marker are
///   held back (up to `headerLimit` lines or `headerByteLimit` bytes); a file with no marker among them is passed through whole.
/// - Footer: the first end marker (`*** END OF THE/THIS PROJECT GUTENBERG EBOOK …`, `End of the
///   Project Gutenberg EBook of …`, `End of Project Gutenberg's …`) and everything after it: the
///   licence.
///
/// Markers are recognised case-insensitively with whitespace ignored, as Gutenberg's own files vary.
struct GutenbergFilter {
    /// Lines, and bytes, held back at most while looking for a start marker.
    static let headerLimit = 1000, headerByteLimit = 1 << 20

    private enum State { case searching, afterStart, credits, body, footer }
    private var state = State.searching
    private var held: [String] = []
    private var heldBytes = 0
    /// Whether a start or end marker was found (the file was a Gutenberg book).
    private(set) var stripped = false

    /// The lines to pass on after reading `line` (none, the line, or held-back lines and the line).
    mutating func feed(_ line: String) -> [String] {
        switch state {
        case .footer:
            return []
        case .searching:
            let key = Self.key(line)
            if Self.isStart(key) {
                held.removeAll()
                stripped = true
                state = .afterStart
                return []
            }
            if Self.isEnd(key) {
                stripped = true
                state = .footer
                return takeHeld()
            }
            held.append(line)
            heldBytes += line.utf8.count
            if held.count >= Self.headerLimit || heldBytes >= Self.headerByteLimit {
                state = .body
                return takeHeld()
            }
            return []
        case .afterStart:
            let key = Self.key(line)
            if key.isEmpty { return [] }
            if Self.isCredits(key) {
                state = .credits
                return []
            }
            state = .body
            return feedBody(line, key: key)
        case .credits:
            // The credits paragraph runs to its blank line.
            if Self.key(line).isEmpty { state = .body }
            return []
        case .body:
            return feedBody(line, key: Self.key(line))
        }
    }

    /// The lines still held back at the end of the file (a short file without markers).
    mutating func finish() -> [String] {
        state == .searching ? takeHeld() : []
    }

    private mutating func feedBody(_ line: String, key: String) -> [String] {
        if Self.isEnd(key) {
            stripped = true
            state = .footer
            return []
        }
        return [line]
    }

    private mutating func takeHeld() -> [String] {
        defer { held.removeAll(); heldBytes = 0 }
        return held
    }

    /// The line upper-cased with whitespace removed, its first 80 characters (markers are short).
    static func key(_ line: String) -> String {
        var key = ""
        for character in line where !character.isWhitespace {
            key.append(character)
            if key.count == 80 { break }
        }
        return key.uppercased()
    }

    static func isStart(_ key: String) -> Bool {
        (key.hasPrefix("***START") || key.hasPrefix("*END*THESMALLPRINT"))
            && (key.contains("PROJECTGUTENBERG") || key.contains("SMALLPRINT"))
    }

    static func isEnd(_ key: String) -> Bool {
        (key.hasPrefix("***END") && key.contains("PROJECTGUTENBERG"))
            || key.hasPrefix("ENDOFTHEPROJECTGUTENBERG") || key.hasPrefix("ENDOFPROJECTGUTENBERG")
    }

    static func isCredits(_ key: String) -> Bool {
        key.hasPrefix("PRODUCEDBY") || key.hasPrefix("E-TEXTPREPAREDBY") || key.hasPrefix("ETEXTPREPAREDBY")
            || key.hasPrefix("THISETEXTWASPREPAREDBY") || key.hasPrefix("TRANSCRIBEDFROM")
    }
}
