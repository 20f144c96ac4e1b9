// SQuADJSON: a JSON value that keeps what Python's `json` module keeps and the official SQuAD scripts
// depend on: the order of object keys, whether a number was written as an integer or a float, and
// the "last duplicate wins, first position kept" rule of `dict`. Also the path of a value inside its
// file, for error messages that say where a problem is.

/// A parsed JSON value, as Python's `json.load` would see it.
///
/// Objects keep their pairs in file order (duplicates included); `value(forKey:)` returns the last
/// pair with that key, as a Python `dict` built from those pairs would.
indirect enum SQuADJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number written without fraction or exponent (Python `int`).
    case integer(Int)
    /// A number written with a fraction or exponent, or `NaN`/`Infinity` (Python `float`).
    case float(Double)
    case string(String)
    case array([SQuADJSON])
    case object([(key: String, value: SQuADJSON)])

    static func == (lhs: SQuADJSON, rhs: SQuADJSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.integer(a), .integer(b)): return a == b
        case let (.float(a), .float(b)): return a.bitPattern == b.bitPattern
        case let (.string(a), .string(b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy {
                $0.key.unicodeScalars.elementsEqual($1.key.unicodeScalars) && $0.value == $1.value
            }
        default: return false
        }
    }

    /// The value of `key` in an object (the last one when the key is repeated); nil otherwise.
    func value(forKey key: String) -> SQuADJSON? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.last(where: { $0.key == key })?.value
    }

    /// The number as a Python float would compare it (integers converted), or nil.
    var number: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .float(let value): return value
        default: return nil
        }
    }

    /// What kind of value this is, in words ("a string", "an array", …) for error messages.
    var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer, .float: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// The pairs of an object with Python `dict` semantics: each key once, at the position of its
    /// first occurrence, with the value of its last.
    static func dictionaryPairs(_ pairs: [(key: String, value: SQuADJSON)]) -> [(key: String, value: SQuADJSON)] {
        var position: [String: Int] = [:]
        var result: [(key: String, value: SQuADJSON)] = []
        result.reserveCapacity(pairs.count)
        for pair in pairs {
            if let index = position[pair.key] {
                result[index].value = pair.value
            } else {
                position[pair.key] = result.count
                result.append(pair)
            }
        }
        return result
    }
}

/// Where a value sits inside a JSON file, written as `data[3].paragraphs[0].qas[2].id`.
struct SQuADJSONPath: CustomStringConvertible, Sendable {
    private var components: [String] = []

    /// The root of the file.
    init() {}

    /// The path of member `key` of the value at this path.
    func member(_ key: String) -> SQuADJSONPath {
        var copy = self
        copy.components.append(components.isEmpty ? key : "." + key)
        return copy
    }

    /// The path of element `index` of the array at this path.
    func element(_ index: Int) -> SQuADJSONPath {
        var copy = self
        copy.components.append("[\(index)]")
        return copy
    }

    var description: String { components.isEmpty ? "the top level" : components.joined() }
}

/// Typed access to the members of a JSON document, throwing `SQuADError.unexpectedValue` with the
/// file and the path when a member is missing or of the wrong kind.
struct SQuADJSONReader {
    let file: String

    func object(_ value: SQuADJSON, at path: SQuADJSONPath) throws -> [(key: String, value: SQuADJSON)] {
        guard case .object(let pairs) = value else { throw mismatch(value, at: path, expected: "an object") }
        return pairs
    }

    func array(_ value: SQuADJSON, at path: SQuADJSONPath) throws -> [SQuADJSON] {
        guard case .array(let elements) = value else { throw mismatch(value, at: path, expected: "an array") }
        return elements
    }

    func string(_ value: SQuADJSON, at path: SQuADJSONPath) throws -> String {
        guard case .string(let text) = value else { throw mismatch(value, at: path, expected: "a string") }
        return text
    }

    /// Member `key` of the object `value` (at `path`); throws when it is absent.
    func member(_ key: String, of value: SQuADJSON, at path: SQuADJSONPath) throws -> SQuADJSON {
        _ = try object(value, at: path)
        guard let member = value.value(forKey: key) else {
            throw SQuADError.unexpectedValue(path: file, location: path.member(key).description,
                                             expected: "a member \"\(key)\"", found: "nothing")
        }
        return member
    }

    func mismatch(_ value: SQuADJSON, at path: SQuADJSONPath, expected: String) -> SQuADError {
        .unexpectedValue(path: file, location: path.description, expected: expected, found: value.kindDescription)
    }
}
