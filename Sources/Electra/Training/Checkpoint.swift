// Checkpoint: a training run's complete state, saved so that a crash at any moment leaves the
// previous checkpoint loadable and a resumed run repeats the uninterrupted one exactly.
//
// Layout of RUN/checkpoints/:
//   ckpt-000500/model.safetensors      parameters (pretraining store names)
//   ckpt-000500/optimizer.safetensors  first and second moments (`m.<name>`, `v.<name>`)
//   ckpt-000500/state.json             step, phase, data position, randomness, settings
//   latest                             the name of the newest complete checkpoint
// A checkpoint is written into `ckpt-000500.tmp`, every file synced, then the folder renamed; the
// `latest` pointer is replaced the same way afterwards. Older checkpoints beyond `keep` are removed.

import ElectraTensor
import Foundation

/// Why a checkpoint cannot be written or used.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case unwritable(path: String, reason: String)
    case missing(path: String)
    case incompatible(path: String, reason: String)
    case corrupt(path: String, reason: String)

    public var description: String {
        switch self {
        case .unwritable(let path, let reason): return "cannot write \(path): \(reason)"
        case .missing(let path):
            return "no checkpoint at \(path): give a checkpoint folder (RUN/checkpoints/ckpt-NNNNNN, with state.json) or a run "
                + "directory that has one; to start a new run, leave out --resume"
        case .incompatible(let path, let reason): return "the checkpoint \(path) does not fit this run: \(reason)"
        case .corrupt(let path, let reason): return "the checkpoint \(path) is damaged (\(reason)); use an earlier one from the same folder"
        }
    }
}

/// Saving and loading checkpoints in a run directory.
public enum CheckpointStore {
    /// `RUN/checkpoints`.
    public static func directory(_ run: String) -> String { run + "/checkpoints" }

    /// The folder name of the checkpoint at `step` (six digits or more).
    public static func name(step: Int) -> String { String(format: "ckpt-%06d", step) }

    /// The step of a checkpoint folder name, if it is one.
    static func step(ofName name: String) -> Int? {
        guard name.hasPrefix("ckpt-") else { return nil }
        let digits = name.dropFirst(5)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        return Int(digits)
    }

    /// Writes a checkpoint atomically and updates `latest`; keeps the newest `keep`.
    public static func save<State: Encodable>(run: String, step: Int, parameters: ParameterStore, firstMoments: ParameterStore,
                                              secondMoments: ParameterStore, state: State, keep: Int) throws {
        let root = directory(run)
        let final = root + "/" + name(step: step)
        let temporary = final + ".tmp"
        let files = FileManager.default
        do {
            try files.createDirectory(atPath: root, withIntermediateDirectories: true)
            if files.fileExists(atPath: temporary) { try files.removeItem(atPath: temporary) }
            try files.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            try SafetensorsFile.write(parameters.entries.map { ($0.name, parameters[$0.name]) }, to: temporary + "/model.safetensors")
            let moments = firstMoments.entries.map { ("m.\($0.name)", firstMoments[$0.name]) }
                + secondMoments.entries.map { ("v.\($0.name)", secondMoments[$0.name]) }
            try SafetensorsFile.write(moments, to: temporary + "/optimizer.safetensors")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try writeAtomically(try encoder.encode(state), to: temporary + "/state.json")
            syncDirectory(temporary)
            if files.fileExists(atPath: final) { try files.removeItem(atPath: final) }
            guard rename(temporary, final) == 0 else {
                throw CheckpointError.unwritable(path: final, reason: String(cString: strerror(errno)))
            }
            syncDirectory(root)
            try writeAtomically(Data(name(step: step).utf8), to: root + "/latest")
            syncDirectory(root)
        } catch let error as CheckpointError {
            throw error
        } catch {
            try? files.removeItem(atPath: temporary)
            throw CheckpointError.unwritable(path: final, reason: "\(error); is the disk full? The previous checkpoint is intact")
        }
        prune(root, keep: keep)
    }

    /// The newest complete checkpoint of a run, if any.
    public static func latest(run: String) -> String? {
        let root = directory(run)
        if let data = FileManager.default.contents(atPath: root + "/latest"),
           let name = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
           FileManager.default.fileExists(atPath: root + "/" + name + "/state.json") {
            return root + "/" + name
        }
        // `latest` may predate the newest rename if a crash came between them: fall back to a scan.
        return completeCheckpoints(root).last.map { root + "/" + $0 }
    }

    /// Reads a checkpoint folder: parameters into `parameters`, moments into the moment stores, and
    /// the decoded state.
    public static func load<State: Decodable>(_ path: String, parameters: ParameterStore, firstMoments: ParameterStore?,
                                              secondMoments: ParameterStore?, as type: State.Type) throws -> State {
        guard FileManager.default.fileExists(atPath: path + "/state.json") else { throw CheckpointError.missing(path: path) }
        let state: State
        do {
            state = try JSONDecoder().decode(State.self, from: try Data(contentsOf: URL(fileURLWithPath: path + "/state.json")))
        } catch {
            throw CheckpointError.corrupt(path: path, reason: "state.json does not decode: \(error)")
        }
        let model = try SafetensorsFile(path: path + "/model.safetensors")
        try fill(parameters, from: model, prefix: "", path: path)
        if let firstMoments, let secondMoments {
            let optimizer = try SafetensorsFile(path: path + "/optimizer.safetensors")
            try fill(firstMoments, from: optimizer, prefix: "m.", path: path)
            try fill(secondMoments, from: optimizer, prefix: "v.", path: path)
        }
        return state
    }

    /// Throws unless `file` holds every tensor of `layout` (names behind `prefix`) in its shape; called
    /// before a layout read from `state.json` is allocated, and before every load.
    static func check(_ file: SafetensorsFile, layout: [(name: String, shape: [Int])], prefix: String = "", path: String) throws {
        for entry in layout {
            guard let info = file.tensors[prefix + entry.name] else {
                throw CheckpointError.incompatible(path: path, reason: "it has no tensor \(prefix + entry.name); was it made with another model configuration?")
            }
            guard info.shape == entry.shape else {
                throw CheckpointError.incompatible(path: path, reason: "\(prefix + entry.name) has shape \(info.shape), this run needs \(entry.shape)")
            }
        }
    }

    private static func fill(_ store: ParameterStore, from file: SafetensorsFile, prefix: String, path: String) throws {
        try check(file, layout: store.entries.map { ($0.name, $0.shape) }, prefix: prefix, path: path)
        for entry in store.entries { store[entry.name].copy(from: try file.tensor(prefix + entry.name)) }
    }

    /// Complete checkpoint folders, oldest first by step number (not by name: ckpt-1000000 is newer
    /// than ckpt-999999).
    static func completeCheckpoints(_ root: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.compactMap { name in step(ofName: name).map { (name, $0) } }
            .filter { FileManager.default.fileExists(atPath: root + "/" + $0.0 + "/state.json") }
            .sorted { $0.1 < $1.1 }
            .map(\.0)
    }

    private static func prune(_ root: String, keep: Int) {
        let complete = completeCheckpoints(root)
        guard keep > 0, complete.count > keep else { return }
        for name in complete.prefix(complete.count - keep) { try? FileManager.default.removeItem(atPath: root + "/" + name) }
    }

    /// fsync on a directory, so a rename inside it is durable.
    static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
    }
}
