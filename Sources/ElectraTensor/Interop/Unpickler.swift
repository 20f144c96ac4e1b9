// Unpickler: a restricted reader of Python pickles (protocols 2 to 5) that executes nothing.
//
// It knows the opcodes a `torch.save`d state dict uses (and a few more of the same kind: lists, floats,
// protocol 4's framing and short strings). A GLOBAL resolves to an inert name, and only when the
// caller's `allowsGlobal` accepts it; REDUCE and BINPERSID hand their arguments to the caller's
// `reduce` and `persistentLoad`, which build what they accept or throw. Any other opcode (NEWOBJ,
// INST, OBJ, EXT*, …) is refused. Reference: CPython's Lib/pickle.py and Lib/pickletools.py.

import Foundation

/// Why a pickle was refused.
public enum PickleError: Error, CustomStringConvertible, Equatable {
    /// The stream uses global `name` (`module.qualname`), which this reader does not allow.
    case refusedGlobal(name: String)
    /// The stream uses an opcode outside the restricted set.
    case refusedOpcode(opcode: UInt8, offset: Int)
    case malformed(offset: Int, reason: String)

    public var description: String {
        switch self {
        case .refusedGlobal(let name):
            return "it refers to the Python global \(name), which is not part of a tensor state dict; nothing was run. "
                + "Only state dicts of tensors are read"
        case .refusedOpcode(let opcode, let offset):
            return "pickle opcode 0x\(String(opcode, radix: 16)) at byte \(offset) is not one a state dict uses; nothing was run"
        case .malformed(let offset, let reason):
            return "its pickle is malformed at byte \(offset): \(reason)"
        }
    }
}

/// A value built by the unpickler. Containers are values: a memoized dict or list is the value it had
/// when memoized (state dicts never refer back to one they filled later).
public indirect enum PickleValue: Equatable, Sendable {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list([PickleValue])
    /// Keys and values in insertion order.
    case dict([PickleValue], [PickleValue])
    /// A global the caller allowed, by `module.qualname`.
    case global(String)
    /// Something the caller's `reduce` or `persistentLoad` made, by the caller's own number.
    case external(Int)

    /// The elements of a tuple, or nil.
    public var tupleElements: [PickleValue]? { if case .tuple(let elements) = self { return elements } else { return nil } }
}

/// The restricted unpickler.
public struct Unpickler {
    /// Whether global `module.qualname` may be named.
    public var allowsGlobal: (String) -> Bool
    /// Calls allowed global (`module.qualname`) with positional arguments.
    public var reduce: (String, [PickleValue]) throws -> PickleValue
    /// Resolves a persistent id (BINPERSID).
    public var persistentLoad: (PickleValue) throws -> PickleValue
    /// Nesting deeper than this is refused (a value is freed recursively).
    public var maximumDepth = 64

    public init(allowsGlobal: @escaping (String) -> Bool, reduce: @escaping (String, [PickleValue]) throws -> PickleValue,
                persistentLoad: @escaping (PickleValue) throws -> PickleValue) {
        self.allowsGlobal = allowsGlobal
        self.reduce = reduce
        self.persistentLoad = persistentLoad
    }

    /// The value `bytes` pickles.
    public func load<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws -> PickleValue {
        var machine = Machine(bytes: Array(bytes), owner: self)
        return try machine.run()
    }
}

/// The pickle machine: a stack, mark positions and a memo.
private struct Machine {
    let bytes: [UInt8]
    let owner: Unpickler
    var position = 0
    var stack: [(value: PickleValue, depth: Int)] = []
    var marks: [Int] = []
    var memo: [Int: (value: PickleValue, depth: Int)] = [:]

    init(bytes: [UInt8], owner: Unpickler) {
        self.bytes = bytes
        self.owner = owner
    }

    func fail(_ reason: String) -> PickleError { .malformed(offset: position, reason: reason) }

    mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count - position else { throw fail("the stream ends inside an argument") }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    /// A little-endian unsigned integer of `width` bytes.
    mutating func unsigned(_ width: Int) throws -> UInt64 {
        try take(width).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// A length argument, checked against what is left of the stream.
    mutating func length(_ width: Int) throws -> Int {
        let value = try unsigned(width)
        guard value <= UInt64(bytes.count - position) else { throw fail("a length (\(value)) runs past the end of the stream") }
        return Int(value)
    }

    mutating func line() throws -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0A) else { throw fail("a GLOBAL argument has no newline") }
        guard let text = String(bytes: bytes[position..<end], encoding: .utf8) else { throw fail("a GLOBAL argument is not UTF-8") }
        position = end + 1
        return text
    }

    mutating func text(_ count: Int) throws -> String {
        guard let text = String(bytes: try take(count), encoding: .utf8) else { throw fail("a string is not UTF-8") }
        return text
    }

    mutating func push(_ value: PickleValue, depth: Int = 0) throws {
        guard depth <= owner.maximumDepth else { throw fail("values nest deeper than \(owner.maximumDepth)") }
        stack.append((value, depth))
    }

    mutating func pop() throws -> (value: PickleValue, depth: Int) {
        guard let top = stack.popLast() else { throw fail("the stack is empty") }
        if let mark = marks.last, stack.count < mark { throw fail("an opcode reaches below the current MARK") }
        return top
    }

    /// The values above the last MARK, which is removed.
    mutating func popMark() throws -> [(value: PickleValue, depth: Int)] {
        guard let mark = marks.popLast() else { throw fail("no MARK to pop to") }
        defer { stack.removeSubrange(mark...) }
        return Array(stack[mark...])
    }

    /// A container of `items`, one deeper than the deepest.
    mutating func pushContainer(_ items: [(value: PickleValue, depth: Int)], _ make: ([PickleValue]) -> PickleValue) throws {
        try push(make(items.map(\.value)), depth: 1 + (items.map(\.depth).max() ?? 0))
    }

    /// Adds `pairs` (alternating keys and values) to the dict on top of the stack. A repeated key
    /// is kept twice; readers of the dict let the later value win, as Python's dict does.
    mutating func setItems(_ pairs: [(value: PickleValue, depth: Int)]) throws {
        guard pairs.count % 2 == 0 else { throw fail("SETITEMS has an odd number of values") }
        var target = try pop()
        guard case .dict(var keys, var values) = target.value else { throw fail("SETITEM(S) on something that is not a dict") }
        target.value = .none  // the arrays are now held once, and grow in place
        for i in stride(from: 0, to: pairs.count, by: 2) {
            keys.append(pairs[i].value)
            values.append(pairs[i + 1].value)
        }
        try push(.dict(keys, values), depth: max(target.depth, 1 + (pairs.map(\.depth).max() ?? 0)))
    }

    mutating func appendItems(_ items: [(value: PickleValue, depth: Int)]) throws {
        var target = try pop()
        guard case .list(var elements) = target.value else { throw fail("APPEND(S) on something that is not a list") }
        target.value = .none
        elements += items.map(\.value)
        try push(.list(elements), depth: max(target.depth, 1 + (items.map(\.depth).max() ?? 0)))
    }

    mutating func global(_ name: String) throws {
        guard owner.allowsGlobal(name) else { throw PickleError.refusedGlobal(name: name) }
        try push(.global(name))
    }

    mutating func memoize(_ key: Int) throws {
        guard let top = stack.last else { throw fail("nothing to memoize") }
        memo[key] = top
    }

    mutating func recall(_ key: Int) throws {
        guard let value = memo[key] else { throw fail("memo entry \(key) was never stored") }
        try push(value.value, depth: value.depth)
    }

    mutating func run() throws -> PickleValue {
        while true {
            let offset = position
            let opcode = try take(1).first!
            switch opcode {
            case 0x80: _ = try take(1)                                   // PROTO
            case 0x95: _ = try take(8)                                   // FRAME (the frames are read as one stream)
            case 0x2E:                                                   // STOP
                guard marks.isEmpty, stack.count == 1 else { throw fail("STOP with \(stack.count) values on the stack") }
                return stack[0].value
            case 0x28: marks.append(stack.count)                         // MARK
            case 0x29: try push(.tuple([]), depth: 1)                    // EMPTY_TUPLE
            case 0x5D: try push(.list([]), depth: 1)                     // EMPTY_LIST
            case 0x7D: try push(.dict([], []), depth: 1)                 // EMPTY_DICT
            case 0x74: try pushContainer(try popMark(), PickleValue.tuple)         // TUPLE
            case 0x6C: try pushContainer(try popMark(), PickleValue.list)          // LIST
            case 0x85, 0x86, 0x87:                                       // TUPLE1, TUPLE2, TUPLE3
                var items: [(value: PickleValue, depth: Int)] = []
                for _ in 0..<Int(opcode - 0x84) { items.insert(try pop(), at: 0) }
                try pushContainer(items, PickleValue.tuple)
            case 0x64:                                                   // DICT
                let items = try popMark()
                try push(.dict([], []), depth: 1)
                try setItems(items)
            case 0x73: let value = try pop(), key = try pop(); try setItems([key, value])   // SETITEM
            case 0x75: try setItems(try popMark())                       // SETITEMS
            case 0x61: try appendItems([try pop()])                      // APPEND
            case 0x65: try appendItems(try popMark())                    // APPENDS
            case 0x4E: try push(.none)                                   // NONE
            case 0x88: try push(.bool(true))                             // NEWTRUE
            case 0x89: try push(.bool(false))                            // NEWFALSE
            case 0x4B: try push(.int(Int(try unsigned(1))))              // BININT1
            case 0x4D: try push(.int(Int(try unsigned(2))))              // BININT2
            case 0x4A: try push(.int(Int(Int32(truncatingIfNeeded: try unsigned(4)))))   // BININT
            case 0x8A:                                                   // LONG1
                let count = try length(1)
                guard count <= 8 else { throw fail("an integer of \(count) bytes is too large") }
                let raw = Array(try take(count))
                var value = raw.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                if count > 0, count < 8, raw[count - 1] & 0x80 != 0 { value |= ~UInt64(0) << (8 * UInt64(count)) }
                try push(.int(Int(Int64(bitPattern: value))))
            case 0x47: try push(.float(Double(bitPattern: try take(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) })))   // BINFLOAT (big-endian)
            case 0x58: try push(.string(try text(try length(4))))        // BINUNICODE
            case 0x8C: try push(.string(try text(try length(1))))        // SHORT_BINUNICODE
            case 0x8D: try push(.string(try text(try length(8))))        // BINUNICODE8
            case 0x43: try push(.bytes(Array(try take(try length(1)))))  // SHORT_BINBYTES
            case 0x42: try push(.bytes(Array(try take(try length(4)))))  // BINBYTES
            case 0x63: let module = try line(); try global(module + "." + (try line()))   // GLOBAL
            case 0x93:                                                   // STACK_GLOBAL
                let name = try pop().value, module = try pop().value
                guard case .string(let m) = module, case .string(let n) = name else { throw fail("STACK_GLOBAL needs two strings") }
                try global(m + "." + n)
            case 0x51: try push(try owner.persistentLoad(try pop().value))   // BINPERSID
            case 0x52:                                                   // REDUCE
                let arguments = try pop().value, callable = try pop().value
                guard case .global(let name) = callable, case .tuple(let elements) = arguments else {
                    throw fail("REDUCE needs an allowed global and a tuple of arguments")
                }
                let result = try owner.reduce(name, elements)
                try push(result, depth: 1)
            case 0x62:                                                   // BUILD: a state for a dict (OrderedDict's _metadata) is dropped
                _ = try pop()
                guard let target = stack.last, case .dict = target.value else { throw fail("BUILD on something that is not a dict") }
            case 0x71: try memoize(Int(try unsigned(1)))                 // BINPUT
            case 0x72: try memoize(Int(try unsigned(4)))                 // LONG_BINPUT
            case 0x94: try memoize(memo.count)                           // MEMOIZE
            case 0x68: try recall(Int(try unsigned(1)))                  // BINGET
            case 0x6A: try recall(Int(try unsigned(4)))                  // LONG_BINGET
            case 0x30: _ = try pop()                                     // POP
            case 0x31: _ = try popMark()                                 // POP_MARK
            default: throw PickleError.refusedOpcode(opcode: opcode, offset: offset)
            }
        }
    }
}
