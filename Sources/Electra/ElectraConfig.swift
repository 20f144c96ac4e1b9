// ElectraConfig: the model's shape, read from and written to Hugging Face's `config.json`.

import Foundation

/// Why a configuration cannot be used.
public enum ConfigError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case invalid(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read the configuration \(path): \(reason)"
        case .invalid(let path, let reason): return "the configuration \(path) cannot be used: \(reason)"
        }
    }
}

/// An ELECTRA network's hyper-parameters, with Hugging Face's `config.json` keys.
///
/// Keys this type does not model are kept as they were read and written back unchanged.
public struct ElectraConfig: Codable, Equatable, Sendable {
    public var vocabSize = 30522
    public var embeddingSize = 128
    public var hiddenSize = 256
    public var numHiddenLayers = 12
    public var numAttentionHeads = 4
    public var intermediateSize = 1024
    /// Only `gelu` (exact, with erf) is supported, as every released ELECTRA uses.
    public var hiddenAct = "gelu"
    public var hiddenDropoutProb: Float = 0.1
    public var attentionProbsDropoutProb: Float = 0.1
    public var maxPositionEmbeddings = 512
    public var typeVocabSize = 2
    public var initializerRange: Float = 0.02
    public var layerNormEps: Float = 1e-12
    public var padTokenId: Int? = 0
    /// Hugging Face's class names (`ElectraForPreTraining`, `ElectraForMaskedLM`, …).
    public var architectures: [String]? = nil
    /// Every other key of the file, unchanged.
    public var extra: [String: JSONValue] = [:]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case vocabSize = "vocab_size", embeddingSize = "embedding_size", hiddenSize = "hidden_size"
        case numHiddenLayers = "num_hidden_layers", numAttentionHeads = "num_attention_heads"
        case intermediateSize = "intermediate_size", hiddenAct = "hidden_act"
        case hiddenDropoutProb = "hidden_dropout_prob", attentionProbsDropoutProb = "attention_probs_dropout_prob"
        case maxPositionEmbeddings = "max_position_embeddings", typeVocabSize = "type_vocab_size"
        case initializerRange = "initializer_range", layerNormEps = "layer_norm_eps", padTokenId = "pad_token_id"
        case architectures
    }

    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ElectraConfig()
        vocabSize = try c.decodeIfPresent(Int.self, forKey: .vocabSize) ?? defaults.vocabSize
        embeddingSize = try c.decodeIfPresent(Int.self, forKey: .embeddingSize) ?? defaults.embeddingSize
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? defaults.hiddenSize
        numHiddenLayers = try c.decodeIfPresent(Int.self, forKey: .numHiddenLayers) ?? defaults.numHiddenLayers
        numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? defaults.numAttentionHeads
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? defaults.intermediateSize
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? defaults.hiddenAct
        hiddenDropoutProb = try c.decodeIfPresent(Float.self, forKey: .hiddenDropoutProb) ?? defaults.hiddenDropoutProb
        attentionProbsDropoutProb = try c.decodeIfPresent(Float.self, forKey: .attentionProbsDropoutProb)
            ?? defaults.attentionProbsDropoutProb
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? defaults.maxPositionEmbeddings
        typeVocabSize = try c.decodeIfPresent(Int.self, forKey: .typeVocabSize) ?? defaults.typeVocabSize
        initializerRange = try c.decodeIfPresent(Float.self, forKey: .initializerRange) ?? defaults.initializerRange
        layerNormEps = try c.decodeIfPresent(Float.self, forKey: .layerNormEps) ?? defaults.layerNormEps
        padTokenId = c.contains(.padTokenId) ? try c.decodeIfPresent(Int.self, forKey: .padTokenId) : defaults.padTokenId
        architectures = try c.decodeIfPresent([String].self, forKey: .architectures)
        let all = try decoder.singleValueContainer().decode([String: JSONValue].self)
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        extra = all.filter { !known.contains($0.key) }
    }

    public func encode(to encoder: Encoder) throws {
        var object = extra
        object["model_type"] = object["model_type"] ?? .string("electra")
        let known: [(CodingKeys, JSONValue)] = [
            (.vocabSize, .number(Double(vocabSize))), (.embeddingSize, .number(Double(embeddingSize))),
            (.hiddenSize, .number(Double(hiddenSize))), (.numHiddenLayers, .number(Double(numHiddenLayers))),
            (.numAttentionHeads, .number(Double(numAttentionHeads))), (.intermediateSize, .number(Double(intermediateSize))),
            (.hiddenAct, .string(hiddenAct)), (.hiddenDropoutProb, .number(Double(hiddenDropoutProb))),
            (.attentionProbsDropoutProb, .number(Double(attentionProbsDropoutProb))),
            (.maxPositionEmbeddings, .number(Double(maxPositionEmbeddings))), (.typeVocabSize, .number(Double(typeVocabSize))),
            (.initializerRange, .number(Double(initializerRange))), (.layerNormEps, .number(Double(layerNormEps))),
            (.padTokenId, padTokenId.map { .number(Double($0)) } ?? .null),
        ]
        for (key, value) in known { object[key.rawValue] = value }
        if let architectures { object["architectures"] = .array(architectures.map(JSONValue.string)) }
        var container = encoder.singleValueContainer()
        try container.encode(object)
    }

    /// Reads `config.json`.
    public init(contentsOf path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ConfigError.unreadable(path: path, reason: error.localizedDescription)
        }
        do { self = try JSONDecoder().decode(ElectraConfig.self, from: data) } catch {
            throw ConfigError.invalid(path: path, reason: "not a JSON object with ELECTRA's keys (\(error))")
        }
        try validate(path: path)
    }

    /// The JSON text, keys sorted, as `config.json`.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// Checks the values a model can be built from, and refuses what this code would compute
    /// differently from `transformers` (`position_embedding_type` other than `absolute`,
    /// `is_decoder`, `add_cross_attention`, a `model_type` other than `electra`) or could not allocate;
    /// `path` names the file in the message.
    public func validate(path: String = "config") throws {
        func fail(_ reason: String) -> ConfigError { .invalid(path: path, reason: reason) }
        guard hiddenAct == "gelu" else { throw fail("hidden_act \"\(hiddenAct)\" is not supported; ELECTRA uses \"gelu\"") }
        for (name, value) in [("vocab_size", vocabSize), ("embedding_size", embeddingSize), ("hidden_size", hiddenSize),
                              ("num_hidden_layers", numHiddenLayers), ("num_attention_heads", numAttentionHeads),
                              ("intermediate_size", intermediateSize), ("max_position_embeddings", maxPositionEmbeddings),
                              ("type_vocab_size", typeVocabSize)] where value <= 0 {
            throw fail("\(name) must be positive, got \(value)")
        }
        guard hiddenSize % numAttentionHeads == 0 else {
            throw fail("hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(numAttentionHeads)")
        }
        guard (0..<1).contains(hiddenDropoutProb), (0..<1).contains(attentionProbsDropoutProb) else {
            throw fail("dropout probabilities must be in [0, 1)")
        }
        guard layerNormEps > 0 && layerNormEps.isFinite else { throw fail("layer_norm_eps must be a positive number, got \(layerNormEps)") }
        guard initializerRange >= 0 && initializerRange.isFinite else {
            throw fail("initializer_range must be a non-negative number, got \(initializerRange)")
        }
        if let padTokenId, !(0..<vocabSize).contains(padTokenId) {
            throw fail("pad_token_id \(padTokenId) is not a token of the vocabulary (vocab_size \(vocabSize)); use the id of [PAD], or null")
        }
        // Sizes past these limits would overflow Int or ask for more memory than any machine has; with
        // them, the parameter count below cannot overflow.
        for (name, value, limit) in [("vocab_size", vocabSize, 10_000_000), ("max_position_embeddings", maxPositionEmbeddings, 1_000_000),
                                     ("type_vocab_size", typeVocabSize, 1_000_000), ("embedding_size", embeddingSize, 1 << 20),
                                     ("hidden_size", hiddenSize, 1 << 20), ("intermediate_size", intermediateSize, 1 << 22),
                                     ("num_hidden_layers", numHiddenLayers, 10_000)] where value > limit {
            throw fail("\(name) \(value) is beyond what this code supports (at most \(limit))")
        }
        let (V, P, T, E, H, I, L) = (vocabSize, maxPositionEmbeddings, typeVocabSize, embeddingSize, hiddenSize, intermediateSize, numHiddenLayers)
        let parameters = (V + P + T + 2) * E + (E == H ? 0 : (E + 1) * H) + L * (4 * (H + 1) * H + 2 * H * I + I + 5 * H)
        guard parameters <= 1 << 36 else {
            throw fail("the encoder would have \(parameters) parameters, more than the 2^36 (256 GiB of Float32) this code supports")
        }
        // Keys of Hugging Face's ElectraConfig that select computations this code does not implement.
        if let type = extra["model_type"], type != .string("electra") {
            throw fail("model_type \(type.jsonText) is not an ELECTRA model (\"electra\")")
        }
        if let type = extra["position_embedding_type"], type != .string("absolute") {
            throw fail("position_embedding_type \(type.jsonText) is not supported; this code implements \"absolute\" position embeddings only")
        }
        for key in ["is_decoder", "add_cross_attention"] {
            switch extra[key] {
            case nil, .null?, .bool(false)?: continue
            case .bool(true)?: throw fail("\(key) true is not supported; this code implements ELECTRA's bidirectional encoder only")
            case let value?: throw fail("\(key) must be true or false, got \(value.jsonText)")
            }
        }
    }
}

