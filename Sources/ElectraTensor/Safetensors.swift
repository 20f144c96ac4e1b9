// Safetensors: reading and writing the `.safetensors` tensor format (Hugging Face's model files).
//
// Layout: an 8-byte little-endian header length N, then N bytes of JSON mapping each tensor name to
// {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to the end of the header), and an
// optional "__metadata__" object of strings; then the raw little-endian data. Everything the header
// claims is checked against the file before any tensor is read.

import Foundation

/// Why a safetensors file could not be read or written.
public enum SafetensorsError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)
    case missingTensor(path: String, name: String)
    case unsupportedType(path: String, name: String, dtype: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .malformed(let path, let reason):
            return "\(path) is not a valid safetensors file: \(reason). Re-export or re-download it."
        case .missingTensor(let path, let name):
            return "\(path) has no tensor named '\(name)'"
        case .unsupportedType(let path, let name, let dtype):
            return "\(path): tensor '\(name)' has dtype \(dtype); only F32, F16, BF16, F64, I64 and I32 are read"
        }
    }
}

/// The element types this reader understands.
public enum SafetensorsType: String, Sendable {
    case f32 = "F32", f16 = "F16", bf16 = "BF16", f64 = "F64", i64 = "I64", i32 = "I32"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .f16, .bf16: return 2
        case .f32, .i32: return 4
        case .f64, .i64: return 8
        }
    }
}

extension SafetensorsType {
    /// Element `index` of little-endian data of this type in `source`, converted to Float32.
    @inline(__always)
    public func float(at index: Int, in source: UnsafeRawBufferPointer) -> Float {
        switch self {
        case .f32: return Float(bitPattern: source.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self).littleEndian)
        case .f64: return Float(Double(bitPattern: source.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self).littleEndian))
        case .bf16: return Float(bitPattern: UInt32(source.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self).littleEndian) << 16)
        case .f16: return Float(halfBits: source.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self).littleEndian)
        case .i64: return Float(Int64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * index, as: Int64.self)))
        case .i32: return Float(Int32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * index, as: Int32.self)))
        }
    }
}

/// A safetensors file, memory-mapped, with its header parsed and validated.
public struct SafetensorsFile: @unchecked Sendable {
    /// One tensor's header entry.
    public struct Info: Sendable {
        public let dtype: SafetensorsType
        public let shape: [Int]
        /// Byte range inside the data section.
        public let range: Range<Int>
    }

    public let path: String
    /// Tensor entries by name.
    public let tensors: [String: Info]
    /// The `__metadata__` strings.
    public let metadata: [String: String]
    private let data: Data
    private let dataStart: Int

