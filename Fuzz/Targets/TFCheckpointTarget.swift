// TFCheckpointTarget: the input is a TensorFlow checkpoint's `.index` file, beside the data file of
// the test fixture. It is read twice: with every CRC32C checked, and with the checks off, so that
// mutations reach the table's entries, the bundle protos, the tensor reads and the conversion of
// Google's ELECTRA variables instead of stopping at a block's checksum.

import Electra
import Foundation

enum TFCheckpointTarget {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/tfcheckpoint/model.ckpt-7").path

    /// Copies the fixture's data file next to where the inputs go (an empty one when it is missing).
    static func prepare() {
        let data = FileManager.default.contents(atPath: fixture + ".data-00000-of-00001") ?? Data()
        Scratch.write([UInt8](data), to: "model.ckpt-1.data-00000-of-00001")
    }

    static func run(_ input: [UInt8]) {
        let path = Scratch.write(input, to: "model.ckpt-1.index")
        let prefix = String(path.dropLast(".index".count))
        for verify in [true, false] {
            guard let checkpoint = try? TFCheckpoint(prefix: prefix, verifyChecksums: verify) else { continue }
            for name in checkpoint.names.prefix(64) { _ = try? checkpoint.tensor(name) }
            _ = try? GoogleElectraCheckpoint(checkpoint, options: GoogleElectraOptions(heads: 4, generatorHeads: 2))
        }
    }

    /// The fixture's index, as TensorFlow wrote it.
    static func seeds() -> [(name: String, bytes: [UInt8])] {
        guard let data = FileManager.default.contents(atPath: fixture + ".index") else { return [] }
        return [("model.ckpt-7.index", [UInt8](data))]
    }
}