extension ElectraConfig {
    /// ELECTRA-Small's discriminator, as Google released it.
    public static var small: ElectraConfig {
        var c = ElectraConfig()
        (c.embeddingSize, c.hiddenSize, c.numHiddenLayers, c.numAttentionHeads, c.intermediateSize) = (128, 256, 12, 4, 1024)
        return c
    }

    /// ELECTRA-Base's discriminator.
    public static var base: ElectraConfig {
        var c = ElectraConfig()
        (c.embeddingSize, c.hiddenSize, c.numHiddenLayers, c.numAttentionHeads, c.intermediateSize) = (768, 768, 12, 12, 3072)
        return c
    }

    /// ELECTRA-Large's discriminator.
    public static var large: ElectraConfig {
        var c = ElectraConfig()
        (c.embeddingSize, c.hiddenSize, c.numHiddenLayers, c.numAttentionHeads, c.intermediateSize) = (1024, 1024, 24, 16, 4096)
        return c
    }

    /// How a generator's width follows from the discriminator's.
    public enum GeneratorSizing: String, Codable, Sendable, CaseIterable {
        /// NVIDIA's TF2 `modeling.py`, `get_generator_config`: `round(H · fraction)` rounded up to a
        /// multiple of 64, the attention head size ("To keep hidden size divisble by 64").
        case nvidia
        /// Google's `run_pretraining.py`, `get_generator_config`: `round(H · fraction)` as it is.
        case google
    }

