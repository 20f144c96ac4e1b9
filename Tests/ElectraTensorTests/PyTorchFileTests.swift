// PyTorchFile, ZipArchive and Unpickler: values of a torch.save'd state dict of every dtype and view
// kind (Tests/Fixtures/torch-bin, from scripts/make_torch_bin_fixtures.py), and the files refused.

import ElectraTensor
import Foundation
import Testing
import _TestSupport

private func fixture(_ name: String) -> String { Fixtures.directory.appendingPathComponent("torch-bin/" + name).path }

@Suite("PyTorch files") struct PyTorchFileTests {
    /// Every tensor of tiny.bin (F32, F16, BF16, F64, I64, I32; a transposed and an offset view, a
    /// scalar, a Parameter) equals torch's own contiguous float32 copy in tiny.safetensors, also when
    /// the archive carries ZIP64 records.
    @Test(arguments: ["tiny.bin", "tiny-zip64.bin"]) func valuesMatchTorch(_ name: String) throws {
        let file = try PyTorchFile(path: fixture(name))
        let expected = try SafetensorsFile(path: fixture("tiny.safetensors"))
        #expect(file.names == expected.names)
        for tensor in expected.names {
            let actual = try file.tensor(tensor), reference = try expected.tensor(tensor)
            #expect(actual.shape == reference.shape, "\(tensor)")
            #expect(actual.scalars.map(\.bitPattern) == reference.scalars.map(\.bitPattern), "\(tensor)")
        }
        let dtypes = ["f32": SafetensorsType.f32, "f16": .f16, "bf16": .bf16, "f64": .f64, "i64": .i64, "i32": .i32]
        for (tensor, dtype) in dtypes { #expect(file.tensors[tensor]?.dtype == dtype) }
        let transposed = try #require(file.tensors["f32.transposed"]), offset = try #require(file.tensors["f32.offset"])
        #expect(transposed.strides == [1, 4] && transposed.storage == file.tensors["f32"]?.storage)
        #expect(offset.storageOffset == 3 && offset.shape == [2, 3])
    }

    /// A pickle that would call os.system is refused when it names the global; the command never runs.
    @Test func refusesCodeExecution() throws {
        let marker = "/tmp/electra-torch-bin-pwned", path = fixture("malformed/system.bin")
        try? FileManager.default.removeItem(atPath: marker)
        #expect(throws: PyTorchFileError.refused(path: path, .refusedGlobal(name: "posix.system"))) { try PyTorchFile(path: path) }
        #expect(!FileManager.default.fileExists(atPath: marker))
        let message = "\(PyTorchFileError.refused(path: path, .refusedGlobal(name: "posix.system")))"
        #expect(message.contains(path) && message.contains("posix.system") && message.contains("nothing was run"))
    }

    @Test func malformedFilesNameTheFileAndTheFix() throws {
        let legacy = fixture("malformed/legacy.bin")
        #expect(throws: PyTorchFileError.legacyFormat(path: legacy)) { try PyTorchFile(path: legacy) }
        #expect("\(PyTorchFileError.legacyFormat(path: legacy))".contains("torch.save(torch.load("))
        let complex = fixture("malformed/complex.bin")
        #expect(throws: PyTorchFileError.unsupportedStorage(path: complex, type: "torch.ComplexFloatStorage")) { try PyTorchFile(path: complex) }
        let deflate = fixture("malformed/deflate.bin")
        #expect(throws: ZipArchiveError.unsupported(path: deflate, entry: "pytorch_model/data.pkl", reason: "compressed (deflate)")) {
            try PyTorchFile(path: deflate)
        }
        let cases: [(String, String)] = [
            ("malformed/truncated.bin", "no end of central directory record"),
            ("malformed/wrong-size.bin", "storage 0 holds"),
            ("malformed/list.bin", "no dict of tensors"),
            ("malformed/expanded.bin", "an expanded or overlapping view"),
            ("discriminator-bin/config.json", "not a zip archive"),
        ]
        for (name, reason) in cases {
            let path = fixture(name)
            let error = try #require(throws: (any Error).self) { try PyTorchFile(path: path) }
            #expect("\(error)".contains(path) && "\(error)".contains(reason), "\(name): \(error)")
        }
    }
}

@Suite("Restricted unpickler") struct UnpicklerTests {
    /// An unpickler that allows only `collections.OrderedDict` and calls nothing.
    let unpickler = Unpickler(allowsGlobal: { $0 == "collections.OrderedDict" }, reduce: { _, _ in .dict([], []) },
                              persistentLoad: { _ in .none })

    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func readsTheValuesOfAStateDictPickle() throws {
        // PROTO 2, GLOBAL, EMPTY_TUPLE, REDUCE, BINPUT, MARK, key, LONG1 -2, key, BINFLOAT 0.5, key, tuple, SETITEMS, STOP.
        var stream: [UInt8] = [0x80, 2] + bytes("ccollections\nOrderedDict\n") + [0x29, 0x52, 0x71, 0, 0x28]
        stream += [0x58, 1, 0, 0, 0] + bytes("a") + [0x8A, 1, 0xFE]
        stream += [0x8C, 1] + bytes("b") + [0x47, 0x3F, 0xE0, 0, 0, 0, 0, 0, 0]
        stream += [0x8C, 1] + bytes("c") + [0x4B, 7, 0x4D, 0x10, 0x27, 0x4A, 0xFF, 0xFF, 0xFF, 0xFF, 0x87, 0x75, 0x2E]
        let value = try unpickler.load(stream)
        #expect(value == .dict([.string("a"), .string("b"), .string("c")],
                               [.int(-2), .float(0.5), .tuple([.int(7), .int(10_000), .int(-1)])]))
    }

    @Test func refusesGlobalsAndOpcodesOutsideTheSet() {
        #expect(throws: PickleError.refusedGlobal(name: "builtins.eval")) {
            try unpickler.load([0x80, 4, 0x8C, 8] + bytes("builtins") + [0x8C, 4] + bytes("eval") + [0x93, 0x2E])
        }
        #expect(throws: PickleError.refusedOpcode(opcode: 0x81, offset: 2)) { try unpickler.load([0x80, 2, 0x81, 0x2E]) }
        #expect(throws: PickleError.refusedOpcode(opcode: 0x69, offset: 0)) { try unpickler.load(bytes("ios\nsystem\n.")) }
    }

    @Test func malformedStreamsAreErrorsNotTraps() {
        let streams: [[UInt8]] = [
            [], [0x80], [0x58, 0xFF, 0xFF, 0xFF, 0x7F], [0x68, 3, 0x2E], [0x74, 0x2E], [0x4E, 0x4E, 0x2E],
            [0x28, 0x30, 0x2E], [0x7D, 0x4E, 0x75, 0x2E], [0x5D, 0x4E, 0x73, 0x2E], [0x29, 0x62, 0x2E],
            [UInt8](repeating: 0x28, count: 100) + [UInt8](repeating: 0x74, count: 100) + [0x2E],
        ]
        for stream in streams {
            #expect(throws: PickleError.self, "\(stream.prefix(12))") { try unpickler.load(stream) }
        }
    }
}
