// SafetensorsWriter: writes named Float32 tensors as a `.safetensors` file, atomically.

import Foundation

extension SafetensorsFile {
    /// Writes `tensors` (name, tensor) to `path` as `dtype` (F32, F16 or BF16; the halves rounded to
    /// nearest, ties to even): a temporary file is written, synced and renamed, so `path` is either
    /// the old file or the complete new one. Tensor names are sorted in the header, which is padded
    /// with spaces to a multiple of 8 bytes as the format recommends.
    public static func write(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = ["format": "pt"],
                             dtype: SafetensorsType = .f32, to path: String) throws {
        precondition([.f32, .f16, .bf16].contains(dtype), "SafetensorsFile.write: \(dtype.rawValue) is not a float type it writes")
        let sorted = tensors.sorted { $0.name < $1.name }
        var header = "{"
        var offset = 0
        var parts: [String] = []
        if !metadata.isEmpty {
            let entries = metadata.sorted { $0.key < $1.key }.map { "\(JSONText.quote($0.key)):\(JSONText.quote($0.value))" }
            parts.append("\"__metadata__\":{\(entries.joined(separator: ","))}")
        }
        for (name, tensor) in sorted {
            let bytes = tensor.count * dtype.size
            parts.append("\(JSONText.quote(name)):{\"dtype\":\"\(dtype.rawValue)\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],"
                         + "\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        header += parts.joined(separator: ",") + "}"
        while header.utf8.count % 8 != 0 { header += " " }
        var data = Data(capacity: 8 + header.utf8.count + offset)
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        for (_, tensor) in sorted {
            switch dtype {
            case .f16:
                var halves = [UInt16](repeating: 0, count: tensor.count)
                for i in 0..<tensor.count { halves[i] = halfBits(tensor.pointer[i]).littleEndian }
                halves.withUnsafeBufferPointer { data.append($0) }
            case .bf16:
                var halves = [UInt16](repeating: 0, count: tensor.count)
                for i in 0..<tensor.count { halves[i] = bfloat16Bits(tensor.pointer[i]).littleEndian }
                halves.withUnsafeBufferPointer { data.append($0) }
            default:
                data.append(UnsafeBufferPointer(start: tensor.pointer, count: tensor.count))
            }
        }
        try writeAtomically(data, to: path)
    }

    /// The IEEE half-precision value nearest to `value` (ties to even; overflow to infinity). Written
    /// out by hand because `Float16` does not exist on Intel Macs.
    static func halfBits(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        let exponent = Int((bits >> 23) & 0xFF)
        let mantissa = bits & 0x7F_FFFF
        if exponent == 0xFF { return sign | 0x7C00 | (mantissa != 0 ? 0x200 : 0) }   // infinity or NaN
        let halfExponent = exponent - 127 + 15
        if halfExponent >= 0x1F { return sign | 0x7C00 }                              // overflow
        if halfExponent <= 0 {                                                          // subnormal or zero
            if halfExponent < -10 { return sign }
            let full = mantissa | 0x80_0000
            let shift = UInt32(14 - halfExponent)
            var half = full >> shift
            let remainder = full & ((1 << shift) - 1), halfway = UInt32(1) << (shift - 1)
            if remainder > halfway || (remainder == halfway && half & 1 == 1) { half += 1 }
            return sign | UInt16(half)
        }
        var half = UInt32(halfExponent) << 10 | (mantissa >> 13)
        let remainder = mantissa & 0x1FFF
        if remainder > 0x1000 || (remainder == 0x1000 && half & 1 == 1) { half += 1 }   // may carry into the exponent: still right
        return sign | UInt16(half)
    }

    /// The bfloat16 nearest to `value` (ties to even; NaN stays NaN).
    static func bfloat16Bits(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(bits >> 16) | 0x0040 }
        let rounding = 0x7FFF + ((bits >> 16) & 1)
        return UInt16((bits &+ rounding) >> 16)
    }
}
