// Tensor, ParameterStore and safetensors reading: views, layout and clear errors on bad files.

import ElectraTensor
import Foundation
import Testing
import _TestSupport

@Suite("Tensor and storage") struct TensorTests {
    @Test func viewsShareStorage() {
        let t = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let row = t.rows(1..<2)
        #expect(row.shape == [1, 3] && row.scalars == [4, 5, 6])
        row.fill(0)
        #expect(t.scalars == [1, 2, 3, 0, 0, 0])
        let flat = t.reshaped([6])
        #expect(flat.rows == 1 && flat.columns == 6)
        let copy = t.clone()
        copy.fill(9)
        #expect(t.scalars[0] == 1)
        #expect(Int(bitPattern: t.pointer) % 64 == 0, "storage is 64-byte aligned")
    }

    @Test func parameterStoreNamesAndAlignment() {
        let store = ParameterStore(layout: [("electra.embeddings.word_embeddings.weight", [5, 3]),
                                            ("electra.embeddings.LayerNorm.weight", [3]),
                                            ("electra.embeddings.LayerNorm.bias", [3])])
        #expect(store.parameterCount == 21)
        #expect(store.entries.map(\.name) == ["electra.embeddings.word_embeddings.weight",
                                              "electra.embeddings.LayerNorm.weight", "electra.embeddings.LayerNorm.bias"])
        let weight = store["electra.embeddings.LayerNorm.weight"]
        #expect(weight.shape == [3] && weight.offset % 16 == 0)
        weight.fill(1)
        #expect(store["electra.embeddings.LayerNorm.bias"].scalars == [0, 0, 0])
        let gradients = store.zerosLike()
        #expect(gradients.entries == store.entries)
        store.zero()
        #expect(weight.scalars == [0, 0, 0])
    }

    @Test func safetensorsReadsAllTypes() throws {
        // F32 [2], F16 [2], BF16 [1], I64 [2], built by hand.
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
            + #""h":{"dtype":"F16","shape":[2],"data_offsets":[8,12]},"#
            + #""b":{"dtype":"BF16","shape":[1],"data_offsets":[12,14]},"#
            + #""i":{"dtype":"I64","shape":[2],"data_offsets":[14,30]},"__metadata__":{"k":"v"}}"#
        var bytes = Data()
        bytes.append(contentsOf: withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian, Array.init))
        bytes.append(contentsOf: Array(header.utf8))
        for value: Float in [1.5, -2] { bytes.append(contentsOf: withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)) }
        for half: UInt16 in [0x3C00, 0xC100] { bytes.append(contentsOf: withUnsafeBytes(of: half.littleEndian, Array.init)) }
        bytes.append(contentsOf: withUnsafeBytes(of: UInt16(0x4049).littleEndian, Array.init))   // bf16 3.140625
        for value: Int64 in [7, -100] { bytes.append(contentsOf: withUnsafeBytes(of: value.littleEndian, Array.init)) }
        let path = try write(bytes)
        let file = try SafetensorsFile(path: path)
        #expect(file.metadata == ["k": "v"])
        #expect(try file.tensor("a").scalars == [1.5, -2])
        #expect(try file.tensor("h").scalars == [1, -2.5])
        #expect(try file.tensor("b").scalars == [3.140625])
        #expect(try file.integers("i").values == [7, -100])
        #expect(throws: SafetensorsError.missingTensor(path: path, name: "zzz")) { try file.tensor("zzz") }
    }

    @Test(arguments: [SafetensorsType.f32, .f16, .bf16])
    func safetensorsWritesAndReadsBack(dtype: SafetensorsType) throws {
        let values: [Float] = [0, 1, -2.5, 3.140625, 1e-3, 65504, -0.0078125, 1000.5]
        let path = try write(Data())
        try SafetensorsFile.write([("b.weight", Tensor(shape: [2, 4], values: values)), ("a", Tensor(shape: [1], values: [7]))],
                                  dtype: dtype, to: path)
        let file = try SafetensorsFile(path: path)
        #expect(file.names == ["a", "b.weight"] && file.tensors["b.weight"]?.dtype == dtype && file.metadata["format"] == "pt")
        let back = try file.tensor("b.weight").scalars
        let tolerance: Float = dtype == .f32 ? 0 : (dtype == .f16 ? 1e-3 : 8e-3)
        for (x, y) in zip(values, back) { #expect(abs(x - y) <= tolerance * max(1, abs(x)), "\(x) → \(y) as \(dtype)") }
    }

    @Test func halfPrecisionRoundTripsEveryHalf() throws {
        // Every finite half value converts to Float and back to itself.
        var values: [Float] = []
        for bits in UInt16(0)...UInt16(0xFFFF) where (bits & 0x7C00) != 0x7C00 { values.append(Float(halfBits: bits)) }
        let path = try write(Data())
        try SafetensorsFile.write([("h", Tensor(shape: [values.count], values: values))], dtype: .f16, to: path)
        #expect(try SafetensorsFile(path: path).tensor("h").scalars.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test func safetensorsRejectsBadFiles() throws {
        let truncated = try write(Data([1, 2, 3]))
        #expect(throws: SafetensorsError.self) { try SafetensorsFile(path: truncated) }
        var lying = Data(withUnsafeBytes(of: UInt64(1000).littleEndian, Array.init))
        lying.append(contentsOf: Array("{}".utf8))
        #expect(throws: SafetensorsError.self) { try SafetensorsFile(path: try write(lying)) }
        let header = #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#
        var short = Data(withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian, Array.init))
        short.append(contentsOf: Array(header.utf8))
        short.append(contentsOf: [0, 0, 0, 0])   // 4 of 16 bytes
        do {
            _ = try SafetensorsFile(path: try write(short))
            Issue.record("a truncated data section was accepted")
        } catch let error as SafetensorsError {
            #expect(error.description.contains("claims bytes"), "\(error)")
        }
        #expect(throws: SafetensorsError.self) { try SafetensorsFile(path: "/nonexistent/model.safetensors") }
    }

    private func write(_ data: Data) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("electra-test-\(UUID().uuidString).safetensors")
        try data.write(to: url)
        return url.path
    }
}