    /// The generator for this discriminator, `fraction` of its hidden size, as the references'
    /// `get_generator_config` builds it: hidden = round(H · fraction) (NVIDIA then rounds up to a
    /// multiple of 64), intermediate = 4 · hidden, heads = max(1, hidden / 64); embeddings and depth
    /// unchanged (the two networks share embeddings). For ELECTRA-large at 1/3, NVIDIA's rule gives
    /// hidden 384, 6 heads, FFN 1536; Google's gives 341, which no head count divides: there (and only
    /// where hidden / 64 heads do not divide the width) the head count is lowered until it does,
    /// where Google's TensorFlow would refuse the configuration.
    public func generator(fraction: Double, sizing: GeneratorSizing = .nvidia) -> ElectraConfig {
        var c = self
        c.hiddenSize = max(1, Int((Double(hiddenSize) * fraction).rounded(.toNearestOrEven)))
        if sizing == .nvidia && c.hiddenSize % 64 != 0 { c.hiddenSize += 64 - c.hiddenSize % 64 }
        c.intermediateSize = 4 * c.hiddenSize
        c.numAttentionHeads = max(1, c.hiddenSize / 64)
        while c.hiddenSize % c.numAttentionHeads != 0 { c.numAttentionHeads -= 1 }
        c.architectures = ["ElectraForMaskedLM"]
        return c
    }

    /// The generator fraction of the size presets: 1/4 for small, 1/3 for base and large.
    public static func defaultGeneratorFraction(for hiddenSize: Int) -> Double {
        hiddenSize <= 256 ? 0.25 : 1.0 / 3.0
    }
}
