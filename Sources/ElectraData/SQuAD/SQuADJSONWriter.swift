// SQuADJSONWriter: writes JSON byte for byte as Python's `json.dumps` does with its defaults
// (`ensure_ascii`, `repr` of floats, `NaN`/`Infinity`), on one line or with `indent`, so that our
// metrics print exactly what the official scripts print and our prediction files match theirs.

/// Python's `json.dumps(value)` and `json.dumps(value, indent: n)`.
enum SQuADJSONWriter {
    /// The JSON text of `value`: one line with `", "` and `": "` separators when `indent` is nil,
    /// otherwise one member per line indented by `indent` spaces per level.
    static func dumps(_ value: SQuADJSON, indent: Int? = nil) -> String {
        var output = ""
        write(value, indent: indent, level: 0, into: &output)
        return output
    }

    private static func write(_ value: SQuADJSON, indent: Int?, level: Int, into output: inout String) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .integer(let number): output += String(number)
        case .float(let number): output += floatText(number)
        case .string(let text): writeString(text, into: &output)
        case .array(let elements):
            if elements.isEmpty {
                output += "[]"
                return
            }
            output += "["
            for (i, element) in elements.enumerated() {
                separator(first: i == 0, indent: indent, level: level + 1, into: &output)
                write(element, indent: indent, level: level + 1, into: &output)
            }
            closing("]", indent: indent, level: level, into: &output)
        case .object(let pairs):
            if pairs.isEmpty {
                output += "{}"
                return
            }
            output += "{"
            for (i, pair) in pairs.enumerated() {
                separator(first: i == 0, indent: indent, level: level + 1, into: &output)
                writeString(pair.key, into: &output)
                output += ": "
                write(pair.value, indent: indent, level: level + 1, into: &output)
            }
            closing("}", indent: indent, level: level, into: &output)
        }
    }

    private static func separator(first: Bool, indent: Int?, level: Int, into output: inout String) {
        if let indent {
            if !first { output += "," }
            output += "\n" + String(repeating: " ", count: indent * level)
        } else if !first {
            output += ", "
        }
    }

    private static func closing(_ bracket: String, indent: Int?, level: Int, into output: inout String) {
        if let indent { output += "\n" + String(repeating: " ", count: indent * level) }
        output += bracket
    }

    /// A string with `ensure_ascii` escaping: `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, and `\uXXXX`
    /// (lower-case hex, surrogate pairs above U+FFFF) for everything outside space…`~`.
    static func writeString(_ text: String, into output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: output += "\\\""
            case 0x5C: output += "\\\\"
            case 0x0A: output += "\\n"
            case 0x0D: output += "\\r"
            case 0x09: output += "\\t"
            case 0x08: output += "\\b"
            case 0x0C: output += "\\f"
            case 0x20...0x7E: output.unicodeScalars.append(scalar)
            case 0x10000...:
                let value = scalar.value - 0x10000
                output += hexEscape(0xD800 + (value >> 10)) + hexEscape(0xDC00 + (value & 0x3FF))
            default: output += hexEscape(scalar.value)
            }
        }
        output += "\""
    }

    private static func hexEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// A float as `json.dumps` writes it: `float.__repr__`, or `NaN`, `Infinity`, `-Infinity`.
    static func floatText(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return pythonRepr(value)
    }

    /// Python's `repr(float)`: the shortest digits that read back to the same double, written in
    /// positional form when the decimal exponent is in -4…15 (with `.0` when there is no fraction),
    /// otherwise as `d.ddde±XX`.
    static func pythonRepr(_ value: Double) -> String {
        precondition(value.isFinite, "pythonRepr needs a finite value")
        // Swift's description also gives the shortest round-trip digits; only the layout differs.
        var text = Substring(value.magnitude.description)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        var digits = ""
        var pointPosition = text.count
        for (i, character) in text.enumerated() {
            if character == "." { pointPosition = i } else { digits.append(character) }
        }
        // value = 0.DIGITS × 10^decimalPoint once leading zeros are removed.
        var decimalPoint = pointPosition + exponent
        while digits.count > 1 && digits.first == "0" {
            digits.removeFirst()
            decimalPoint -= 1
        }
        while digits.count > 1 && digits.last == "0" { digits.removeLast() }
        let sign = value.sign == .minus ? "-" : ""
        if digits == "0" { return sign + "0.0" }
        let scientificExponent = decimalPoint - 1
        if scientificExponent < -4 || scientificExponent >= 16 {
            var mantissa = String(digits.first!)
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let exponentDigits = String(abs(scientificExponent))
            let padded = exponentDigits.count < 2 ? "0" + exponentDigits : exponentDigits
            return sign + mantissa + "e" + (scientificExponent < 0 ? "-" : "+") + padded
        }
        if decimalPoint <= 0 {
            return sign + "0." + String(repeating: "0", count: -decimalPoint) + digits
        }
        if decimalPoint >= digits.count {
            return sign + digits + String(repeating: "0", count: decimalPoint - digits.count) + ".0"
        }
        let split = digits.index(digits.startIndex, offsetBy: decimalPoint)
        return sign + digits[..<split] + "." + digits[split...]
    }
}
