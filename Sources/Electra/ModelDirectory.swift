// ModelDirectory: Hugging Face model directories (config.json, model.safetensors, vocab.txt) in and out.
// The weights may also be sharded, or PyTorch's pytorch_model.bin (ModelWeights reads them all).

import ElectraTensor
import ElectraTokenizer
import Foundation

/// Why a model directory cannot be used.
public enum ModelDirectoryError: Error, CustomStringConvertible, Equatable {
    case missingFile(path: String, hint: String)
    case missingTensors(path: String, names: [String])
    case shapeMismatch(path: String, name: String, expected: [Int], found: [Int])
    case vocabularyMismatch(path: String, vocabularySize: Int, configured: Int)
    case unknownArchitecture(path: String, architectures: [String])
    case wrongRole(path: String, expected: ElectraRole, found: ElectraRole)
    /// A head (`head` describes it) lacks tensors `names` in weights file `path`.
    case missingHead(path: String, head: String, names: [String])
    /// `path` does not say consistently which question-answering head it holds.
    case questionAnsweringHead(path: String, reason: String)

    public var description: String {
        switch self {
        case .missingFile(let path, let hint):
            return "\(path) is missing: \(hint)"
        case .missingTensors(let path, let names):
            let shown = names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", … (\(names.count) in all)" : "")
            return "\(path) lacks tensors this model needs: \(shown). Is it an ELECTRA model of this configuration?"
        case .shapeMismatch(let path, let name, let expected, let found):
            return "\(path): tensor \(name) has shape \(found), but config.json implies \(expected); the config and the weights disagree"
        case .vocabularyMismatch(let path, let size, let configured):
            return "\(path) has \(size) tokens but config.json says vocab_size \(configured); use the vocabulary the model was trained with"
        case .wrongRole(let path, let expected, let found):
            return "\(path) holds a \(found) (\(found.architecture)), but a \(expected) (\(expected.architecture)) is needed here"
        case .unknownArchitecture(let path, let architectures):
            return "\(path): architectures \(architectures) is not an ELECTRA discriminator or generator (ElectraForPreTraining, ElectraForMaskedLM, ElectraModel)"
        case .missingHead(let path, let head, let names):
            let shown = names.prefix(6).joined(separator: ", ") + (names.count > 6 ? ", … (\(names.count) in all)" : "")
            return "\(path) lacks tensors of the \(head): \(shown). A head is never started at random in place of missing "
                + "weights: use the complete model.safetensors the model was saved with"
        case .questionAnsweringHead(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}

/// What to do when a directory lacks a model's head.
public enum HeadPolicy: Equatable, Sendable {
    /// Every head tensor must be in the directory (a model used as it was saved, or fine-tuned
    /// further); a missing one is an error naming it.
    case required
    /// Training starts from a pretrained encoder: a head the directory has none of is initialised
    /// from `seed`. A directory with only part of the head is still an error.
    case initializeIfAbsent(seed: UInt64)
}

/// Reading and writing Hugging Face model directories.
public enum ModelDirectory {
    /// What a directory holds.
    public struct Contents {
        public let config: ElectraConfig
        /// The architecture named in `config.json`, if any.
        public let role: ElectraRole?
        /// The weights, from whichever weight files the directory has (`weights.files`).
        public let weights: ModelWeights
        /// `vocab.txt`, if present.
        public let vocabularyPath: String?
    }

    /// Opens `directory`: reads `config.json`, validates the weights (`model.safetensors`, else a sharded
    /// index, else `pytorch_model.bin`, as `ModelWeights.fileNames` orders them), checks `vocab.txt`
    /// against the configured vocabulary size.
    public static func open(_ directory: String) throws -> Contents {
        let configPath = directory + "/config.json"
        guard FileManager.default.fileExists(atPath: configPath) else {
            throw ModelDirectoryError.missingFile(path: configPath, hint: "a model directory needs config.json, its weights (model.safetensors, pytorch_model.bin or sharded with an index) and vocab.txt (Hugging Face layout)")
        }
        let config = try ElectraConfig(contentsOf: configPath)
        guard let weights = try ModelWeights.open(directory: directory) else {
            throw ModelDirectoryError.missingFile(path: directory + "/model.safetensors",
                                                  hint: "a model directory needs its weights: model.safetensors, pytorch_model.bin, or a sharded "
                                                      + "model.safetensors.index.json or pytorch_model.bin.index.json with its shards")
        }
        let vocabularyPath = directory + "/vocab.txt"
        var vocabulary: String? = nil
        if FileManager.default.fileExists(atPath: vocabularyPath) {
            let count = try Vocabulary(contentsOf: vocabularyPath).count
            guard count == config.vocabSize else {
                throw ModelDirectoryError.vocabularyMismatch(path: vocabularyPath, vocabularySize: count, configured: config.vocabSize)
            }
            vocabulary = vocabularyPath
        }
        let architectures = config.architectures ?? []
        var role: ElectraRole? = nil
        if architectures.contains("ElectraForPreTraining") { role = .discriminator }
        if architectures.contains("ElectraForMaskedLM") { role = .generator }
        return Contents(config: config, role: role, weights: weights, vocabularyPath: vocabulary)
    }

    /// Throws unless `contents.weights` holds every tensor of `layout` (but those `optional` accepts) with
    /// the layout's shape. Callers check before they allocate the layout, so that a `config.json` with
    /// huge sizes beside small weights ends in this error rather than in an attempt to allocate them.
    public static func checkWeights(_ contents: Contents, layout: [(name: String, shape: [Int])],
                                    optional: (String) -> Bool = { _ in false }) throws {
        let file = contents.weights
        var missing: [String] = []
        for entry in layout {
            guard let name = storedName(entry.name, in: file) else {
                if !optional(entry.name) { missing.append(entry.name) }
                continue
            }
            guard file.tensors[name]!.shape == entry.shape else {
                throw ModelDirectoryError.shapeMismatch(path: file.path, name: name, expected: entry.shape, found: file.tensors[name]!.shape)
            }
        }
        guard missing.isEmpty else { throw ModelDirectoryError.missingTensors(path: file.path, names: missing) }
    }

    /// The name under which `file` holds tensor `name`: as it is, or without the `electra.` prefix.
    private static func storedName(_ name: String, in file: ModelWeights) -> String? {
        if file.tensors[name] != nil { return name }
        guard name.hasPrefix("electra.") else { return nil }
        let bare = String(name.dropFirst("electra.".count))
        return file.tensors[bare] != nil ? bare : nil
    }

    /// Fills `store` from `contents.weights`, by name. Names may lack the `electra.` prefix (as
    /// `ElectraModel` saves them). Tensors in `optional` may be absent (they keep their values);
    /// any other missing tensor is an error, as is a shape that disagrees with the configuration.
    public static func load(_ contents: Contents, into store: ParameterStore, optional: (String) -> Bool = { _ in false }) throws {
        try checkWeights(contents, layout: store.entries.map { ($0.name, $0.shape) }, optional: optional)
        for entry in store.entries {
            if let name = storedName(entry.name, in: contents.weights) { store[entry.name].copy(from: try contents.weights.tensor(name)) }
        }
    }

    /// Loads `contents` into `store`, whose head tensors are `head` (described by `description`):
    /// with `.required` every one must be present; with `.initializeIfAbsent` a head the file has
    /// none of is initialised from the seed (the rest of the store is then loaded over the same
    /// initialisation, from `seed`'s stream `stream`), and part of a head is an error.
    static func load(_ contents: Contents, into store: ParameterStore, head: [String], description: String,
                     policy: HeadPolicy, stream: String = "head") throws {
        let absent = head.filter { contents.weights.tensors[$0] == nil }
        var initialized: Set<String> = []
        switch policy {
        case .required:
            guard absent.isEmpty else { throw ModelDirectoryError.missingHead(path: contents.weights.path, head: description, names: absent) }
        case .initializeIfAbsent(let seed):
            guard absent.isEmpty || absent.count == head.count else {
                throw ModelDirectoryError.missingHead(path: contents.weights.path, head: description, names: absent)
            }
            if !absent.isEmpty {
                var randomness = RandomGenerator(seed: seed).split(stream)
                Initializer.initialize(store, config: contents.config, generator: &randomness)
                initialized = Set(absent)
            }
        }
        try load(contents, into: store, optional: { initialized.contains($0) })
    }

    /// Loads a discriminator (`ElectraForPreTraining`) from `directory`. Its head
    /// (`discriminator_predictions.*`) is `.required` unless `head` says to initialise it (an
    /// `ElectraModel` directory, which has none).
    public static func loadDiscriminator(_ directory: String, head: HeadPolicy = .required) throws -> ElectraDiscriminator {
        let contents = try open(directory)
        if let role = contents.role, role != .discriminator {
            throw ModelDirectoryError.wrongRole(path: directory, expected: .discriminator, found: role)
        }
        let headNames = DiscriminatorHead.layout(contents.config).map(\.name)
        try checkWeights(contents, layout: ElectraDiscriminator.layout(contents.config), optional: headNames.contains)
        let store = ParameterStore(layout: ElectraDiscriminator.layout(contents.config))
        try load(contents, into: store, head: headNames, description: "discriminator head (discriminator_predictions)", policy: head)
        return ElectraDiscriminator(config: contents.config, parameters: store)
    }

    /// Loads a generator (`ElectraForMaskedLM`) from `directory`. Its output layer is tied to the
    /// word embeddings, so a directory whose config says `tie_word_embeddings: false`, or whose
    /// `generator_lm_head.weight` differs from the word embeddings, is refused.
    public static func loadGenerator(_ directory: String) throws -> ElectraGenerator {
        let contents = try open(directory)
        if let role = contents.role, role != .generator {
            throw ModelDirectoryError.wrongRole(path: directory, expected: .generator, found: role)
        }
        if case .bool(false)? = contents.config.extra["tie_word_embeddings"] {
            throw ConfigError.invalid(path: directory + "/config.json",
                                      reason: "tie_word_embeddings false is not supported: this generator's output layer is the word embeddings")
        }
        try checkWeights(contents, layout: ElectraGenerator.layout(contents.config))
        let store = ParameterStore(layout: ElectraGenerator.layout(contents.config))
        try load(contents, into: store)
        let output = "generator_lm_head.weight", embeddings = "electra.embeddings.word_embeddings.weight"
        if contents.weights.tensors[output] != nil,
           try contents.weights.tensor(output).scalars != store[embeddings].scalars {
            throw ConfigError.invalid(path: contents.weights.path,
                                      reason: "\(output) differs from the word embeddings; this generator ties them (untied output layers are not supported)")
        }
        return ElectraGenerator(config: contents.config, parameters: store)
    }

    /// Writes `store` as a Hugging Face directory for `role`: `config.json` (with `architectures`),
    /// `model.safetensors`, and a copy of `vocabulary` as `vocab.txt`. Each file is written
    /// atomically. The generator's tied `generator_lm_head.weight` is left out, as `transformers` does.
    public static func save(config: ElectraConfig, parameters store: ParameterStore, role: ElectraRole,
                            vocabulary: String?, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var config = config
        config.architectures = [role.architecture]
        try writeAtomically(try config.jsonData(), to: directory + "/config.json")
        let tensors = store.entries.map { ($0.name, store[$0.name]) }
        try SafetensorsFile.write(tensors, to: directory + "/model.safetensors")
        if let vocabulary {
            try writeAtomically(try Data(contentsOf: URL(fileURLWithPath: vocabulary)), to: directory + "/vocab.txt")
        }
    }
}

/// Initial values, as Google's ELECTRA: weights and embeddings from a normal distribution truncated at
/// two standard deviations (`initializer_range`), biases 0, LayerNorm scales 1; the padding token's
/// embedding row 0 (as `padding_idx` in PyTorch).
public enum Initializer {
    public static func initialize(_ store: ParameterStore, config: ElectraConfig, generator: inout RandomGenerator) {
        for entry in store.entries {
            let tensor = store[entry.name]
            if entry.name.hasSuffix("LayerNorm.weight") {
                tensor.fill(1)
            } else if entry.name.hasSuffix(".bias") {
                tensor.fill(0)
            } else {
                generator.fillTruncatedNormal(tensor, standardDeviation: config.initializerRange)
                if entry.name.hasSuffix("word_embeddings.weight"), let pad = config.padTokenId, pad < tensor.rows {
                    tensor.rows(pad..<(pad + 1)).fill(0)
                }
            }
        }
    }
}
