// QuestionAnsweringModel: an ELECTRA encoder with a SQuAD head, loaded from and saved as a model
// directory.

import ElectraData
import ElectraNN
import ElectraTensor
import Foundation

/// Which SQuAD head.
public enum QuestionAnsweringHeadKind: String, Codable, Sendable, CaseIterable {
    /// NVIDIA's joint start/end head with beam search (and answerability for SQuAD 2.0).
    case joint
    /// Hugging Face's `qa_outputs` (`ElectraForQuestionAnswering`).
    case span
}

/// An encoder and a question-answering head over one parameter store.
///
/// Saved directories use Hugging Face's layout: `config.json` (architectures
/// `ElectraForQuestionAnswering`, plus `electra_qa_head` = `joint` or `span` and
/// `electra_qa_answerability`), `model.safetensors` with the encoder's `electra.*` tensors and the
/// head's (`qa_outputs.*` for the span head, which `transformers` loads; `start_logits.*`,
/// `end_logits.*`, `answer_class.*` for the joint head, documented in docs/joint-qa-head.md).
public final class QuestionAnsweringModel {
    public let config: ElectraConfig
    public let kind: QuestionAnsweringHeadKind
    public let answerability: Bool
    public let parameters: ParameterStore
    public let encoder: ElectraEncoder
    public let joint: JointHead?
    public let span: SpanHead?

    public init(config: ElectraConfig, kind: QuestionAnsweringHeadKind, answerability: Bool, parameters: ParameterStore) {
        self.config = config
        self.kind = kind
        self.answerability = answerability
        self.parameters = parameters
        encoder = ElectraEncoder(config: config, store: parameters)
        joint = kind == .joint ? JointHead(parameters, epsilon: config.layerNormEps) : nil
        span = kind == .span ? SpanHead(parameters) : nil
    }

    public static func layout(_ config: ElectraConfig, kind: QuestionAnsweringHeadKind, answerability: Bool) -> [(name: String, shape: [Int])] {
        ElectraEncoder.layout(config) + (kind == .joint ? JointHead.layout(hidden: config.hiddenSize, answerability: answerability)
                                                         : SpanHead.layout(hidden: config.hiddenSize))
    }

    public func makeGradients() -> QuestionAnsweringModel {
        QuestionAnsweringModel(config: config, kind: kind, answerability: answerability, parameters: parameters.zerosLike())
    }

    /// A model whose encoder comes from `directory` (a pretrained discriminator, an `ElectraModel`,
    /// or a fine-tuned question-answering model) and whose head is new unless the directory has one.
    public static func load(_ directory: String, kind: QuestionAnsweringHeadKind, answerability: Bool,
                            seed: UInt64 = 1) throws -> QuestionAnsweringModel {
        let contents = try ModelDirectory.open(directory)
        let store = ParameterStore(layout: layout(contents.config, kind: kind, answerability: answerability))
        var randomness = RandomGenerator(seed: seed).split("qa head")
        Initializer.initialize(store, config: contents.config, generator: &randomness)
        let headNames = Set((kind == .joint ? JointHead.layout(hidden: contents.config.hiddenSize, answerability: answerability)
                                            : SpanHead.layout(hidden: contents.config.hiddenSize)).map(\.name))
        try ModelDirectory.load(contents, into: store, optional: { headNames.contains($0) })
        return QuestionAnsweringModel(config: contents.config, kind: kind, answerability: answerability, parameters: store)
    }

    /// Opens a fine-tuned directory with the head it was saved with.
    public static func loadFineTuned(_ directory: String) throws -> QuestionAnsweringModel {
        let contents = try ModelDirectory.open(directory)
        guard case .string(let name)? = contents.config.extra["electra_qa_head"], let kind = QuestionAnsweringHeadKind(rawValue: name) else {
            throw ModelDirectoryError.missingFile(path: directory + "/config.json",
                                                  hint: "it names no question-answering head (electra_qa_head); fine-tune one with `electra finetune squad`")
        }
        var answerability = false
        if case .bool(let value)? = contents.config.extra["electra_qa_answerability"] { answerability = value }
        return try load(directory, kind: kind, answerability: answerability)
    }

    /// Writes the model as a directory with `vocabulary` copied in.
    public func save(to directory: String, vocabulary: String?) throws {
        var config = self.config
        config.extra["electra_qa_head"] = .string(kind.rawValue)
        config.extra["electra_qa_answerability"] = .bool(answerability)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        config.architectures = ["ElectraForQuestionAnswering"]
        try writeAtomically(try config.jsonData(), to: directory + "/config.json")
        try SafetensorsFile.write(parameters.entries.map { ($0.name, parameters[$0.name]) }, to: directory + "/model.safetensors")
        if let vocabulary { try writeAtomically(try Data(contentsOf: URL(fileURLWithPath: vocabulary)), to: directory + "/vocab.txt") }
    }

    /// Layer-wise learning-rate multipliers (NVIDIA's `_get_layer_decay`): the head 1, encoder layer
    /// i `decay^(L + 1 − i)`, the embeddings and their projection `decay^(L + 2)`.
    public func layerRateScales(decay: Float) -> [String: Float] {
        let L = config.numHiddenLayers
        var scales: [String: Float] = [:]
        for entry in parameters.entries {
            var depth = L + 2
            if entry.name.hasPrefix("electra.embeddings") { depth = 0 }
            else if entry.name.hasPrefix("electra.encoder.layer."),
                    let index = Int(entry.name.dropFirst("electra.encoder.layer.".count).prefix { $0.isNumber }) { depth = index + 1 }
            scales[entry.name] = Float(pow(Double(decay), Double(L + 2 - depth)))
        }
        return scales
    }
}
