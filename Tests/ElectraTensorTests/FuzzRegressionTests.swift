// FuzzRegressionTests: safetensors files that crashed the reader (found by scripts/fuzz.sh, or known
// before it), each now refused with a `SafetensorsError` naming the file; and every input kept in
// Tests/Fixtures/fuzz/safetensors read without a crash.

import ElectraTensor
import Foundation
import Testing
import _TestSupport

/// The inputs kept under Tests/Fixtures/fuzz/TARGET: crashes the fuzzer found, now fixed.
private func fuzzInputs(_ target: String) -> [String] {
    let folder = Fixtures.directory.appendingPathComponent("fuzz/" + target).path
    return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().map { folder + "/" + $0 }
}

@Suite struct SafetensorsFuzzRegressionTests {
    /// A safetensors file: the header's length as a little-endian UInt64, the header, then `data`.
    private func file(header: String, data: [UInt8] = []) -> [UInt8] {
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian, Array.init) + Array(header.utf8) + data
    }

    private func write(_ bytes: [UInt8]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("electra-fuzz-\(UUID().uuidString).safetensors")
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test func shapeWhoseByteSizeOverflowsIsRefused() throws {
        // 2^40 × 2^40 elements: the element count and the byte size overflow Int (this trapped).
        let path = try write(file(header: #"{"w":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,0]}}"#))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let overflow = SafetensorsError.malformed(path: path, reason: "tensor 'w' has shape [1099511627776, 1099511627776], whose size overflows")
        #expect(throws: overflow) { try SafetensorsFile(path: path) }
        // Only the byte size overflows (2^62 elements of 4 bytes); and a later 0 does not excuse an overflow.
        for shape in ["[4611686018427387904]", "[4611686018427387904,4,0]"] {
            let other = try write(file(header: #"{"w":{"dtype":"F32","shape":"# + shape + #","data_offsets":[0,0]}}"#))
            defer { try? FileManager.default.removeItem(atPath: other) }
            #expect(throws: SafetensorsError.self) { try SafetensorsFile(path: other) }
        }
    }

    @Test func sizesThatAreNotExactIntegersAreRefused() throws {
        // 2^64 used to read as 0 and 1e300 as Int.min; fractions were rounded; negative offsets wrapped.
        for value in ["18446744073709551616", "1e300", "1.5", "-8", "\"4\""] {
            for header in [#"{"w":{"dtype":"F32","shape":["# + value + #"],"data_offsets":[0,0]}}"#,
                           #"{"w":{"dtype":"F32","shape":[0],"data_offsets":["# + value + #",0]}}"#] {
                let path = try write(file(header: header))
                defer { try? FileManager.default.removeItem(atPath: path) }
                let reason = "entry 'w' lacks dtype, or its shape or data_offsets are not lists of non-negative integers"
                #expect(throws: SafetensorsError.malformed(path: path, reason: reason), "\(header)") { try SafetensorsFile(path: path) }
            }
        }
    }

    @Test func hugeHeaderLengthIsRefused() throws {
        let bytes = withUnsafeBytes(of: UInt64.max.littleEndian, Array.init) + Array("{}".utf8)
        let path = try write(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: SafetensorsError.self) { try SafetensorsFile(path: path) }
    }

    @Test func keptFuzzInputsEndInAnErrorOrAFile() throws {
        for path in fuzzInputs("safetensors") {
            do {
                let file = try SafetensorsFile(path: path)
                for name in file.names { _ = try? file.tensor(name) }
            } catch {
                #expect(error is SafetensorsError, "\(path): \(error)")
            }
        }
    }
}
