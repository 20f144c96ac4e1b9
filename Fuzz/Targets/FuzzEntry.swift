// electra-fuzz: coverage-guided fuzz targets for the readers of user files, and a replay tool for
// their inputs.
//
// `scripts/fuzz.sh` builds this target with `-sanitize=fuzzer,address -D ELECTRA_LIBFUZZER`: libFuzzer
// then supplies `main` and feeds generated inputs to the target named by ELECTRA_FUZZ_TARGET. A plain
// build (no libFuzzer) makes the replay tool instead:
//
//     electra-fuzz TARGET FILE...   runs TARGET on each file, as libFuzzer would (reproduces a finding)
//     electra-fuzz seeds DIR        writes every target's seed inputs to DIR/TARGET/ (Fuzz/Seeds)
//
// An input may be refused with any thrown error; a trap, a sanitizer report, or an allocation past
// libFuzzer's -malloc_limit_mb is a finding.

import Foundation

#if ELECTRA_LIBFUZZER

/// The target this process fuzzes, from ELECTRA_FUZZ_TARGET.
let selectedTarget = ProcessInfo.processInfo.environment["ELECTRA_FUZZ_TARGET"].flatMap(FuzzTarget.init(rawValue:))

/// Called by libFuzzer once, before the first input: checks the target's name and writes its fixed files.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>,
                             _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    guard let target = selectedTarget else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("electra-fuzz: set ELECTRA_FUZZ_TARGET to one of: \(names)\n".utf8))
        exit(2)
    }
    target.prepare()
    return 0
}

/// Called by libFuzzer for every input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    selectedTarget?.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#else

/// The replay tool (see the file header).
@main
enum ReplayTool {
    static func main() throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
        if arguments.count == 2, arguments[0] == "seeds" {
            try writeSeeds(to: arguments[1])
        } else if arguments.count >= 2, let target = FuzzTarget(rawValue: arguments[0]) {
            target.prepare()
            for file in arguments.dropFirst() {
                target.run(try [UInt8](Data(contentsOf: URL(fileURLWithPath: file))))
                print("\(file): no crash")
            }
        } else {
            print("usage: electra-fuzz \(names) FILE...\n       electra-fuzz seeds DIR")
            exit(2)
        }
    }

    /// Writes each target's seeds as `DIR/TARGET/NAME`, after checking that the target runs them.
    static func writeSeeds(to directory: String) throws {
        for target in FuzzTarget.allCases {
            let folder = directory + "/" + target.rawValue
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            target.prepare()
            for (name, bytes) in target.seeds() {
                target.run(bytes)
                try Data(bytes).write(to: URL(fileURLWithPath: folder + "/" + name))
                print("\(folder)/\(name): \(bytes.count) bytes")
            }
        }
    }
}

#endif

/// The fuzz targets: one per kind of file a user hands to electra.
enum FuzzTarget: String, CaseIterable, Sendable {
    /// `model.safetensors`: open, list, read every tensor.
    case safetensors
    /// A pretraining shard: open, read every example, and batch it through `PretrainingDataset`.
    case shard
    /// SQuAD data, predictions and no-answer probabilities: read, featurize, score.
    case squad
    /// `config.json` and `vocab.txt`, alone and as a model directory.
    case modelFiles = "model-files"
    /// A checkpoint's `state.json` next to valid tensors.
    case checkpoint
    /// A TFRecord file of pretraining examples: framing, CRCs, `tf.train.Example`, the record checks.
    case tfrecord
    /// A MediaWiki XML dump: pages read, disambiguation checked, markup cleaned.
    case wikipedia
    /// A TensorFlow checkpoint's `.index`: the table, the bundle protos, tensor reads, Google's ELECTRA names.
    case tfcheckpoint
    /// A `pytorch_model.bin`: zip directory, restricted unpickler, every tensor read.
    case pytorch
    /// GLUE and user classification files, CoNLL files and GLUE predictions: read and scored.
    case classification

    /// Whether the target's files are JSON (or hold JSON), for `NumberMutator`.
    var readsJSON: Bool { self != .shard && self != .tfrecord && self != .wikipedia && self != .tfcheckpoint && self != .pytorch && self != .classification }

    /// Writes the files the target keeps fixed between inputs.
    func prepare() {
        switch self {
        case .modelFiles: ModelFilesTarget.prepare()
        case .checkpoint: CheckpointTarget.prepare()
        case .tfcheckpoint: TFCheckpointTarget.prepare()
        case .safetensors, .shard, .squad, .tfrecord, .wikipedia, .pytorch, .classification: break
        }
    }

    /// Runs one input; every thrown error is an acceptable outcome.
    func run(_ input: [UInt8]) {
        switch self {
        case .safetensors: SafetensorsTarget.run(input)
        case .shard: ShardTarget.run(input)
        case .squad: SQuADTarget.run(input)
        case .modelFiles: ModelFilesTarget.run(input)
        case .checkpoint: CheckpointTarget.run(input)
        case .tfrecord: TFRecordTarget.run(input)
        case .wikipedia: WikipediaTarget.run(input)
        case .tfcheckpoint: TFCheckpointTarget.run(input)
        case .pytorch: PyTorchTarget.run(input)
        case .classification: ClassificationTarget.run(input)
        }
    }

    /// Small valid inputs to start from, by file name.
    func seeds() -> [(name: String, bytes: [UInt8])] {
        switch self {
        case .safetensors: return SafetensorsTarget.seeds()
        case .shard: return ShardTarget.seeds()
        case .squad: return SQuADTarget.seeds()
        case .modelFiles: return ModelFilesTarget.seeds()
        case .checkpoint: return CheckpointTarget.seeds()
        case .tfrecord: return TFRecordTarget.seeds()
        case .wikipedia: return WikipediaTarget.seeds()
        case .tfcheckpoint: return TFCheckpointTarget.seeds()
        case .pytorch: return PyTorchTarget.seeds()
        case .classification: return ClassificationTarget.seeds()
        }
    }
}

/// This process's scratch directory, where targets write their inputs as the files the readers take.
enum Scratch {
    /// `$TMPDIR/electra-fuzz-PID`, created on first use and removed at exit.
    static let directory: String = {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("electra-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: Scratch.directory) }
        return path
    }()

    /// `directory/name`, with the folders it names created.
    static func path(_ name: String) -> String {
        let path = (directory as NSString).appendingPathComponent(name)
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        return path
    }

    /// Writes `bytes` to `directory/name`, replacing it, and returns its path.
    @discardableResult
    static func write<Bytes: Collection<UInt8>>(_ bytes: Bytes, to name: String) -> String {
        let path = path(name)
        try? Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The bytes of `directory/name` (after a reader's writer made it), or none.
    static func read(_ name: String) -> [UInt8] {
        (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path(name))))) ?? []
    }
}

/// The parts of an input that holds several files separated by NUL bytes (which none of them needs):
/// at most `count` parts; the last keeps any further NULs.
func fileParts(_ input: [UInt8], count: Int) -> [ArraySlice<UInt8>] {
    input.split(separator: 0, maxSplits: count - 1, omittingEmptySubsequences: false)
}

/// Files joined with NUL bytes, as `fileParts` splits them (for seeds).
func joinedFiles(_ files: [[UInt8]]) -> [UInt8] {
    Array(files.joined(separator: [0]))
}
