// SQuADJSONParser: reads JSON text the way Python's `json.loads` does (the grammar, `NaN` and
// `Infinity`, no raw control characters inside strings, integers apart from floats), keeping key
// order, and reporting the line and column of the first problem.

import Foundation

/// A recursive-descent JSON parser over UTF-8 bytes.
struct SQuADJSONParser {
    /// Nesting deeper than this is refused (Python's default recursion limit stops near 1000).
    static let maximumDepth = 512

    private let bytes: [UInt8]
    private let file: String
    private var index = 0

    /// Parses a whole document; `file` names it in errors.
    static func parse(_ data: Data, file: String) throws -> SQuADJSON {
        var parser = SQuADJSONParser(bytes: [UInt8](data), file: file)
        return try parser.document()
    }

    private init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    private mutating func document() throws -> SQuADJSON {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }   // a UTF-8 byte-order mark
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        if index < bytes.count { throw failure("extra data after the JSON value") }
        return value
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws -> SQuADJSON {
        guard depth < Self.maximumDepth else { throw failure("values nested more than \(Self.maximumDepth) deep") }
        guard index < bytes.count else { throw failure("the text ends where a value was expected") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "N"): return try literal("NaN", .float(.nan))
        case UInt8(ascii: "I"): return try literal("Infinity", .float(.infinity))
        default: throw failure("expected a value")
        }
    }

    private mutating func literal(_ word: String, _ value: SQuADJSON) throws -> SQuADJSON {
        let utf8 = Array(word.utf8)
        guard index + utf8.count <= bytes.count, Array(bytes[index..<(index + utf8.count)]) == utf8 else {
            throw failure("expected a value")
        }
        index += utf8.count
        return value
    }

    private mutating func parseObject(depth: Int) throws -> SQuADJSON {
        index += 1
        var pairs: [(key: String, value: SQuADJSON)] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(pairs)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw failure("expected a property name in double quotes")
            }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':' after a property name") }
            index += 1
            skipWhitespace()
            pairs.append((key, try parseValue(depth: depth + 1)))
            skipWhitespace()
            guard index < bytes.count else { throw failure("the text ends inside an object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(pairs)
            } else {
                throw failure("expected ',' or '}' in an object")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws -> SQuADJSON {
        index += 1
        var elements: [SQuADJSON] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw failure("the text ends inside an array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            } else {
                throw failure("expected ',' or ']' in an array")
            }
        }
    }

    private mutating func parseNumber() throws -> SQuADJSON {
        let start = index
        if bytes[index] == UInt8(ascii: "-") {
            index += 1
            if index < bytes.count && bytes[index] == UInt8(ascii: "I") {
                index = start
                _ = try literal("-Infinity", .null)
                return .float(-.infinity)
            }
        }
        guard index < bytes.count, isDigit(bytes[index]) else { throw failure("expected a digit") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        }
        var isFloat = false
        if index + 1 < bytes.count && bytes[index] == UInt8(ascii: ".") && isDigit(bytes[index + 1]) {
            isFloat = true
            index += 1
            while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            var probe = index + 1
            if probe < bytes.count && (bytes[probe] == UInt8(ascii: "+") || bytes[probe] == UInt8(ascii: "-")) { probe += 1 }
            if probe < bytes.count && isDigit(bytes[probe]) {
                isFloat = true
                index = probe
                while index < bytes.count && isDigit(bytes[index]) { index += 1 }
            }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if !isFloat, let value = Int(text) { return .integer(value) }
        guard let value = Double(text) else { throw failure("cannot read the number \(text)") }
        return .float(value)
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func parseString() throws -> String {
        let opening = index
        index += 1
        var buffer: [UInt8] = []
        var runStart = index
        while true {
            guard index < bytes.count else {
                index = opening
                throw failure("a string starts here and never ends")
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                buffer.append(contentsOf: bytes[runStart..<index])
                index += 1
                break
            } else if byte == UInt8(ascii: "\\") {
                buffer.append(contentsOf: bytes[runStart..<index])
                try parseEscape(into: &buffer)
                runStart = index
            } else if byte < 0x20 {
                throw failure("a control character (code \(byte)) inside a string; write it as an escape")
            } else {
                index += 1
            }
        }
        guard let text = String(validating: buffer, as: UTF8.self) else {
            index = opening
            throw failure("the string here is not valid UTF-8")
        }
        return text
    }

    private mutating func parseEscape(into buffer: inout [UInt8]) throws {
        index += 1
        guard index < bytes.count else { throw failure("the text ends inside an escape") }
        let code = bytes[index]
        index += 1
        let simple: UInt8?
        switch code {
        case UInt8(ascii: "\""): simple = 0x22
        case UInt8(ascii: "\\"): simple = 0x5C
        case UInt8(ascii: "/"): simple = 0x2F
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"): simple = nil
        default:
            index -= 2
            throw failure("an invalid escape in a string")
        }
        if let simple {
            buffer.append(simple)
            return
        }
        var value = try hexQuad()
        if (0xD800..<0xDC00).contains(value), index + 1 < bytes.count,
           bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
            let mark = index
            index += 2
            let low = try hexQuad()
            if (0xDC00..<0xE000).contains(low) {
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            } else {
                index = mark
            }
        }
        // A lone surrogate (Python keeps it in the str) cannot live in a Swift String: U+FFFD stands in.
        let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
        buffer.append(contentsOf: Array(String(scalar).utf8))
    }

    private mutating func hexQuad() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("an incomplete \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw failure("an invalid \\u escape")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    /// The error for a problem at the current position, with its line and column (both from 1; the
    /// column counts characters).
    private func failure(_ reason: String) -> SQuADError {
        let position = min(index, bytes.count)
        var line = 1
        var lineStart = 0
        for i in 0..<position where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        let column = 1 + bytes[lineStart..<position].reduce(0) { $0 + (($1 & 0xC0) == 0x80 ? 0 : 1) }
        return .malformedJSON(path: file, line: line, column: column, reason: reason)
    }
}