    /// Opens and validates `path`.
    public init(path: String) throws {
        self.path = path
        let data = try mappedContents(of: path) { SafetensorsError.unreadable(path: path, reason: $0) }
        guard data.count >= 8 else {
            throw SafetensorsError.malformed(path: path, reason: "file is \(data.count) bytes, shorter than its 8-byte header length")
        }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8), headerLength <= 100_000_000 else {
            throw SafetensorsError.malformed(path: path, reason: "header length \(headerLength) exceeds the file size \(data.count)")
        }
        let headerData = data.subdata(in: 8..<(8 + Int(headerLength)))
        guard let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
            throw SafetensorsError.malformed(path: path, reason: "header is not a JSON object")
        }
        let dataStart = 8 + Int(headerLength)
        let dataSize = data.count - dataStart
        var tensors: [String: Info] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                guard let strings = value as? [String: String] else {
                    throw SafetensorsError.malformed(path: path, reason: "__metadata__ must map strings to strings")
                }
                metadata = strings
                continue
            }
            guard let entry = value as? [String: Any], let dtypeName = entry["dtype"] as? String,
                  let shape = Self.sizes(entry["shape"]), let offsets = Self.sizes(entry["data_offsets"]), offsets.count == 2
            else {
                throw SafetensorsError.malformed(
                    path: path, reason: "entry '\(name)' lacks dtype, or its shape or data_offsets are not lists of non-negative integers")
            }
            guard let dtype = SafetensorsType(rawValue: dtypeName) else {
                throw SafetensorsError.unsupportedType(path: path, name: name, dtype: dtypeName)
            }
            guard let byteCount = Self.byteCount(shape: shape, elementSize: dtype.size) else {
                throw SafetensorsError.malformed(path: path, reason: "tensor '\(name)' has shape \(shape), whose size overflows")
            }
            guard offsets[0] <= offsets[1], offsets[1] <= dataSize, offsets[1] - offsets[0] == byteCount else {
                throw SafetensorsError.malformed(
                    path: path, reason: "tensor '\(name)' (shape \(shape), \(dtypeName)) claims bytes \(offsets) of a \(dataSize)-byte data section")
            }
            tensors[name] = Info(dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
        }
        self.tensors = tensors
        self.metadata = metadata
        self.data = data
        self.dataStart = dataStart
    }

    /// The values of a JSON list of sizes or offsets; nil unless each is an integer in `0...Int.max`
    /// (a fraction, a negative number or one past `Int.max` is refused rather than rounded or wrapped).
    private static func sizes(_ value: Any?) -> [Int]? {
        guard let list = value as? [Any] else { return nil }
        var sizes: [Int] = []
        for element in list {
            guard let number = element as? NSNumber, let size = Int(exactly: number), size >= 0 else { return nil }
            sizes.append(size)
        }
        return sizes
    }

    /// The bytes of a tensor of `shape`, or nil when the product overflows `Int` at any step: then a
    /// `Tensor` of that shape could not be made even when a later dimension is 0 (its element count
    /// multiplies in the same order, without the element size).
    private static func byteCount(shape: [Int], elementSize: Int) -> Int? {
        var product = elementSize
        for dimension in shape {
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
            if overflow { return nil }
            product = next
        }
        return product
    }

    /// Tensor names, sorted.
    public var names: [String] { tensors.keys.sorted() }

    /// The tensor `name` converted to Float32.
    public func tensor(_ name: String) throws -> Tensor {
        let (info, bytes) = try raw(name)
        let out = Tensor(zeros: info.shape)
        let p = out.pointer
        bytes.withUnsafeBytes { (source: UnsafeRawBufferPointer) in
            for i in 0..<out.count { p[i] = info.dtype.float(at: i, in: source) }
        }
        return out
    }

    /// The integer tensor `name` (I64 or I32) as Int32 values, with its shape.
    public func integers(_ name: String) throws -> (shape: [Int], values: [Int32]) {
        let (info, bytes) = try raw(name)
        let count = info.shape.reduce(1, *)
        let values: [Int32] = try bytes.withUnsafeBytes { source in
            switch info.dtype {
            case .i64:
                return (0..<count).map { Int32(truncatingIfNeeded: Int64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self))) }
            case .i32:
                return (0..<count).map { Int32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
            default:
                throw SafetensorsError.unsupportedType(path: path, name: name, dtype: info.dtype.rawValue + " (integers expected)")
            }
        }
        return (info.shape, values)
    }

    private func raw(_ name: String) throws -> (Info, Data) {
        guard let info = tensors[name] else { throw SafetensorsError.missingTensor(path: path, name: name) }
        return (info, data.subdata(in: (dataStart + info.range.lowerBound)..<(dataStart + info.range.upperBound)))
    }
}

extension Float {
    /// The value of an IEEE 754 half-precision bit pattern.
    public init(halfBits bits: UInt16) {
        let sign = UInt32(bits >> 15) << 31
        let exponent = Int(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0x1F {
            self = Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        } else if exponent == 0 {
            let magnitude = Float(mantissa) * 0x1p-24
            self = sign == 0 ? magnitude : -magnitude
        } else {
            self = Float(bitPattern: sign | UInt32(exponent + 112) << 23 | mantissa << 13)
        }
    }
}
