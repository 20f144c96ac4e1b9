// SafetensorsTarget: the input is a `model.safetensors`; it is opened, and every tensor it lists is
// read as floats and as integers.

import ElectraTensor

enum SafetensorsTarget {
    static func run(_ input: [UInt8]) {
        let path = Scratch.write(input, to: "model.safetensors")
        guard let file = try? SafetensorsFile(path: path) else { return }
        for name in file.names {
            _ = try? file.tensor(name)
            _ = try? file.integers(name)
        }
    }

    /// Files from the writer (F32, F16, BF16) and one written by hand with the integer and F64 types.
    static func seeds() -> [(name: String, bytes: [UInt8])] {
        let tensors = [("encoder.weight", Tensor(shape: [2, 3], values: [1, -2, 0.5, 3e-3, 65504, -0])),
                       ("bias", Tensor(shape: [3], values: [0, 1, 2])), ("scalar", Tensor(shape: [], values: [7]))]
        var seeds: [(name: String, bytes: [UInt8])] = []
        for dtype in [SafetensorsType.f32, .f16, .bf16] {
            let name = "written-\(dtype.rawValue.lowercased()).safetensors"
            try? SafetensorsFile.write(tensors, dtype: dtype, to: Scratch.path(name))
            seeds.append((name, Scratch.read(name)))
        }
        let header = #"{"__metadata__":{"format":"pt"},"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},"#
            + #""mask":{"dtype":"I32","shape":[1,2],"data_offsets":[16,24]},"x":{"dtype":"F64","shape":[1],"data_offsets":[24,32]}}"#
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) } + Array(header.utf8)
        for value in [Int64(101), 102] { bytes += withUnsafeBytes(of: value.littleEndian) { Array($0) } }
        for value in [Int32(1), 0] { bytes += withUnsafeBytes(of: value.littleEndian) { Array($0) } }
        bytes += withUnsafeBytes(of: Double(0.25).bitPattern.littleEndian) { Array($0) }
        seeds.append(("integers.safetensors", bytes))
        return seeds
    }
}
