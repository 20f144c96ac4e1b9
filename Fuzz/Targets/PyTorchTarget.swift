// PyTorchTarget: the input is a `pytorch_model.bin` (torch.save's zip of a pickle and raw storages); it
// is opened (zip central directory, restricted unpickler, storage and view checks) and every tensor is
// read.

import ElectraTensor
import Foundation

enum PyTorchTarget {
    static func run(_ input: [UInt8]) {
        let path = Scratch.write(input, to: "pytorch_model.bin")
        guard let file = try? PyTorchFile(path: path) else { return }
        for name in file.names { _ = try? file.tensor(name) }
    }

    /// Files torch.save wrote (Tests/Fixtures/torch-bin, from scripts/make_torch_bin_fixtures.py): every
    /// dtype and view kind, the same with ZIP64 records, and a pickle naming os.system.
    static func seeds() -> [(name: String, bytes: [UInt8])] {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/torch-bin")
        return ["tiny.bin", "tiny-zip64.bin", "malformed/system.bin"].map { name in
            (name.replacingOccurrences(of: "/", with: "-"),
             (try? [UInt8](Data(contentsOf: fixtures.appendingPathComponent(name)))) ?? [])
        }
    }
}
